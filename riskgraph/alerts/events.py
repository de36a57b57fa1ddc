"""Events in, decisions out: the JSON shapes of the streaming scorer (docs/alerts.md).

parse_event is strict about what the scorer needs (ids, type, timestamp). Ship address and phone
stay raw: the scorer's matchers (identifiers.py) normalize them with ingest's shared
address_key / normalize_phone when they can match a ring, so an address typed into an order
meets the key that OCR put into the alert.
"""

from __future__ import annotations

import json
import math
from typing import Any

from riskgraph.alerts.errors import EventError
from riskgraph.alerts.model import EVENT_TYPES, Decision, Event
from riskgraph.alerts.schema import json_object

_REQUIRED = ("event_id", "type", "ts", "account_id")
_OPTIONAL_STR = ("device_id", "ip", "coupon_id", "order_id")
MAX_EVENT_BYTES = 64 * 1024


def parse_event(raw: str | bytes) -> Event:
    """One event from one JSON object; EventError says what is wrong (the dead-letter reason)."""
    if len(raw) > MAX_EVENT_BYTES:
        raise EventError(f"event is {len(raw)} bytes, over the {MAX_EVENT_BYTES}-byte limit")
    doc = json_object(raw, "an event", EventError)
    for name in _REQUIRED:
        value = doc.get(name)
        if not isinstance(value, str) or not value.strip():
            raise EventError(f"field {name!r} is missing or not a non-empty string")
    if doc["type"] not in EVENT_TYPES:
        raise EventError(f"type {doc['type']!r} is not one of {', '.join(EVENT_TYPES)}")
    opt = {name: _opt_str(doc, name) for name in _OPTIONAL_STR}
    return Event(event_id=doc["event_id"], type=doc["type"], ts=doc["ts"], account_id=doc["account_id"],
                 device_id=opt["device_id"], ip=opt["ip"],
                 ship_address=_opt_str(doc, "ship_address"), phone=_opt_str(doc, "phone"),
                 amount=_opt_amount(doc), coupon_id=opt["coupon_id"], order_id=opt["order_id"])


def _opt_str(doc: dict[str, Any], name: str) -> str | None:
    value = doc.get(name)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise EventError(f"field {name!r} must be a string, got {type(value).__name__}")
    return value


def _opt_amount(doc: dict[str, Any]) -> float | None:
    value = doc.get("amount")
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) or value < 0:
        raise EventError(f"field 'amount' must be a finite non-negative number, got {value!r}")
    return float(value)


def decision_to_dict(d: Decision) -> dict[str, Any]:
    return {"event_id": d.event_id, "account_id": d.account_id, "decision": d.decision, "score": d.score,
            "ring_id": d.ring_id, "reasons": list(d.reasons), "build_id": d.build_id}


def dumps_decision(d: Decision) -> str:
    """One JSON line. Deterministic for a given event and alert set, so a duplicate decision
    (at-least-once delivery) is byte-identical to the first."""
    return json.dumps(decision_to_dict(d), ensure_ascii=False, separators=(",", ":"))


def dead_letter(raw: str | bytes, reason: str, origin: str = "") -> str:
    """The dead-letter record: the reason, where the event came from, and the raw event as text."""
    text = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
    return json.dumps({"reason": reason, "origin": origin, "raw": text}, ensure_ascii=False, separators=(",", ":"))
