"""Typed records that cross graph/'s boundary: what gnn/ writes back and analysts read."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


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
    kind: str  # coupon_abuse | brushing_loop | return_fraud | unknown
    score: float
    members: tuple[RingMember, ...]
    evidence: tuple[EvidenceItem, ...]
    detected_at: str  # ISO 8601; set once, when the ring is first written


def ring_id_for(member_ids: list[str] | tuple[str, ...], build_id: str) -> str:
    """Deterministic id: the same members in the same build always give the same ring id."""
    digest = hashlib.sha1((build_id + "|" + "|".join(sorted(member_ids))).encode()).hexdigest()
    return f"ring-{digest[:12]}"
