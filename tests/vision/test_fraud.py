"""Fraud-address matching: formatting variants and OCR slips match, other addresses do not."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import InputError
from ingest.normalize import address_key
from vision.fraud import read_fraud_addresses


@pytest.fixture()
def fraud_csv(tmp_path: Path) -> Path:
    p = tmp_path / "fraud_addresses.csv"
    p.write_text("address,ring_id\n广东省深圳市南山区科技园路88号3栋1201室,r1\n"
                 "\"1234 Market Street Apt 4B, San Francisco, CA 94103\",r2\n", encoding="utf-8")
    return p


def test_variants_and_slips_match(fraud_csv: Path) -> None:
    index = read_fraud_addresses(fraud_csv)
    m = index.match(address_key("深圳南山区科技园路８８号3幢1201"))
    assert m is not None and m.score == 100 and m.row == 0
    m = index.match(address_key("1234 Market St #4B San Francisco CA 94103"))
    assert m is not None and m.row == 1
    m = index.match(address_key("1234 Markel Street Apt 4B, San Francisco, CA 94103"))  # one OCR slip
    assert m is not None and m.row == 1 and 90 < m.score < 100


def test_other_addresses_do_not_match(fraud_csv: Path) -> None:
    index = read_fraud_addresses(fraud_csv)
    assert index.match(address_key("浙江省杭州市西湖区文一西路969号")) is None
    assert index.match(address_key("77 Broadway Ave, New York, NY 10004")) is None
    assert index.match("") is None


def test_missing_address_column_is_named(tmp_path: Path) -> None:
    p = tmp_path / "f.csv"
    p.write_text("addr\nx\n")
    with pytest.raises(InputError, match="address"):
        read_fraud_addresses(p)
