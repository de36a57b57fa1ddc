"""Events in, decisions out: the JSON shapes of the streaming scorer (docs/alerts.md).

parse_event is strict about what the scorer needs (ids, type, timestamp). Ship address and phone
stay raw: the scorer's matchers (identifiers.py) normalize them with ingest's shared
address_key / normalize_phone when they can match a ring, so an address typed into an order
meets the key that OCR put into the alert.

This is the scorer's per-event hot path: msgspec decodes and type-checks an event in one pass
into the `Event` Struct, and encodes a decision straight to UTF-8 bytes; only the checks msgspec
cannot express (non-blank ids, the event type, "" meaning absent) are Python, and the dead-letter
reasons are worded here only when an event fails.
"""

from __future__ import annotations

import json
import re
from typing import Any

import msgspec

from alerts.errors import EventError
from alerts.model import EVENT_TYPES, Decision, Event

_REQUIRED = ("event_id", "type", "ts", "account_id")
_OPTIONAL_STR = ("device_id", "ip", "ship_address", "phone", "coupon_id", "order_id")
_TYPES = frozenset(EVENT_TYPES)
MAX_EVENT_BYTES = 64 * 1024
DEAD_LETTER_RAW_BYTES = 4096  # of an event's raw bytes kept in its dead letter (the size is recorded too)

_decoder = msgspec.json.Decoder(Event)
_encoder = msgspec.json.Encoder()
_AT_FIELD = re.compile(r"^(.*) - at `\$\.(\w+)`$")
_MISSING = re.compile(r"^Object missing required field `(\w+)`")
_NOT_OBJECT = re.compile(r"^Expected `object`, got `(\w+)`$")


def parse_event(raw: str | bytes) -> Event:
    """One event from one JSON object; EventError says what is wrong (the dead-letter reason)."""
    if len(raw) > MAX_EVENT_BYTES:
        raise EventError(oversized(len(raw)))
    try:
        ev = _decoder.decode(raw)
    except msgspec.ValidationError as e:
        raise _invalid(str(e)) from None
    except (msgspec.DecodeError, UnicodeDecodeError) as e:
        raise EventError(f"not valid JSON: {e}") from None
    if not (ev.event_id.strip() and ev.ts.strip() and ev.account_id.strip()) or ev.type not in _TYPES:
        _reject(ev)
    if "" in (ev.device_id, ev.ip, ev.ship_address, ev.phone, ev.coupon_id, ev.order_id):
        ev = msgspec.structs.replace(ev, **{n: None for n in _OPTIONAL_STR if getattr(ev, n) == ""})
    return ev


def _reject(ev: Event) -> None:
    for name in _REQUIRED:
        if not getattr(ev, name).strip():
            raise EventError(f"field {name!r} is missing or not a non-empty string")
    raise EventError(f"type {ev.type!r} is not one of {', '.join(EVENT_TYPES)}")


def _invalid(message: str) -> EventError:
    """msgspec's validation message, reworded to name the field as the dead-letter reason."""
    if m := _MISSING.match(message):
        return EventError(f"field {m.group(1)!r} is missing or not a non-empty string")
    if m := _NOT_OBJECT.match(message):
        return EventError(f"an event must be a JSON object, got {m.group(1)}")
    if m := _AT_FIELD.match(message):
        return EventError(f"field {m.group(2)!r} is invalid: {m.group(1)}")
    return EventError(f"invalid event: {message}")


def decision_to_dict(d: Decision) -> dict[str, Any]:
    return {"event_id": d.event_id, "account_id": d.account_id, "decision": d.decision, "score": d.score,
            "ring_id": d.ring_id, "reasons": list(d.reasons), "build_id": d.build_id}


def encode_decision(d: Decision) -> bytes:
    """One JSON line as UTF-8 (no newline), fields in `Decision`'s order. Deterministic for a
    given event and alert set, so a duplicate decision (at-least-once delivery) is byte-identical
    to the first."""
    return _encoder.encode(d)


def dumps_decision(d: Decision) -> str:
    """encode_decision as text."""
    return _encoder.encode(d).decode()


def oversized(size: int) -> str:
    """The dead-letter reason of an event over MAX_EVENT_BYTES."""
    return f"event is {size} bytes, over the {MAX_EVENT_BYTES}-byte limit"


def dead_letter(raw: str | bytes, reason: str, origin: str = "", size: int | None = None) -> bytes:
    """The dead-letter record: the reason, where the event came from, its size in bytes and the raw
    event as text, cut to its first DEAD_LETTER_RAW_BYTES bytes (`truncated` says so). `size` is the
    whole event's size when `raw` is already only a prefix of it."""
    data = raw.encode("utf-8", "replace") if isinstance(raw, str) else raw
    total = len(data) if size is None else size
    text = data[:DEAD_LETTER_RAW_BYTES].decode("utf-8", "ignore" if total > DEAD_LETTER_RAW_BYTES else "replace")
    return json.dumps({"reason": reason, "origin": origin, "size": total,
                       "truncated": total > len(data[:DEAD_LETTER_RAW_BYTES]), "raw": text},
                      ensure_ascii=False, separators=(",", ":")).encode("utf-8", "replace")
