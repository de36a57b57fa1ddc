"""Private by default: the local Neo4j's store, logs and password file are owner-only."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

pytestmark = pytest.mark.integration


def test_the_local_store_is_owner_only(neo4j_local: object) -> None:
    from services.neo4j_local import LocalNeo4jConfig

    assert isinstance(neo4j_local, LocalNeo4jConfig)
    home = Path(neo4j_local.home)
    paths = [home, *home.rglob("*")]
    assert len(paths) > 20 and neo4j_local.password_file in paths  # the store, its logs, the password
    shared = [f"{p.relative_to(home)} {stat.filemode(p.stat().st_mode)}" for p in paths
              if not p.is_symlink() and p.stat().st_mode & 0o077]
    assert shared == []
