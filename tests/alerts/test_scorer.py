"""The in-memory scorer on hand-built alerts: members are stopped, strangers pass."""

from __future__ import annotations

import pytest

from alerts.errors import EventError
from alerts.events import dumps_decision, parse_event
from alerts.scorer import AlertIndex, AlertSet, Scorer
from tests.alerts.alert_cases import CALL_PHONE, DROP_ADDRESS_TYPED, coupon_alert, event


@pytest.fixture()
def scorer() -> Scorer:
    return Scorer(AlertIndex.build([coupon_alert()]))


def test_ring_member_order_is_stopped_with_the_ring_in_the_reasons(scorer: Scorer) -> None:
    alert = coupon_alert()
    d = scorer.decide(parse_event(event("e1", "U1")))
    assert d.decision in ("review", "block")
    assert d.ring_id == alert.ring_id
    assert alert.ring_id in d.reasons[0]
    assert d.build_id == alert.build_id


def test_unrelated_account_is_allowed(scorer: Scorer) -> None:
    d = scorer.decide(parse_event(event("e2", "STRANGER", device_id="DEV-other", ship_address="1 Main St, Springfield")))
    assert (d.decision, d.score, d.ring_id, d.reasons) == ("allow", 0.0, None, ())


@pytest.mark.parametrize("extra, what", [
    ({"device_id": "DEV-9"}, "device DEV-9"),
    ({"ship_address": DROP_ADDRESS_TYPED}, "ship address"),
    ({"phone": "+86 138-0013-8000"}, "phone +8613800138000"),
])
def test_a_non_member_on_a_ring_identifier_is_reviewed(scorer: Scorer, extra: dict[str, str], what: str) -> None:
    d = scorer.decide(parse_event(event("e3", "NEW1", "coupon_claim", **extra)))
    assert d.decision == "review"
    assert what in d.reasons[0] and d.ring_id == coupon_alert().ring_id


def test_more_evidence_never_lowers_the_score(scorer: Scorer) -> None:
    alone = scorer.decide(parse_event(event("a", "U3")))
    more = scorer.decide(parse_event(event("b", "U3", device_id="DEV-9", phone=CALL_PHONE)))
    assert more.score > alone.score
    assert len(more.reasons) == 3


def test_a_login_is_reviewed_never_blocked(scorer: Scorer) -> None:
    order = scorer.decide(parse_event(event("o", "U1", device_id="DEV-9")))
    login = scorer.decide(parse_event(event("l", "U1", "login", device_id="DEV-9")))
    assert order.decision == "block"
    assert login.decision == "review" and login.score == order.score


def test_decisions_are_deterministic(scorer: Scorer) -> None:
    raw = event("e9", "U2", device_id="DEV-9")
    assert dumps_decision(scorer.decide(parse_event(raw))) == dumps_decision(scorer.decide(parse_event(raw)))


def test_a_newer_build_replaces_the_older_rings() -> None:
    s = AlertSet()
    s.upsert(coupon_alert(build_id="2026-11-25", members=("OLD1", "OLD2")))
    s.upsert(coupon_alert(build_id="2026-11-26"))
    index = s.index()
    assert index.build_id == "2026-11-26" and index.size == 1
    assert "OLD1" not in index.members and "U1" in index.members
    s.delete(coupon_alert(build_id="2026-11-26").ring_id)
    assert s.index().size == 0


@pytest.mark.parametrize("raw, reason", [
    (b"{not json", "not valid JSON"),
    (b"[1, 2]", "JSON object"),
    (b'{"event_id": "e", "type": "order", "ts": "t"}', "'account_id'"),
    (b'{"event_id": "e", "type": "refund", "ts": "t", "account_id": "A"}', "type 'refund'"),
    (b'{"event_id": "e", "type": "order", "ts": "t", "account_id": "A", "amount": "12"}', "'amount'"),
    (b'{"event_id": "e", "type": "order", "ts": "t", "account_id": "A", "device_id": 7}', "'device_id'"),
    (b"\xff\xfe", "not valid JSON"),
])
def test_malformed_events_say_why(raw: bytes, reason: str) -> None:
    with pytest.raises(EventError, match=reason):
        parse_event(raw)


def test_address_matcher_keys_only_addresses_that_can_match() -> None:
    from alerts.identifiers import AddressMatcher, cached_address_key
    from ingest.normalize import address_key
    from tests.alerts.alert_cases import DROP_ADDRESS

    ring_key = address_key(DROP_ADDRESS)
    en_key = address_key("12 Oak Street, Apt 4B, Springfield 62701")
    m = AddressMatcher([ring_key, en_key])
    assert m.key_of(DROP_ADDRESS_TYPED) == ring_key
    assert m.key_of("深圳市 南山区 科技园路 88号 3栋1201") == ring_key  # spaces do not hide the street
    assert m.key_of("12 oak st #4b springfield 62701") == en_key
    cached_address_key.cache_clear()
    assert m.key_of("北京市朝阳区建国路1号") is None  # another street: never keyed
    assert m.key_of("深圳市南山区科技园路99号") is None  # the ring's street, another door: never keyed
    assert cached_address_key.cache_info().misses == 0
    assert m.key_of("深圳市南山区科技园路888号") is None  # 88 is not 888: never keyed
    assert m.key_of("99 Oak Street, Springfield 62701") is None  # another door: never keyed
    assert m.key_of("12 Pine Street, Springfield 62701") is None  # same door, another street: never keyed
    assert cached_address_key.cache_info().misses == 0
    assert m.key_of("深圳市南山区科技园路88号5栋101") is None  # same door, another flat: never keyed
    assert m.key_of("12 Oak Street, Apt 9, Springfield 62701") is None  # same street, another flat: never keyed
    assert cached_address_key.cache_info().misses == 0
    assert m.key_of("深圳市福田区科技园路88号3栋1201") is None  # same street, door, flat elsewhere: keyed, no match
    assert cached_address_key.cache_info().misses == 1


@pytest.mark.parametrize("ring_address", ["广东省深圳市南山区科技园路88号3栋1201", "杭州市西湖区学府路7号12号楼0305室",
                                          "上海市浦东新区世纪大道100号", "北京市东城区东长安街5栋",
                                          "12 Oak Street, Apt 04B, Springfield 62701",
                                          "300 N Main St #12, Springfield, IL 62701"])
def test_address_matcher_agrees_with_full_normalization(ring_address: str) -> None:
    """The pre-filter only skips work: on spellings of the ring's address and near misses (other
    doors, flats, streets, districts) key_of equals keying everything."""
    import itertools

    from alerts.identifiers import AddressMatcher
    from ingest.normalize import address_key

    ring_key = address_key(ring_address)
    m = AddressMatcher([ring_key])
    full = str.maketrans("0123456789", "０１２３４５６７８９")
    variants = {ring_address, ring_address.translate(full), " ".join(ring_address), ring_address + "室",
                ring_address.replace("号", "号 ").replace("栋", "号楼"), ring_address.lower(),
                ring_address.replace("Apt 04B", "#4b").replace("#12", "Apt 012"), ring_address.replace(",", " ")}
    digits = [(a, b) for a, b in itertools.permutations("0123456789", 2) if a in ring_address]
    variants |= {ring_address.replace(a, b, 1) for a, b in digits}  # other doors, flats, postcodes
    variants |= {ring_address.replace("南山", "福田").replace("Oak", "Pine").replace("Main", "Elm").replace("学府", "青年")}
    for raw in sorted(variants):
        key = address_key(raw)
        assert m.key_of(raw) == (key if key == ring_key else None), raw
    assert sum(m.key_of(raw) is not None for raw in variants) >= 3  # the test exercises matches too


def test_phone_matcher_normalizes_only_possible_matches() -> None:
    from alerts.identifiers import PhoneMatcher, cached_phone

    m = PhoneMatcher(["+8613800138000", "+14155550123"])
    cached_phone.cache_clear()
    assert m.phone_of("0086 138-0013-8000") == "+8613800138000"
    assert m.phone_of("(415) 555-0123") == "+14155550123"
    assert m.phone_of("+86 139 0000 0000") is None
    assert cached_phone.cache_info().misses == 2  # the stranger's phone was never normalized


def test_event_fields_are_checked_in_one_decode() -> None:
    ev = parse_event(b'{"event_id": "e", "type": "order", "ts": "t", "account_id": "A", "device_id": "",'
                     b' "amount": 12, "extra": {"ignored": true}}')
    assert (ev.device_id, ev.amount, ev.phone) == (None, 12.0, None)  # "" is absent; ints are amounts
    for raw, reason in [
        (b'{"event_id": " ", "type": "order", "ts": "t", "account_id": "A"}', "'event_id'"),
        (b'{"event_id": "e", "type": "order", "ts": "t", "account_id": "A", "amount": -1}', "'amount'"),
        (b'{"event_id": "e", "type": "order", "ts": "t", "account_id": "A", "amount": true}', "'amount'"),
        (b'{"event_id": "e", "type": "order", "ts": "t", "account_id": "A", "amount": NaN}', "not valid JSON"),
        (b'{"event_id": "e", "type": "order", "ts": "t", "account_id": "A", "amount": 1e999}', "'amount'"),
        (b'{"event_id": "e", "type": "order", "ts": "t", "account_id": "\\ud800"}', "not valid JSON"),
        (b'{"event_id": "e", "type": "order", "ts": "t", "account_id": "A"} trailing', "not valid JSON"),
    ]:
        with pytest.raises(EventError, match=reason):
            parse_event(raw)


def test_decisions_are_compact_json_in_field_order(scorer: Scorer) -> None:
    import json

    from alerts.events import encode_decision

    d = scorer.decide(parse_event(event("e1", "U1")))
    line = encode_decision(d)
    assert list(json.loads(line)) == ["event_id", "account_id", "decision", "score", "ring_id", "reasons", "build_id"]
    assert b" " not in line.split(b'"reasons"')[0] and line.decode() == dumps_decision(d)
