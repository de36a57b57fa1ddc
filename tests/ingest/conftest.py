"""Hand-built day folders: a few good rows of every table plus one bad row of each kind."""

from __future__ import annotations

from pathlib import Path

import pytest

ACCOUNTS = (
    "account_id,created_at,phone,register_ip,register_device,extra_col\n"
    "A1,2026-11-20T10:00:00+08:00,138 1234 5678,1.2.3.4,D1,x\n"
    "A2,2026-11-20T11:00:00+08:00,+1 415-555-0123,1.2.3.5,D2,y\n"
    "A3,2026-11-20T12:00:00Z,,1.2.3.6,D3,z\n"
    "A4,not-a-time,13812345679,1.2.3.7,D4,w\n"  # line 5: bad_timestamp
    ",2026-11-20T12:00:00Z,13812345670,1.2.3.8,D5,v\n"  # line 6: missing_field
)

ORDERS_HEADER = "order_id,account_id,seller_id,amount,coupon_id,ship_address,ship_phone,device_id,ip,created_at\n"
ORDERS = (
    ORDERS_HEADER
    + "0000000001,A1,A2,10.50,C1,广东省深圳市南山区科技园路88号3栋1201,13812345678,D1,1.2.3.4,2026-11-26T10:00:00+08:00\n"
    + "0000000002,A1,A2,20,,深圳南山区科技园路８８号3栋1201室,138 1234 5678,D1,1.2.3.4,2026-11-26T11:00:00+08:00\n"
    + "0000000003,A2,A3,5,,\"12 Oak Street, Apt 4B, Springfield, 62704\",,D2,1.2.3.5,2026-11-26T12:00:00+08:00\n"
    + "0000000004,A3,A1,-3.00,,x,,D3,1.2.3.6,2026-11-26T12:00:00+08:00\n"  # line 5: negative_amount
    + "0000000005,A3,A1,abc,,x,,D3,1.2.3.6,2026-11-26T12:00:00+08:00\n"  # line 6: bad_number
    + "0000000006,A3,A1,1\n"  # line 7: malformed_row (too few fields)
    + "12345,A3,A1,1,,x,,D3,1.2.3.6,2026-11-26T12:00:00+08:00\n"  # line 8: good (ids are opaque strings)
    + "0000000001,A3,A1,1,,x,,D3,1.2.3.6,2026-11-26T12:00:00+08:00\n"  # line 9: duplicate_id
).encode() + b"0000000009,A3,A1,1,,\xff\xfe bad,,D3,1.2.3.6,2026-11-26T12:00:00+08:00\n" + (  # line 10: invalid_utf8
    b"0000000010,A2,A1,7.25,C2,,,D2,1.2.3.5,2026-11-26T13:00:00.500+08:00\n"  # line 11: good
)

RETURNS = (
    "return_id,order_id,account_id,reason,photo,created_at\n"
    "R1,0000000001,A1,damaged,parcels/R1.jpg,2026-11-26T15:00:00+08:00\n"
    "R2,0000000777,A2,never arrived,,2026-11-26T15:00:00+08:00\n"
    "R3,0000000003,A3,wrong item,parcels/R3.jpg,2026-11-26T16:00:00+08:00\n"
    "R4,0000000003,A2,x,,yesterday\n"  # line 5: bad_timestamp
)

CALLS = (
    "call_id,caller_phone,account_id,audio,started_at\n"
    "K1,+86 138 1234 5678,A1,calls/K1.wav,2026-11-26T09:00:00+08:00\n"
    "K2,4155550123,,calls/K2.mp3,2026-11-26T09:30:00+08:00\n"
    ",4155550123,,calls/K3.wav,2026-11-26T09:30:00+08:00\n"  # line 4: missing_field (call_id)
    "K4,4155550123,,,2026-11-26T09:40:00+08:00\n"  # no recording: kept, audio null
)


LABELS = (
    "account_id,label,source\n"
    "A1,Fraud,chargeback\n"
    "A1,legit,kyc_verified\n"  # noisy: two sources disagree, both kept
    "A2,,chargeback\n"  # line 4: missing_field
)

FRAUD_ADDRESSES = (
    "address,source,first_seen\n"
    "深圳南山区科技园路８８号3栋1201室,chargeback,2026-09-27\n"
    "12 Oak St Unit 4B Springfield 62704,chargeback,\n"
    "somewhere,chargeback,27/09/2026\n"  # line 4: bad_timestamp
)


@pytest.fixture()
def csv_day(tmp_path: Path) -> Path:
    day = tmp_path / "day"
    day.mkdir()
    (day / "accounts.csv").write_text(ACCOUNTS, encoding="utf-8")
    (day / "orders.csv").write_bytes(ORDERS)
    (day / "returns.csv").write_text(RETURNS, encoding="utf-8")
    (day / "calls.csv").write_text(CALLS, encoding="utf-8")
    (day / "reference").mkdir()
    (day / "reference" / "labels.csv").write_text(LABELS, encoding="utf-8")
    (day / "reference" / "fraud_addresses.csv").write_text(FRAUD_ADDRESSES, encoding="utf-8")
    return day
