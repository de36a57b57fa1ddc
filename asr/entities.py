"""Order numbers and phone numbers mentioned in a call, spoken digits included.

Phones are Chinese mobiles (11 digits, 1[3-9]...) or US numbers (10 digits). Order numbers follow
the shop's format (`EntityConfig.order_pattern`, a regular expression a whole id must match; ten
digits by default). A run that could be both is decided by the nearest cue word before it
("order" / 订单 vs "phone", "call" / 电话, 手机); with no cue it is an order when it fits the pattern.

A cue word belongs to the number after it: the cue of an earlier number does not carry over to
the next one ("订单号3969…，请回点170…": 回电 heard as 回点, the mobile is no order).

When the day's order ids are known, a mention is linked to its order: the id itself, or the one
known id whose digits are the digits said (an id like "SO-2026-4512339876" is read out as digits),
or the one known id the digits said are one digit short of or one digit off (Whisper drops one of
two equal digits, "3668…" heard as "368…", or mishears one).
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
MAX_ID_DIGITS = 12  # a longer run of digits is no single id: perhaps two read one after the other
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


# A run may hold a known order's digits with up to this many digits more around them (a cue word
# or a filler heard as a digit: "单号" as 三 before the id); the id is linked when exactly one fits.
# Ids of fewer than MIN_EMBEDDED digits are not looked for inside longer runs (chance matches).
MAX_EXTRA_DIGITS = 3
MIN_EMBEDDED = 8


def _embedded(digits: str, known: frozenset[str]) -> str | None:
    """The one known id whose digits occur inside `digits`, with at most MAX_EXTRA_DIGITS more."""
    index = _digits_index(known)
    hits = {index[digits[i:i + n]] for n in range(max(MIN_EMBEDDED, len(digits) - MAX_EXTRA_DIGITS), len(digits))
            for i in range(len(digits) - n + 1) if digits[i:i + n] in index}
    return next(iter(hits)) if len(hits) == 1 else None


def _near(digits: str, known: frozenset[str]) -> str | None:
    """The one known id whose digits are `digits` with one digit put back (lost) or one changed."""
    if len(digits) < MIN_EMBEDDED - 1:
        return None
    index = _digits_index(known)
    lost = (digits[:i] + d + digits[i:] for i in range(len(digits) + 1) for d in "0123456789")
    changed = (digits[:i] + d + digits[i + 1:] for i in range(len(digits)) for d in "0123456789" if d != digits[i])
    hits = {index[c] for c in (*lost, *changed) if c in index}
    return next(iter(hits)) if len(hits) == 1 else None


def _order(run: str, config: EntityConfig, near: bool = True) -> Entity | None:
    digits = re.sub(r"\D", "", run)
    if config.known_orders:
        for candidate in (run, run.upper(), digits):
            if candidate in config.known_orders:
                return Entity("order_id", candidate, run, True)
        linked = _digits_index(config.known_orders).get(digits) or _embedded(digits, config.known_orders)
        if linked is None and near:
            linked = _near(digits, config.known_orders)
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
    if cue == "phone" and not (order is not None and order.linked):  # said as a phone, but none: no order either
        return None
    if order is not None and (order.linked or cue == "order_id" or phone is None or len(digits) != 11):
        return order
    if cue == "order_id":  # said as an order but not in the shop's format: neither an order nor a phone
        return None
    return phone


# Digits Whisper may write for the cue word between two ids read one after the other ("phone" heard
# as "four", "seven"): a run that is an order and a phone with up to this many digits between them.
MAX_SPLIT_GAP = 2


def _split(run: str, config: EntityConfig) -> tuple[Entity, Entity] | None:
    """An order followed by a phone (or a phone by an order) written as one run of digits.

    When the cue word between two ids is lost or heard as a digit, Whisper writes both ids as one
    run ("3054921837 4 5032696875"). The run is split when one part is an order (the shop's format,
    or a known id) and the part after it a valid phone, or the other way round, with at most
    MAX_SPLIT_GAP digits left over before or between them (a cue word "for", "phone" heard as a
    digit). A split onto a known order wins, then the one that leaves fewest digits over.
    """
    best: tuple[int, tuple[Entity, Entity]] | None = None
    n = len(run)
    for lead in range(MAX_SPLIT_GAP + 1):
        for head in range(lead + MIN_RUN, n - MIN_RUN + 1):
            for gap in range(MAX_SPLIT_GAP + 1 - lead):
                first, second = run[lead:head], run[head + gap:]
                if len(second) < MIN_RUN:
                    break
                # exact links only: a near one (one digit off) would make a neighbouring cut as good as the right one
                for order, phone, order_first in ((_order(first, config, near=False), _phone(second), True),
                                                  (_order(second, config, near=False), _phone(first), False)):
                    if order is None or phone is None:
                        continue
                    rank = (0 if order.linked else 1) * 100 + lead + gap
                    if best is None or rank < best[0]:
                        best = (rank, (order, phone) if order_first else (phone, order))
    return best[1] if best else None


def _phones_beside_linked_orders(found: list[tuple[Entity, str | None]]) -> list[Entity]:
    """An unlinked order with no cue that is a valid phone, in a call that names a known order, is a phone.

    With the day's orders known, a caller names the order the call is about and then a callback
    number; a ten-digit US phone said with a cue the parser does not know ("the best number for me
    is …") fits a ten-digit order format and would be taken for a second, unknown order.
    """
    if not any(e.kind == "order_id" and e.linked for e, _ in found):
        return [e for e, _ in found]
    out = []
    for e, cue in found:
        plain = e.kind == "order_id" and not e.linked and cue is None and e.text.isdigit()
        phone = _phone(e.text) if plain else None
        out.append(phone if phone is not None else e)
    return out


def extract_entities(text: str, config: EntityConfig = DEFAULT_ENTITIES) -> tuple[Entity, ...]:
    """Order ids and phones in order of mention, each (kind, value) once."""
    normalized = normalize_digits(text)
    found: list[tuple[Entity, str | None]] = []
    after_previous = 0  # a cue is looked for only since the previous number: each number has its own
    for m in _RUN.finditer(normalized):
        run = m.group()
        cue = _nearest_cue(normalized[after_previous:m.start()])
        entity = _classify(run, cue, config)
        after_previous = m.end()
        if entity is not None:
            found.append((entity, cue))
        elif run.isdigit() and len(run) > MAX_ID_DIGITS:
            found += [(e, "split") for e in _split(run, config) or ()]  # the split already chose the kinds
    out: list[Entity] = []
    for e in _phones_beside_linked_orders(found):
        if all((o.kind, o.value) != (e.kind, e.value) for o in out):
            out.append(e)
    return tuple(out)
