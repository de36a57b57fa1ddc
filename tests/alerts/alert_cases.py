"""Hand-built rings and events shared by the alert, scorer and Kafka tests."""

from __future__ import annotations

import json
from typing import Any

from alerts.export import build_alert
from alerts.model import RingAlert
from graph.alerts_query import StoredRing
from graph.records import EvidenceItem, RingMember, RingRecord, ring_id_for

DROP_ADDRESS = "广东省深圳市南山区科技园路88号3栋1201"
DROP_ADDRESS_TYPED = "深圳市南山区科技园路88号3栋1201室"  # same place, typed differently
CALL_PHONE = "138 0013 8000"


def coupon_ring(build_id: str = "2026-11-26", members: tuple[str, ...] = ("U1", "U2", "U3"),
                score: float = 0.92) -> StoredRing:
    """A coupon-abuse ring: shared device, an OCR'd drop address, a complaint-call phone."""
    ring = RingRecord(
        ring_id=ring_id_for(list(members), build_id), kind="coupon_abuse", score=score,
        members=tuple(RingMember(a, 0.95 - 0.05 * i, "member") for i, a in enumerate(members)),
        evidence=(
            EvidenceItem("device", "shared_device", "DEV-9", members[:2], 1.0),
            EvidenceItem("parcels", "drop_address", DROP_ADDRESS, members, 0.81, "OCR: " + DROP_ADDRESS),
            EvidenceItem("calls", "call_phone", CALL_PHONE, members[:1], 0.7, "intent: refund"),
            EvidenceItem("behaviour", "similar_behaviour", f"{members[0]}~{members[1]}", members[:2], 0.88),
            EvidenceItem("orders", "loop_order", "O-77", members[1:], 1.0),
        ),
        detected_at="2026-11-26T02:10:00+00:00")
    return StoredRing(ring=ring, model_version="gnn-test-1", build_id=build_id)


def coupon_alert(**kw: Any) -> RingAlert:
    return build_alert(coupon_ring(**kw))


def event(event_id: str, account_id: str, type_: str = "order", **extra: Any) -> bytes:
    return json.dumps({"event_id": event_id, "type": type_, "ts": "2026-11-27T09:00:00Z",
                       "account_id": account_id, **extra}, ensure_ascii=False).encode()
