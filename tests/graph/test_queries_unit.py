"""Logic around the analyst and write-back queries, on the recording fake (no database): rows are
turned into typed views, values travel as parameters only, batches are sized as documented.
What the Cypher does to a graph is tested on the real Neo4j (tests/alerts/test_alert_export.py,
tests/analysis/test_notebooks.py)."""

from __future__ import annotations

from graph import analyst, writeback
from graph.records import EvidenceItem, RingMember, RingRecord
from testing.fake_store import RecordingStore


def test_ring_calls_become_typed_views_and_drop_empty_mentions() -> None:
    row = {"call_id": "C1", "account_id": "U1", "started_at": "2026-11-27T10:00:00+08:00", "language": "zh",
           "text": "订单2522898635没有用上", "intents": ["coupon"], "keywords": ["优惠券"], "confidence": 0.7,
           "mentions": [["order", 2522898635, "2522898635"], [None, None, ""]]}
    store = RecordingStore([("MADE_CALL", [row])])
    (view,) = analyst.ring_calls(store, "RING001")
    assert view.mentions == (("order", "2522898635", "2522898635"),)  # the unmatched OPTIONAL row is gone
    assert (view.intents, view.keywords) == (("coupon",), ("优惠券",))
    (stmt,) = store.statements
    assert stmt.params == {"ring_id": "RING001", "limit": 50} and "RING001" not in stmt.cypher


def test_ring_parcels_keep_a_missing_label_box_as_none() -> None:
    rows = [{"parcel_id": "P1", "account_id": "U1", "photo": "parcels/P1.jpg", "label_box": [1, 2, 30, 40],
             "ocr_text": "收件人", "ocr_confidence": 0.9, "label_address": "广州", "fraud_listed": None},
            {"parcel_id": "P2", "account_id": "U2", "photo": "", "label_box": None, "ocr_text": "",
             "ocr_confidence": None, "label_address": "", "fraud_listed": True}]
    p1, p2 = analyst.ring_parcels(RecordingStore([("HAS_PARCEL", rows)]), "R")
    assert p1.label_box == (1.0, 2.0, 30.0, 40.0) and p1.address_fraud_listed is False
    assert p2.label_box is None and p2.address_fraud_listed is True


def test_ring_view_of_an_unknown_ring_is_none() -> None:
    assert analyst.ring_view(RecordingStore(), "nope") is None


def test_write_rings_drops_stale_rings_first_and_sends_values_as_parameters() -> None:
    ring = RingRecord("RING-x'; DETACH DELETE n //", "coupon_abuse", 0.9,
                      (RingMember("U1", 0.8, "member"), RingMember("U2", 0.7, "member")),
                      (EvidenceItem("device", "shared_device", "d1", ("U1", "U2")),), "2026-11-27T00:00:00Z")
    store = RecordingStore()
    assert writeback.write_rings(store, [ring] * 3, "m1", "b1") == 3
    drop, *batches = store.statements
    assert drop.kind == "write" and drop.params == {"build_id": "b1", "ring_ids": [ring.ring_id] * 3}
    assert len(batches) == 1 and batches[0].params["model_version"] == "m1"
    assert all(ring.ring_id not in s.cypher for s in store.statements)  # never spliced into Cypher
    sent = batches[0].params["rows"][0]
    assert sent["members"] == [{"account_id": "U1", "score": 0.8, "role": "member"},
                               {"account_id": "U2", "score": 0.7, "role": "member"}]
    assert '"kind": "shared_device"' in sent["evidence_json"]


def test_account_scores_are_batched_by_ten_thousand() -> None:
    from graph.records import AccountScore

    store = RecordingStore()
    n = writeback.write_account_scores(store, [AccountScore(f"U{i}", 0.5) for i in range(25_000)], "m", "b")
    assert n == 25_000 and [len(s.params["rows"]) for s in store.statements] == [10_000, 10_000, 5_000]
