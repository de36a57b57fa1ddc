"""The scorer's typed records: ring alerts in, events in, decisions out.

Alerts are frozen dataclasses. The per-event records, `Event` and `Decision`, are frozen msgspec
Structs instead: an event is decoded and type-checked straight from its JSON in one pass (about
1.5 µs against 15 µs for json.loads plus checks in Python) and a decision is built and encoded in
about 1 µs (a frozen dataclass costs 1.5 µs to build, json.dumps 4 µs more): the streaming scorer's
whole per-event budget is about 20 µs (50k events/s on one core).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated

import msgspec

SCHEMA_ID = "riskgraph.ring_alert"
SCHEMA_VERSION = 1

EVENT_TYPES = ("order", "coupon_claim", "login", "return_request")
class Verdict(StrEnum):
    ALLOW = "allow"
    REVIEW = "review"
    BLOCK = "block"


DECISIONS: tuple[str, ...] = tuple(Verdict)


@dataclass(frozen=True)
class AlertMember:
    account_id: str
    score: float  # the member's account score in [0, 1]
    role: str  # a graph.records.MemberRole value


@dataclass(frozen=True)
class AlertEvidence:
    """One item of evidence (graph.records.EvidenceItem), grouped by modality in the JSON."""

    modality: str  # device | ip | address | phone | behaviour | orders | calls | parcels
    kind: str  # shared_device, drop_address, call_phone, similar_behaviour, loop_order, ...
    value: str  # device id, address key, E.164 phone, "U1~U2", order id ...
    accounts: tuple[str, ...]
    confidence: float  # in [0, 1]: OCR confidence, similarity, ASR confidence ...
    detail: str  # human-readable: the raw address as read, a call's intent ...


@dataclass(frozen=True)
class Indicators:
    """The identifiers that tie an event to the ring without the account being a member:
    what the scorer indexes besides the member accounts."""

    devices: tuple[str, ...]
    address_keys: tuple[str, ...]  # ingest.normalize.address_key
    phones: tuple[str, ...]  # E.164, ingest.normalize.normalize_phone


@dataclass(frozen=True)
class RingAlert:
    ring_id: str
    kind: str  # a graph.records.RingKind value (the JSON Schema enum; tested)
    score: float  # ring score in [0, 1]
    members: tuple[AlertMember, ...]
    evidence: tuple[AlertEvidence, ...]
    indicators: Indicators
    model_version: str
    build_id: str
    detected_at: str  # ISO 8601


class Event(msgspec.Struct, frozen=True, gc=False):
    """A platform event to score (docs/alerts.md, "Events"). Field types are checked when the
    JSON is decoded (alerts.events.parse_event); unknown JSON fields are ignored.
    gc=False: it holds only strings and numbers, so the cycle collector need not track it."""

    event_id: str
    type: str  # one of EVENT_TYPES
    ts: str  # ISO 8601, as sent
    account_id: str
    device_id: str | None = None
    ip: str | None = None
    ship_address: str | None = None  # raw, as typed (the scorer keys it only when it can match a ring)
    phone: str | None = None  # raw, as typed (the scorer normalizes it only when it can match a ring)
    amount: Annotated[float, msgspec.Meta(ge=0)] | None = None  # finite (msgspec rejects NaN/inf)
    coupon_id: str | None = None
    order_id: str | None = None


class Decision(msgspec.Struct, frozen=True, gc=False):
    """The answer to one event; encoded as JSON in field order (alerts.events)."""

    event_id: str
    account_id: str
    decision: str  # allow | review | block
    score: float  # in [0, 1]
    ring_id: str | None  # the ring behind the strongest reason
    reasons: tuple[str, ...]  # strongest first; each names its ring
    build_id: str | None  # of the alerts the decision used
