"""Match an event's raw ship address and phone against the ring indicators, paying for full
normalization only when a match is possible.

ingest.normalize.address_key resolves omitted province/city with cpca, which costs milliseconds
per Chinese address, and even the regex normalizers cost tens of microseconds: too much for
every event when almost none match. Each matcher first runs a necessary condition that is a few
set lookups, and normalizes (cached: the same addresses and phones recur) only when it holds:

- Chinese key "zh|prov|city|district|street|number|unit": street and door number come from one
  contiguous tail of the text, so "科技园路88" must occur in the text once whitespace and
  punctuation are removed (and not be followed by another digit).
- English key "en|<number> <name> <type>|unit|city|postcode": the door number is a whole digit
  run of the text, and the street name's first word occurs in the lower-cased text (an
  abbreviation such as "n" for "north" still occurs in the long form).
- E.164 phone: the last ten digits of the raw phone equal the last ten of an indexed phone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from ingest.normalize import address_key, fold_width, normalize_phone

_CJK = re.compile(r"[\u4e00-\u9fff]")
_NOT_WORD = re.compile(r"[\W_]+")
_DIGITS = re.compile(r"\d+")
_NON_DIGITS = re.compile(r"\D+")
# A street+door token ends in a door digit, or in a street suffix (路 街 道 巷 弄 胡同) when it has no door.
_TOKEN_ENDS = frozenset("路街道巷弄同0123456789")
# ingest's street-type abbreviations that do not occur inside their long form (road -> rd): a
# street name starting with one of these is not checked by name.
_EN_NOT_INSIDE = frozenset({"ave", "rd", "blvd", "ln", "ct", "pl", "ter", "hwy", "pkwy", "sq", "cir"})


@lru_cache(maxsize=65_536)
def cached_address_key(raw: str) -> str:
    return address_key(raw)


@lru_cache(maxsize=65_536)
def cached_phone(raw: str) -> str | None:
    return normalize_phone(raw)


def _squeeze(text: str) -> str:
    return _NOT_WORD.sub("", text)


class AddressMatcher:
    """key_of(raw) -> the indexed address key that `raw` normalizes to, or None."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._keys = frozenset(keys)
        zh = [k.split("|") for k in self._keys if k.startswith("zh|")]
        # A street-less Chinese key cannot be pre-filtered: then every Chinese address is keyed.
        self._zh_all = any(len(p) < 7 or not p[4] for p in zh)
        self._tokens = frozenset(_squeeze(p[4] + p[5]) for p in zh if len(p) >= 7 and p[4])
        self._lengths = sorted({len(t) for t in self._tokens})
        streets = [k.split("|")[1].split(" ") for k in self._keys if k.startswith("en|") and k.count("|") >= 2]
        # English keys without a door number (no recognizable street) cannot be pre-filtered.
        self._en_all = any(not w[0].isdigit() for w in streets)
        self._door_names: dict[str, set[str]] = {}  # door -> first words of street names ("" = any)
        for words in streets:
            name = words[1] if len(words) > 2 and words[1] not in _EN_NOT_INSIDE else ""
            self._door_names.setdefault(words[0], set()).add(name)

    def key_of(self, raw: str) -> str | None:
        if not self._keys:
            return None
        text = fold_width(raw)
        if _CJK.search(text):
            if not self._zh_all and not self._may_hold_token(_squeeze(text)):
                return None
        elif not self._en_all and not self._may_hold_street(text):
            return None
        key = cached_address_key(raw)
        return key if key in self._keys else None

    def _may_hold_street(self, text: str) -> bool:
        lower = ""
        for door in _DIGITS.findall(text):
            names = self._door_names.get(door)
            if names:
                lower = lower or text.lower()
                if any(n in lower for n in names):  # "" is in every string
                    return True
        return False

    def _may_hold_token(self, text: str) -> bool:
        for end, ch in enumerate(text, 1):
            if ch in _TOKEN_ENDS and not (end < len(text) and ch.isdigit() and text[end].isdigit()):
                for n in self._lengths:
                    if n <= end and text[end - n:end] in self._tokens:
                        return True
        return False


class PhoneMatcher:
    """phone_of(raw) -> the indexed E.164 phone that `raw` normalizes to, or None."""

    def __init__(self, phones: Iterable[str]) -> None:
        self._phones = frozenset(phones)
        self._tails = frozenset(_NON_DIGITS.sub("", p)[-10:] for p in self._phones)

    def phone_of(self, raw: str) -> str | None:
        if not self._phones or _NON_DIGITS.sub("", fold_width(raw))[-10:] not in self._tails:
            return None
        phone = cached_phone(raw)
        return phone if phone in self._phones else None
