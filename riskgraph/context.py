"""The CLI context: settings parsed once in the root callback, read by every command."""

from __future__ import annotations

import typer

from riskgraph.settings import Settings


def settings_from(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    settings = root.obj
    assert isinstance(settings, Settings), "root callback did not run"
    return settings
