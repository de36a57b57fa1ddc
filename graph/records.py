"""Typed records that cross graph/'s boundary: what gnn/ writes back and analysts read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum


class RingKind(StrEnum):
    """What a ring is after. The one list of kinds: gnn/ names rings with it, the simulator plants
    them, the alert JSON Schema's `kind` enum is these values (tested). A new kind starts here."""

    COUPON_ABUSE = "coupon_abuse"
    BRUSHING_LOOP = "brushing_loop"
    RETURN_FRAUD = "return_fraud"
    UNKNOWN = "unknown"  # tied together, but the evidence mix matches no known kind

    @classmethod
    def parse(cls, value: object) -> RingKind:
        """A stored kind; one this version does not know (an older or newer build) reads as UNKNOWN."""
        return cls(str(value)) if value in cls._value2member_map_ else cls.UNKNOWN


KNOWN_RING_KINDS: tuple[RingKind, ...] = (RingKind.COUPON_ABUSE, RingKind.BRUSHING_LOOP, RingKind.RETURN_FRAUD)


class MemberRole(StrEnum):
    """A member's part in its ring (on HAS_MEMBER and in alerts)."""

    MEMBER = "member"
    LOOP_MEMBER = "loop_member"  # buys from and sells to other members in a brushing ring
    CALLER = "caller"  # called about a parcel with a ring phone
    DROP_RECEIVER = "drop_receiver"  # a parcel of theirs names a drop address


@dataclass(frozen=True)
class AccountScore:
    account_id: str
    score: float  # probability-like risk in [0, 1]


@dataclass(frozen=True)
class RingMember:
    account_id: str
    score: float  # the member's account score
    role: str  # e.g. "member", "seller", "caller", "drop_receiver"


@dataclass(frozen=True)
class EvidenceItem:
    """One piece of evidence that tied ring members together."""

    modality: str  # device | ip | address | phone | behaviour | orders | calls | parcels
    kind: str  # e.g. shared_device, drop_address, call_phone, similar_behaviour, loop_order
    value: str  # the shared thing: a device id, an address key, a phone, "U1~U2", an order id
    accounts: tuple[str, ...]  # the members this item ties together
    confidence: float = 1.0  # OCR confidence, ASR log-prob mapped to [0,1], similarity ...
    detail: str = ""  # human-readable: raw address as read, intent, ...


@dataclass(frozen=True)
class RingRecord:
    ring_id: str
    kind: RingKind
    score: float
    members: tuple[RingMember, ...]
    evidence: tuple[EvidenceItem, ...]
    detected_at: str  # ISO 8601; set once, when the ring is first written


def ring_id_for(member_ids: list[str] | tuple[str, ...], build_id: str) -> str:
    """Deterministic id: the same members in the same build always give the same ring id."""
    digest = hashlib.sha1((build_id + "|" + "|".join(sorted(member_ids))).encode()).hexdigest()
    return f"ring-{digest[:12]}"
