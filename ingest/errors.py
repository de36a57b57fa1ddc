"""The project's error hierarchy root.

ingest/ is the bottom of the dependency graph, so the base class lives here and every
package derives its own errors from it. The CLI catches `RiskgraphError` and prints its
message as one line; anything else is a bug and keeps its traceback.
"""


class RiskgraphError(Exception):
    """An error the user can act on; the message says what to do."""


class InputError(RiskgraphError):
    """An input file breaks the input contract (missing file or required column)."""


class MediaPathError(RiskgraphError):
    """A photo or audio path that resolves outside the day folder (quarantined as `path_outside_day`)."""

    reason = "path_outside_day"

    def __init__(self, raw: str, resolved: str) -> None:
        self.detail = f"{raw[:80]!r} resolves to {resolved[:80]!r}, outside the day folder"
        super().__init__(self.detail)
