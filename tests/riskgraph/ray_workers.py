"""Worker factories for the Ray tests; a module of their own so Ray workers can import them by name."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CrashOnce:
    """Squares numbers; the worker that first meets `crash_on` dies (as a lost node's worker would)."""

    marker: str  # created just before the crash, so the retried call does not crash again
    crash_on: int

    def __call__(self) -> Callable[[int], tuple[int, int]]:
        def work(x: int) -> tuple[int, int]:
            if x == self.crash_on and not Path(self.marker).exists():
                Path(self.marker).write_text(str(os.getpid()))
                os._exit(1)
            return x * x, os.getpid()

        return work
