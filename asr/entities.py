"""Order numbers and phone numbers mentioned in a call, spoken digits included.

Order ids are 10-digit strings; phones are Chinese mobiles (11 digits, 1[3-9]...) or US numbers
(10 digits). A 10-digit run is ambiguous, so the nearest cue word before it decides ("order" /
订单 vs "phone", "call" / 电话, 手机); with no cue a 10-digit run is an order id.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from asr.digits import normalize_digits
from ingest.normalize import normalize_phone

ORDER_CUES = ("order", "订单", "单号")
PHONE_CUES = ("phone", "call", "mobile", "cell", "reach me", "contact", "电话", "手机", "联系", "回电")
CUE_WINDOW = 60  # characters before a number in which a cue counts
ORDER_ID_DIGITS = 10
_RUN = re.compile(r"(?<!\d)\d{7,}(?!\d)")


@dataclass(frozen=True)
class Entity:
    """One id mentioned in the call."""

    kind: str  # "order_id" | "phone"
    value: str  # order id digits, or the phone in E.164 (+8613812345678, +14155550123)
    text: str  # the digit run as it appeared after spoken-digit normalization


def _nearest_cue(before: str) -> str | None:
    window = before[-CUE_WINDOW:].lower()
    best: tuple[int, str] | None = None
    for kind, cues in (("order_id", ORDER_CUES), ("phone", PHONE_CUES)):
        for cue in cues:
            at = window.rfind(cue)
            if at >= 0 and (best is None or at > best[0]):
                best = (at, kind)
    return best[1] if best else None


def _classify(digits: str, cue: str | None) -> Entity | None:
    if len(digits) == ORDER_ID_DIGITS and cue != "phone":
        return Entity("order_id", digits, digits)
    phone = normalize_phone(digits)
    if phone is not None and len(digits) in (10, 11):
        return Entity("phone", phone, digits)
    return None


def extract_entities(text: str) -> tuple[Entity, ...]:
    """Order ids and phones in order of mention, each (kind, value) once."""
    normalized = normalize_digits(text)
    out: list[Entity] = []
    for m in _RUN.finditer(normalized):
        entity = _classify(m.group(), _nearest_cue(normalized[:m.start()]))
        if entity is not None and all((e.kind, e.value) != (entity.kind, entity.value) for e in out):
            out.append(entity)
    return tuple(out)
