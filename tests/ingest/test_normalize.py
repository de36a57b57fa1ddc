"""The shared normalizers: formatting variants collapse, different places stay apart."""

from __future__ import annotations

import pytest

from ingest.normalize import address_key, address_keys, normalize_phone, parse_address, parse_timestamp

ZH_SAME = [
    "广东省深圳市南山区科技园路88号3栋1201",
    "深圳南山区科技园路８８号3栋1201室",
    "深圳市 南山区 科技园路88号 3幢 1201",
    "广东深圳市南山区科技园路88号，3号楼1201",
]
EN_SAME = [
    "12 Oak Street, Apt 4B, Springfield, 62704",
    "12 oak st apt. 4b springfield 62704",
    "Apt 4B, 12 Oak St., Springfield 62704",
    "１２ OAK STREET #4B, SPRINGFIELD, 62704",
    "12 Oak St Unit 4B Springfield 62704-1234",
]


@pytest.mark.parametrize("variants", [ZH_SAME, EN_SAME], ids=["zh", "en"])
def test_formatting_variants_share_one_key(variants: list[str]) -> None:
    keys = {address_key(v) for v in variants}
    assert len(keys) == 1, keys


@pytest.mark.parametrize("a,b", [
    ("广东省深圳市南山区科技园路88号3栋1201", "广东省深圳市南山区科技园路88号3栋1202"),
    ("广东省深圳市南山区科技园路88号3栋1201", "广东省深圳市福田区科技园路88号3栋1201"),
    ("12 Oak Street, Apt 4B, Springfield, 62704", "14 Oak Street, Apt 4B, Springfield, 62704"),
    ("12 Oak Street, Apt 4B, Springfield, 62704", "12 Oak Street, Apt 4C, Springfield, 62704"),
    ("12 Oak Street, Apt 4B, Springfield, 62704", "12 Oak Avenue, Apt 4B, Springfield, 62704"),
])
def test_different_addresses_keep_different_keys(a: str, b: str) -> None:
    assert address_key(a) != address_key(b)


def test_parts_are_split() -> None:
    zh = parse_address("深圳南山区科技园路88号3栋1201室")
    assert (zh.province, zh.city, zh.district, zh.street, zh.number, zh.unit) == (
        "广东省", "深圳市", "南山区", "科技园路", "88", "3栋1201")
    en = parse_address("Apt 4B, 12 Oak St., Springfield 62704")
    assert (en.street, en.number, en.unit, en.city, en.postcode) == ("12 oak st", "12", "4b", "springfield", "62704")


@pytest.mark.parametrize("raw,town,street,number,unit", [
    ("广东省东莞市南城街道解放街188号", "南城街道", "解放街", "188", ""),
    ("深圳市南山区粤海街道科技园路88号3栋1201室", "粤海街道", "科技园路", "88", "3栋1201"),
    ("杭州市余杭区仓前镇文一西路1号", "仓前镇", "文一西路", "1", ""),
    ("东莞市南城街道188号", "", "南城街道", "188", ""),  # no road after it: the sub-district is the street
    ("南京市鼓楼区新镇路5号", "", "新镇路", "5", ""),  # 镇 inside a road name is not a township
    ("武汉市洪山区和平街811号3栋2601", "", "和平街", "811", "3栋2601"),
])
def test_sub_district_is_not_the_street(raw: str, town: str, street: str, number: str, unit: str) -> None:
    p = parse_address(raw)
    assert (p.town, p.street, p.number, p.unit) == (town, street, number, unit)


def test_omitted_sub_district_keeps_the_key() -> None:
    assert address_key("深圳市南山区粤海街道科技园路88号3栋1201") == address_key("深圳市南山区科技园路88号3栋1201")


def test_municipality_city_is_the_province() -> None:
    assert parse_address("上海浦东新区张江路1号").city == "上海市"


@pytest.mark.parametrize("raw,expected", [
    ("138 1234 5678", "+8613812345678"),
    ("+86 138-1234-5678", "+8613812345678"),
    ("0086 13812345678", "+8613812345678"),
    ("１３８１２３４５６７８", "+8613812345678"),
    ("+1 415-555-0123", "+14155550123"),
    ("(415) 555-0123", "+14155550123"),
    ("1 415 555 0123", "+14155550123"),
    ("12345", None),
    ("", None),
    (None, None),
])
def test_normalize_phone(raw: str | None, expected: str | None) -> None:
    assert normalize_phone(raw) == expected


def test_batch_keys_equal_single_keys() -> None:
    mixed = [*ZH_SAME, *EN_SAME, "上海浦东新区张江路1号", ""]
    assert address_keys(mixed) == [address_key(a) for a in mixed]


@pytest.mark.parametrize("raw,expected", [
    ("2026-11-27T10:00:00+08:00", "2026-11-27T02:00:00+00:00"),
    ("2026-11-27T02:00:00.250Z", "2026-11-27T02:00:00.250000+00:00"),
    ("2026-11-27 10:00:00-05:00", "2026-11-27T15:00:00+00:00"),
])
def test_timestamps_become_utc(raw: str, expected: str) -> None:
    ts = parse_timestamp(raw)
    assert ts is not None and ts.isoformat() == expected


@pytest.mark.parametrize("raw", ["2026-11-27T10:00:00", "yesterday", "2026-13-01T00:00:00Z", ""])
def test_timestamps_without_offset_or_invalid_are_rejected(raw: str) -> None:
    assert parse_timestamp(raw) is None
