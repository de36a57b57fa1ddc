"""Real exports read as they are: naive timestamps with a configured zone, other column names,
opaque ids, optional columns; and the bad-input holes closed (limits, media paths, future dates, BOM)."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import polars as pl
import pytest

from ingest import ingest_clicks, ingest_orders
from ingest.clicks import click_files, iter_clicks
from ingest.config import IngestConfig
from ingest.errors import InputError, MediaPathError
from ingest.media import media_path
from ingest.rules import ReadSpec
from ingest.tables import read_accounts, read_fraud_addresses, read_orders, read_returns

SHOP_ORDERS = (  # how a shop system exports: its own column names, local times, order numbers with letters
    "OrderNo,Buyer,Seller,Total,Placed At,Ship To,Notes\n"
    "SO-2026-000017,u-1,u-2,19.90,2026-11-26 13:06:49,\"12 Oak Street, Springfield, 62704\",gift\n"
    "SO-2026-000018,u-2,u-1,5,2026-11-26T13:07:00.250,,\n"
)
SHOP_COLUMNS = {"orders.csv": {"order_id": "OrderNo", "account_id": "Buyer", "seller_id": "Seller",
                               "amount": "Total", "created_at": "Placed At", "ship_address": "Ship To"}}


def _day(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    day = tmp_path / "2026-11-26"
    for name, text in files.items():
        (day / name).parent.mkdir(parents=True, exist_ok=True)
        data = text.encode() if isinstance(text, str) else text
        (day / name).write_bytes(data)
    return day


def _reasons(frame: pl.DataFrame) -> dict[int, str]:
    return dict(zip(frame.get_column("line").to_list(), frame.get_column("reason").to_list(), strict=True))


def test_a_shop_export_is_read_as_is_with_a_mapping_and_a_timezone(tmp_path: Path) -> None:
    day = _day(tmp_path, {"orders.csv": SHOP_ORDERS})
    cfg = IngestConfig(timezone="Asia/Shanghai", columns=SHOP_COLUMNS)
    result = read_orders(day, ReadSpec(cfg))
    assert result.quarantined.is_empty()
    rows = result.rows.to_dicts()
    assert [r["order_id"] for r in rows] == ["SO-2026-000017", "SO-2026-000018"]  # ids are opaque
    assert rows[0]["created_at"].isoformat() == "2026-11-26T05:06:49+00:00"  # 13:06:49 in Shanghai
    assert rows[1]["created_at"].isoformat() == "2026-11-26T05:07:00.250000+00:00"
    assert rows[0]["address_key"].startswith("en|12 oak st|")
    assert rows[0]["coupon_id"] is None and rows[0]["device_id"] is None  # optional columns absent: null


def test_naive_timestamps_without_a_timezone_stop_with_the_setting_to_add(tmp_path: Path) -> None:
    day = _day(tmp_path, {"orders.csv": SHOP_ORDERS})
    with pytest.raises(InputError, match=r"orders\.csv: created_at holds timestamps without a UTC offset "
                                         r"\(line 2: '2026-11-26 13:06:49'\).*timezone = "):
        read_orders(day, ReadSpec(IngestConfig(columns=SHOP_COLUMNS)))


def test_a_mapped_column_missing_from_the_export_names_both_names(tmp_path: Path) -> None:
    day = _day(tmp_path, {"orders.csv": SHOP_ORDERS.replace("OrderNo", "Number", 1)})
    with pytest.raises(InputError, match=r"required column 'OrderNo' \(the export's name for 'order_id'"):
        read_orders(day, ReadSpec(IngestConfig(timezone="UTC", columns=SHOP_COLUMNS)))


def test_settings_are_checked_when_built() -> None:
    with pytest.raises(ValueError, match="not an IANA time zone"):
        IngestConfig(timezone="Mars/Olympus")
    with pytest.raises(ValueError, match="'order_number' is not a column of the contract"):
        IngestConfig(columns={"orders.csv": {"order_number": "OrderNo"}})
    with pytest.raises(ValueError, match="unknown source 'order.csv'"):
        IngestConfig(columns={"order.csv": {"order_id": "OrderNo"}})


def test_a_fraud_address_list_may_be_just_addresses(tmp_path: Path) -> None:
    day = _day(tmp_path, {"reference/fraud_addresses.csv": "address\n\"12 Oak Street, Springfield, 62704\"\n"})
    result = read_fraud_addresses(day)
    assert result.quarantined.is_empty()
    row = result.rows.row(0, named=True)
    assert row["address_key"].startswith("en|12 oak st|") and row["source"] is None and row["first_seen"] is None


def test_accounts_need_only_id_and_creation_time(tmp_path: Path) -> None:
    day = _day(tmp_path, {"accounts.csv": "account_id,created_at\nacc:7f3e,2026-11-20T10:00:00Z\n"})
    rows = read_accounts(day).rows
    assert rows.get_column("account_id").to_list() == ["acc:7f3e"] and rows.get_column("phone").to_list() == [None]


def test_over_long_keys_and_text_are_quarantined_with_their_length(tmp_path: Path) -> None:
    long_device, long_address = "d" * 9000, "科技园路" * 125_000
    orders = ("order_id,account_id,seller_id,amount,created_at,device_id,ship_address\n"
              f"1,A1,A2,1,2026-11-26T10:00:00Z,{long_device},\n"
              f"2,A1,A2,1,2026-11-26T10:00:00Z,,{long_address}\n"
              f"{'9' * 300},A1,A2,1,2026-11-26T10:00:00Z,,\n"
              "4,A1,A2,1,2026-11-26T10:00:00Z,D1,short\n")
    result = read_orders(_day(tmp_path, {"orders.csv": orders}))
    assert _reasons(result.quarantined) == {2: "too_long", 3: "too_long", 4: "too_long"}
    details = result.quarantined.get_column("detail").to_list()
    assert details[0] == "device_id is 9000 characters, over the 256-character limit for keys"
    assert details[1] == "ship_address is 500000 characters, over the 2000-character limit for free text"
    assert result.quarantined.get_column("item").str.len_chars().max() == 256  # the id itself is bounded
    assert result.rows.get_column("order_id").to_list() == ["4"]


def test_media_paths_must_stay_inside_the_day_folder(tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "x.jpg").write_bytes(b"jpeg")
    returns = ("return_id,order_id,account_id,photo,created_at\n"
               f"R1,O1,A1,{outside / 'x.jpg'},2026-11-26T10:00:00Z\n"
               "R2,O1,A1,../../../../etc/passwd,2026-11-26T10:00:00Z\n"
               "R3,O1,A1,parcels/link.jpg,2026-11-26T10:00:00Z\n"  # a symlink pointing out
               "R4,O1,A1,parcels/R4.jpg,2026-11-26T10:00:00Z\n"
               "R5,O1,A1,parcels/../parcels/R4.jpg,2026-11-26T10:00:00Z\n"  # stays inside: fine
               "R6,O1,A1,,2026-11-26T10:00:00Z\n")  # no photo: kept, not quarantined
    day = _day(tmp_path, {"returns.csv": returns, "parcels/R4.jpg": b"jpeg"})
    os.symlink(outside / "x.jpg", day / "parcels" / "link.jpg")
    result = read_returns(day)
    assert _reasons(result.quarantined) == {2: "path_outside_day", 3: "path_outside_day", 4: "path_outside_day"}
    assert result.rows.get_column("return_id").to_list() == ["R4", "R5", "R6"]
    assert media_path(day, "parcels/R4.jpg") == (day / "parcels" / "R4.jpg").resolve()
    with pytest.raises(MediaPathError, match="outside the day folder"):
        media_path(day, "/etc/passwd")


def _click(ts: str, i: int = 0) -> bytes:
    return json.dumps({"account_id": "A1", "session_id": f"S{i}", "ts": ts, "event": "view"}).encode()


def test_timestamps_far_in_the_future_are_quarantined(tmp_path: Path) -> None:
    day = _day(tmp_path, {
        "accounts.csv": "account_id,created_at\nA1,2099-01-01T00:00:00Z\nA2,2026-11-26T23:00:00-08:00\n",
        "orders.csv": "order_id,account_id,seller_id,amount,created_at\nO1,A1,A2,1,2099-11-26T10:00:00Z\n",
        "returns.csv": "return_id,order_id,account_id,created_at\n",
        "calls.csv": "call_id,started_at\n",
        "clicks/part-0.jsonl": _click("2099-11-26T10:00:00Z") + b"\n" + _click("2026-11-26T10:00:00Z", 1) + b"\n",
    })
    work = tmp_path / "work"
    orders = ingest_orders(day, work)  # the build date is the day folder's name
    clicks = ingest_clicks(day, work)
    q = pl.read_parquet(work / "quarantine" / "ingest.parquet")
    assert sorted(zip(q["source"], q["line"], q["reason"], strict=True)) == [
        ("accounts.csv", 2, "future_timestamp"), ("clicks/part-0.jsonl", 1, "future_timestamp"),
        ("orders.csv", 2, "future_timestamp")]
    assert orders.rows["accounts"] == 1 and clicks.rows["sessions"] == 1  # 23:00 at UTC-8 is within the tolerance
    late = ReadSpec.for_build(IngestConfig(future_tolerance_hours=0), date(2026, 11, 25))
    assert _reasons(read_accounts(day, late).quarantined) == {2: "future_timestamp", 3: "future_timestamp"}


def test_a_byte_order_mark_does_not_cost_the_first_click(tmp_path: Path) -> None:
    day = _day(tmp_path, {"clicks/part-0.jsonl": b"\xef\xbb\xbf" + _click("2026-11-26T10:00:00Z") + b"\n"
                          + _click("2026-11-26T10:00:01Z", 1) + b"\n"})
    chunks = list(iter_clicks(day, click_files(day)))
    assert sum(c.events.height for c in chunks) == 2 and all(c.quarantined.is_empty() for c in chunks)
    assert chunks[0].events.get_column("_line").to_list() == [1, 2]


def test_click_fields_are_renamed_and_naive_times_take_the_zone(tmp_path: Path) -> None:
    line = json.dumps({"uid": "A1", "sid": "S1", "time": "2026-11-26 10:00:00", "action": "view"}).encode()
    day = _day(tmp_path, {"clicks/part-0.jsonl": line + b"\n"})
    names = {"clicks": {"account_id": "uid", "session_id": "sid", "ts": "time", "event": "action"}}
    spec = ReadSpec(IngestConfig(timezone="America/New_York", columns=names))
    events = pl.concat([c.events for c in iter_clicks(day, click_files(day), spec)])
    assert events.get_column("ts").to_list()[0].isoformat() == "2026-11-26T15:00:00+00:00"
    with pytest.raises(InputError, match="ts holds timestamps without a UTC offset"):
        list(iter_clicks(day, click_files(day), ReadSpec(IngestConfig(columns=names))))


def test_rows_without_media_are_counted_not_quarantined(csv_day: Path, tmp_path: Path) -> None:
    result = ingest_orders(csv_day, tmp_path)
    assert result.without_media == {"calls_without_audio": 1, "returns_without_photo": 1}
    q = pl.read_parquet(tmp_path / "quarantine" / "ingest.parquet")
    assert "K4" not in q["item"].to_list() and "R2" not in q["item"].to_list()
