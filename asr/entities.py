"""Order numbers and phone numbers mentioned in a call, spoken digits included.

Phones are Chinese mobiles (11 digits, 1[3-9]...) or US numbers (10 digits). Order numbers follow
the shop's format (`EntityConfig.order_pattern`, a regular expression a whole id must match; ten
digits by default). A run that could be both is decided by the nearest cue word before it
("order" / 订单 vs "phone", "call" / 电话, 手机); with no cue it is an order when it fits the pattern.

When the day's order ids are known, a mention is linked to its order: the id itself, or the one
known id whose digits are the digits said (an id like "SO-2026-4512339876" is read out as digits).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from asr.digits import normalize_digits
from ingest.normalize import normalize_phone

ORDER_CUES = ("order", "订单", "单号")
# "my number" (not "number": "order number" is an order's cue) is how callers give a callback number.
PHONE_CUES = ("phone", "call", "mobile", "cell", "reach me", "contact", "number to", "my number", "电话", "手机", "联系",
              "回电")
CUE_WINDOW = 60  # characters before a number in which a cue counts
DEFAULT_ORDER_PATTERN = r"\d{10}"
MIN_RUN = 6  # shorter digit runs are quantities, dates, prices
_RUN = re.compile(rf"(?<![\dA-Za-z])[A-Za-z]{{0,4}}[-]?\d{{{MIN_RUN},}}(?!\d)")


@dataclass(frozen=True)
class EntityConfig:
    """What the shop's ids look like, and which orders exist (for linking)."""

    order_pattern: str = DEFAULT_ORDER_PATTERN  # a full order id matches this (Python regex)
    known_orders: frozenset[str] = field(default_factory=frozenset)  # the day's order ids; empty = unknown


DEFAULT_ENTITIES = EntityConfig()


@dataclass(frozen=True)
class Entity:
    """One id mentioned in the call."""

    kind: str  # "order_id" | "phone"
    value: str  # the order id (as the shop writes it when linked), or the phone in E.164
    text: str  # the run as it appeared after spoken-digit normalization
    linked: bool = False  # order ids: the id is one of the known orders


def _nearest_cue(before: str) -> str | None:
    window = before[-CUE_WINDOW:].lower()
    best: tuple[int, str] | None = None
    for kind, cues in (("order_id", ORDER_CUES), ("phone", PHONE_CUES)):
        for cue in cues:
            at = window.rfind(cue)
            if at >= 0 and (best is None or at > best[0]):
                best = (at, kind)
    return best[1] if best else None


@lru_cache(maxsize=64)
def _digits_index(known: frozenset[str]) -> dict[str, str]:
    """Digits of each known id -> the id, for ids whose digits are unique among them."""
    index: dict[str, str] = {}
    clash: set[str] = set()
    for order in known:
        digits = re.sub(r"\D", "", order)
        if len(digits) >= MIN_RUN:
            if digits in index:
                clash.add(digits)
            index[digits] = order
    return {d: o for d, o in index.items() if d not in clash}


def _order(run: str, config: EntityConfig) -> Entity | None:
    digits = re.sub(r"\D", "", run)
    if config.known_orders:
        for candidate in (run, run.upper(), digits):
            if candidate in config.known_orders:
                return Entity("order_id", candidate, run, True)
        linked = _digits_index(config.known_orders).get(digits)
        if linked is not None:
            return Entity("order_id", linked, run, True)
    for candidate in (run, run.upper(), digits):
        if re.fullmatch(config.order_pattern, candidate):
            return Entity("order_id", candidate, run, False)
    return None


def _phone(digits: str) -> Entity | None:
    if len(digits) not in (10, 11):
        return None
    phone = normalize_phone(digits)
    return Entity("phone", phone, digits) if phone is not None else None


def _classify(run: str, cue: str | None, config: EntityConfig) -> Entity | None:
    digits = re.sub(r"\D", "", run)
    order = _order(run, config)
    phone = _phone(digits) if digits == run else None
    if cue == "phone" and phone is not None:
        return phone
    if order is not None and (order.linked or cue == "order_id" or phone is None or len(digits) != 11):
        return order
    if cue == "order_id":  # said as an order but not in the shop's format: neither an order nor a phone
        return None
    return phone


def extract_entities(text: str, config: EntityConfig = DEFAULT_ENTITIES) -> tuple[Entity, ...]:
    """Order ids and phones in order of mention, each (kind, value) once."""
    normalized = normalize_digits(text)
    out: list[Entity] = []
    for m in _RUN.finditer(normalized):
        entity = _classify(m.group(), _nearest_cue(normalized[:m.start()]), config)
        if entity is not None and all((e.kind, e.value) != (entity.kind, entity.value) for e in out):
            out.append(entity)
    return tuple(out)
