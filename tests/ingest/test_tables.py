"""CSV tables: typed rows, every bad-row kind quarantined with its line, good rows all kept."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from ingest.config import IngestConfig
from ingest.errors import InputError
from ingest.rules import ReadSpec
from ingest.tables import (
    read_accounts,
    read_calls,
    read_fraud_addresses,
    read_labels,
    read_orders,
    read_returns,
)


def _reasons(frame: pl.DataFrame) -> dict[int, str]:
    return dict(zip(frame.get_column("line").to_list(), frame.get_column("reason").to_list(), strict=True))


def test_orders_quarantine_each_bad_kind_and_keep_good_rows(csv_day: Path) -> None:
    result = read_orders(csv_day)
    assert _reasons(result.quarantined) == {
        5: "negative_amount", 6: "bad_number", 7: "malformed_row", 9: "duplicate_id", 10: "invalid_utf8"}
    assert set(result.quarantined.get_column("source")) == {"orders.csv"}
    rows = result.rows
    # ids are opaque: "12345" (line 8) is as good an order id as "0000000001"
    assert rows.get_column("order_id").to_list() == ["0000000001", "0000000002", "0000000003", "12345",
                                                     "0000000010"]
    assert rows.get_column("_line").to_list() == [2, 3, 4, 8, 11]
    assert rows.get_column("amount").to_list() == [10.5, 20.0, 5.0, 1.0, 7.25]
    assert rows.get_column("buyer_id").to_list() == ["A1", "A1", "A2", "A3", "A2"]


def test_orders_are_typed_and_normalized(csv_day: Path) -> None:
    rows = read_orders(csv_day).rows
    first, second, third, _, last = rows.to_dicts()
    assert first["address_key"] == second["address_key"] and first["address_key"].startswith("zh|")
    assert third["address_key"].startswith("en|12 oak st|4b|")
    assert first["ship_phone"] == second["ship_phone"] == "+8613812345678"
    assert second["ship_phone_raw"] == "138 1234 5678"
    assert first["coupon_id"] == "C1" and second["coupon_id"] is None
    assert first["created_at"].isoformat() == "2026-11-26T02:00:00+00:00"
    assert last["created_at"].isoformat() == "2026-11-26T05:00:00.500000+00:00"


def test_accounts_returns_calls(csv_day: Path) -> None:
    acc = read_accounts(csv_day)
    assert _reasons(acc.quarantined) == {5: "bad_timestamp", 6: "missing_field"}
    assert acc.rows.get_column("account_id").to_list() == ["A1", "A2", "A3"]
    assert acc.rows.get_column("phone").to_list() == ["+8613812345678", "+14155550123", None]
    ret = read_returns(csv_day)
    assert _reasons(ret.quarantined) == {5: "bad_timestamp"}
    assert ret.rows.get_column("return_id").to_list() == ["R1", "R2", "R3"]
    calls = read_calls(csv_day)
    assert _reasons(calls.quarantined) == {4: "missing_field"}
    assert "call_id" in calls.quarantined.get_column("detail")[0]
    assert calls.rows.get_column("caller_phone").to_list() == ["+8613812345678", "+14155550123", "+14155550123"]
    assert calls.rows.get_column("audio").to_list() == ["calls/K1.wav", "calls/K2.mp3", None]


def test_small_blocks_give_the_same_rows_and_lines(csv_day: Path) -> None:
    whole = read_orders(csv_day)
    chunked = read_orders(csv_day, ReadSpec(IngestConfig(csv_block_bytes=128)))
    assert chunked.rows.equals(whole.rows)
    assert _reasons(chunked.quarantined) == _reasons(whole.quarantined)


def test_missing_required_column_names_file_and_column(csv_day: Path) -> None:
    text = (csv_day / "returns.csv").read_text().replace("order_id,", "order,", 1)
    (csv_day / "returns.csv").write_text(text)
    with pytest.raises(InputError, match=r"returns\.csv: required column 'order_id' is missing"):
        read_returns(csv_day)


def test_missing_file_is_an_input_error(csv_day: Path) -> None:
    (csv_day / "calls.csv").unlink()
    with pytest.raises(InputError, match=r"calls\.csv: file not found"):
        read_calls(csv_day)


def test_reference_files(csv_day: Path) -> None:
    labels = read_labels(csv_day)
    assert _reasons(labels.quarantined) == {4: "missing_field"}
    assert labels.rows.select("account_id", "label", "source").rows() == [
        ("A1", "fraud", "chargeback"), ("A1", "legit", "kyc_verified")]
    bad = read_fraud_addresses(csv_day)
    assert _reasons(bad.quarantined) == {4: "bad_timestamp"}
    orders = read_orders(csv_day).rows
    assert bad.rows.get_column("address_key").to_list() == [orders.get_column("address_key")[1],
                                                            orders.get_column("address_key")[2]]
    assert [str(d) if d else None for d in bad.rows.get_column("first_seen").to_list()] == ["2026-09-27", None]


def test_reference_files_are_optional(csv_day: Path) -> None:
    for name in ("labels.csv", "fraud_addresses.csv"):
        (csv_day / "reference" / name).unlink()
    assert read_labels(csv_day).rows.is_empty() and read_fraud_addresses(csv_day).rows.is_empty()
