"""Chinese script: Whisper writes Mandarin in traditional or simplified characters; we keep simplified.

One script makes intents, keywords and scores see one spelling (退款, not 退款/退款's traditional twin).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _t2s() -> Any:
    import opencc  # opencc-python-reimplemented: pure Python, its dictionaries ship in the wheel

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Traditional characters mapped to simplified; everything else unchanged."""
    return str(_t2s().convert(text)) if text else text
