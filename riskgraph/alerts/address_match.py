"""Match an event's raw ship address against the ring address keys, paying for the full
address key only when it can match.

ingest.normalize.address_key resolves omitted province/city with cpca, which costs milliseconds
per Chinese address: far over the scorer's per-event budget. But a Chinese key can only equal an
indexed key if the indexed key's street (科技园路) occurs in the raw text once whitespace and
punctuation are removed, and that check is a handful of set lookups. So: English addresses (pure
regex, fast) are keyed directly; Chinese ones only when an indexed street occurs in them; keys
are cached, since the same addresses recur.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ingest.normalize import address_key, fold_width

_CJK = re.compile(r"[\u4e00-\u9fff]")
_NOT_WORD = re.compile(r"[\W_]+")
_STREET_ENDS = frozenset("路街道巷弄同")  # last characters of the street suffixes address_key knows


@lru_cache(maxsize=65_536)
def cached_address_key(raw: str) -> str:
    return address_key(raw)


def _squeeze(text: str) -> str:
    return _NOT_WORD.sub("", fold_width(text))


class AddressMatcher:
    """key_of(raw) -> the indexed address key that `raw` normalizes to, or None."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._keys = frozenset(keys)
        zh_streets = [k.split("|")[4] if k.count("|") >= 6 else "" for k in self._keys if k.startswith("zh|")]
        # A street-less Chinese key cannot be pre-filtered by street: then key every Chinese address.
        self._zh_all = any(not s for s in zh_streets)
        self._streets = frozenset(_squeeze(s) for s in zh_streets if s)
        self._lengths = sorted({len(s) for s in self._streets})

    def key_of(self, raw: str) -> str | None:
        if not self._keys:
            return None
        if _CJK.search(raw) and not self._zh_all and not self._may_hold_street(_squeeze(raw)):
            return None
        key = cached_address_key(raw)
        return key if key in self._keys else None

    def _may_hold_street(self, text: str) -> bool:
        for end, ch in enumerate(text, 1):
            if ch in _STREET_ENDS:
                for n in self._lengths:
                    if n <= end and text[end - n:end] in self._streets:
                        return True
        return False
