"""Ring alerts: built from stored rings, valid against the v1 schema, and the schema bites."""

from __future__ import annotations

import copy

import pytest

from alerts import schema
from alerts.errors import AlertSchemaError
from alerts.export import build_alerts
from ingest.normalize import address_key
from tests.alerts.alert_cases import DROP_ADDRESS, coupon_alert, coupon_ring


def test_alert_round_trips_and_validates() -> None:
    alert = coupon_alert()
    doc = schema.to_dict(alert)
    schema.validate(doc)
    assert schema.loads(schema.dumps(alert)) == alert
    assert set(doc["evidence"]) == {"device", "parcels", "calls", "behaviour", "orders"}
    assert doc["evidence"]["parcels"][0]["confidence"] == pytest.approx(0.81)


def test_indicators_come_from_evidence_normalized() -> None:
    ind = coupon_alert().indicators
    assert ind.devices == ("DEV-9",)
    assert ind.address_keys == (address_key(DROP_ADDRESS),)
    assert ind.phones == ("+8613800138000",)


@pytest.mark.parametrize("path, value, where", [
    (("score",), 1.5, "score"),
    (("kind",), "money_laundering", "kind"),
    (("members",), [], "members"),
    (("indicators", "phones"), ["13800138000"], "indicators/phones/0"),
    (("indicators", "address_keys"), ["no key"], "indicators/address_keys/0"),
    (("version",), 2, "version"),
])
def test_schema_rejects_broken_alerts(path: tuple[str, ...], value: object, where: str) -> None:
    doc = copy.deepcopy(schema.to_dict(coupon_alert()))
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    with pytest.raises(AlertSchemaError, match=where):
        schema.validate(doc)


def test_unknown_top_level_field_is_rejected() -> None:
    doc = schema.to_dict(coupon_alert())
    doc["extra"] = 1
    with pytest.raises(AlertSchemaError, match="extra"):
        schema.validate(doc)


def test_export_quarantines_an_invalid_ring_and_keeps_the_rest() -> None:
    good = coupon_ring()
    bad = coupon_ring(members=("U7", "U8"), score=3.0)  # a score outside [0, 1]
    alerts, rejected = build_alerts([good, bad])
    assert [a.ring_id for a in alerts] == [good.ring.ring_id]
    assert [r for r, _ in rejected] == [bad.ring.ring_id]
    assert "score" in rejected[0][1]


def test_the_schema_enums_are_the_code_enums() -> None:
    """One list of ring kinds (graph.records.RingKind): the published schema cannot drift from it."""
    import json

    from alerts.model import DECISIONS, EVENT_TYPES
    from alerts.schema import SCHEMA_PATH
    from graph.records import KNOWN_RING_KINDS, RingKind

    doc = json.loads(SCHEMA_PATH.read_text())
    assert doc["properties"]["kind"]["enum"] == [k.value for k in RingKind]
    assert set(KNOWN_RING_KINDS) == set(RingKind) - {RingKind.UNKNOWN}
    assert DECISIONS == ("allow", "review", "block") and len(set(EVENT_TYPES)) == len(EVENT_TYPES)
    assert RingKind.parse("coupon_abuse") is RingKind.COUPON_ABUSE and RingKind.parse("next_year_kind") is RingKind.UNKNOWN
