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
- And the unit: normalization keeps a unit's digits in order (it rewrites 号楼/幢/座 to 栋,
  3-1201 to 3栋1201, drops spaces, punctuation and an English unit's leading zeros). A Chinese
  unit is all that follows "<door>号", so the key's door digits then its unit's digits
  ("88" + "31201") occur in the text's digits read alone ("…8831201…"); an English unit is one
  token, so its digits occur there. Without this, every address on a ring's street and door but
  in another flat would pay the full normalization (cpca: milliseconds).
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
# The last character of a street: ingest's street suffixes (路 街 道 巷 弄 胡同 大道 大街).
_STREET_END = re.compile(r"[路街道巷弄同]")
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


def _digits(text: str) -> str:
    return _NON_DIGITS.sub("", text)


class AddressMatcher:
    """key_of(raw) -> the indexed address key that `raw` normalizes to, or None."""

    def __init__(self, keys: Iterable[str]) -> None:
        self._keys = frozenset(keys)
        zh = [k.split("|") for k in self._keys if k.startswith("zh|")]
        # A street-less Chinese key cannot be pre-filtered: then every Chinese address is keyed.
        self._zh_all = any(len(p) < 7 or not p[4] for p in zh)
        # door number -> (street, the digits its key needs: door then unit); a street without a
        # door -> the unit digits its keys need (streets as squeezed text)
        self._doors: dict[str, set[tuple[str, str]]] = {}
        self._streets: dict[str, set[str]] = {}
        for p in zh:
            if len(p) >= 7 and p[4]:
                street, door, need = _squeeze(p[4]), p[5], _digits(p[5] + p[6])
                if door:
                    self._doors.setdefault(door, set()).add((street, need))
                else:
                    self._streets.setdefault(street, set()).add(need)
        self._street_lengths = sorted({len(t) for t in self._streets})
        en = [k.split("|") for k in self._keys if k.startswith("en|") and k.count("|") >= 2]
        # English keys without a door number (no recognizable street) cannot be pre-filtered.
        self._en_all = any(not p[1].split(" ")[0].isdigit() for p in en)
        # door -> (first word of the street name, "" = any; digits of the unit)
        self._door_names: dict[str, set[tuple[str, str]]] = {}
        for p in en:
            words = p[1].split(" ")
            name = words[1] if len(words) > 2 and words[1] not in _EN_NOT_INSIDE else ""
            self._door_names.setdefault(words[0], set()).add((name, _digits(p[2])))

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
        lower = digits = ""
        for door in _DIGITS.findall(text):
            names = self._door_names.get(door)
            if names:
                lower = lower or text.lower()
                digits = digits or _digits(text)
                if any(n in lower and d in digits for n, d in names):  # "" is in every string
                    return True
        return False

    def _may_hold_token(self, text: str) -> bool:
        """`text` squeezed. A street ends in a suffix character (路, 街 ...), so a door number
        right after it is a whole digit run: look the runs up, then the street before them."""
        digits = ""
        for m in _DIGITS.finditer(text):
            for street, need in self._doors.get(m.group(), ()):
                start = m.start()
                if len(street) <= start and text.startswith(street, start - len(street)):
                    digits = digits or _digits(text)
                    if need in digits:
                        return True
        if self._streets:
            for m in _STREET_END.finditer(text):
                end = m.end()
                for n in self._street_lengths:
                    if n <= end and (needs := self._streets.get(text[end - n:end])):
                        digits = digits or _digits(text)
                        if any(d in digits for d in needs):
                            return True
        return False


class PhoneMatcher:
    """phone_of(raw) -> the indexed E.164 phone that `raw` normalizes to, or None."""

    def __init__(self, phones: Iterable[str]) -> None:
        self._phones = frozenset(phones)
        self._tails = frozenset(_digits(p)[-10:] for p in self._phones)

    def phone_of(self, raw: str) -> str | None:
        if not self._phones or _digits(fold_width(raw))[-10:] not in self._tails:
            return None
        phone = cached_phone(raw)
        return phone if phone in self._phones else None
