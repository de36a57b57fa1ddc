"""Typed readers for the day's CSV tables: accounts, orders, returns, calls metadata.

Each reader streams its file through `iter_csv`, types the columns with polars expressions and
sends rows that break a rule to quarantine (first failing rule wins, in the order listed per
table). Output frames match the schemas in `ingest.schema`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest import quarantine as q
from ingest.csvread import DEFAULT_BLOCK_BYTES, LINE, iter_csv
from ingest.normalize import address_keys, normalize_phone, timestamp_expr
from ingest.rules import Rule, amount_rules, missing_rule, split_rows, timestamp_rule
from ingest.schema import REQUIRED_COLUMNS

ORDER_ID = r"^\d{10}$"


@dataclass(frozen=True)
class TableResult:
    rows: pl.DataFrame  # typed, valid rows (plus the `_line` column)
    quarantined: pl.DataFrame  # QUARANTINE-shaped


def _read(path: Path, source: str, rules: Sequence[Rule], id_col: str,
          typed: Callable[[pl.DataFrame], pl.DataFrame], block_bytes: int, unique: bool = True) -> TableResult:
    goods, bads = [], []
    for chunk in iter_csv(path, source, REQUIRED_COLUMNS[source], block_bytes):
        good, bad = split_rows(chunk.rows, rules, source, id_col)
        goods.append(typed(good))
        bads.extend([chunk.quarantined, bad])
    if not goods:  # header only
        empty = pl.DataFrame(schema={**{c: pl.String for c in REQUIRED_COLUMNS[source]}, LINE: pl.Int64})
        goods.append(typed(empty))
    rows = pl.concat(goods)
    # duplicate ids: the first occurrence wins, later ones are quarantined
    dup = rows.select(pl.col(id_col).is_first_distinct().not_()).to_series()
    if unique and dup.any():
        d = rows.filter(dup)
        bads.append(d.select(pl.lit("ingest").alias("stage"), pl.lit(source).alias("source"),
                             pl.col(id_col).alias("item"), pl.col(LINE).alias("line"),
                             pl.lit(q.DUPLICATE_ID).alias("reason"),
                             pl.lit(f"{id_col} seen earlier in the file").alias("detail")))
        rows = rows.filter(~dup)
    return TableResult(rows, pl.concat([q.quarantine_frame(), *bads], how="vertical_relaxed"))


def map_distinct(frame: pl.DataFrame, col: str, fn: Callable[[list[str]], Sequence[str | None]],
                 out: str) -> pl.DataFrame:
    """Add column `out` = fn over the distinct non-null values of `col` (each computed once)."""
    distinct = frame.select(pl.col(col).drop_nulls().unique().sort()).to_series().to_list()
    mapping = pl.DataFrame({col: distinct, out: fn(distinct)}, schema={col: pl.String, out: pl.String})
    return frame.join(mapping, on=col, how="left", maintain_order="left")


def _phones(values: list[str]) -> list[str | None]:
    return [normalize_phone(v) for v in values]


def read_accounts(day: Path, block_bytes: int = DEFAULT_BLOCK_BYTES) -> TableResult:
    rules = [missing_rule(["account_id", "created_at"]), timestamp_rule("created_at")]

    def typed(f: pl.DataFrame) -> pl.DataFrame:
        return f.select(
            "account_id", timestamp_expr(pl.col("created_at")).alias("created_at"),
            pl.col("phone").alias("phone_raw"), "register_ip", "register_device", LINE)

    result = _read(day / "accounts.csv", "accounts.csv", rules, "account_id", typed, block_bytes)
    return TableResult(map_distinct(result.rows, "phone_raw", _phones, "phone"), result.quarantined)


def read_orders(day: Path, block_bytes: int = DEFAULT_BLOCK_BYTES) -> TableResult:
    rules = [missing_rule(["order_id", "account_id", "seller_id", "amount", "created_at"]),
             Rule(q.BAD_ID, ~pl.col("order_id").str.contains(ORDER_ID),
                  pl.lit("order_id is not a 10-digit number: ") + pl.col("order_id")),
             timestamp_rule("created_at"), *amount_rules("amount")]

    def typed(f: pl.DataFrame) -> pl.DataFrame:
        return f.select(
            "order_id", pl.col("account_id").alias("buyer_id"), "seller_id",
            pl.col("amount").cast(pl.Float64), "coupon_id", "ship_address",
            pl.col("ship_phone").alias("ship_phone_raw"),
            "device_id", "ip", timestamp_expr(pl.col("created_at")).alias("created_at"), LINE)

    result = _read(day / "orders.csv", "orders.csv", rules, "order_id", typed, block_bytes)
    rows = map_distinct(result.rows, "ship_address", address_keys, "address_key")
    return TableResult(map_distinct(rows, "ship_phone_raw", _phones, "ship_phone"), result.quarantined)


def read_returns(day: Path, block_bytes: int = DEFAULT_BLOCK_BYTES) -> TableResult:
    rules = [missing_rule(["return_id", "order_id", "account_id", "created_at"]), timestamp_rule("created_at")]

    def typed(f: pl.DataFrame) -> pl.DataFrame:
        return f.select("return_id", "order_id", "account_id", "reason", "photo",
                        timestamp_expr(pl.col("created_at")).alias("created_at"), LINE)

    return _read(day / "returns.csv", "returns.csv", rules, "return_id", typed, block_bytes)


def read_calls(day: Path, block_bytes: int = DEFAULT_BLOCK_BYTES) -> TableResult:
    rules = [missing_rule(["call_id", "started_at"]), timestamp_rule("started_at")]

    def typed(f: pl.DataFrame) -> pl.DataFrame:
        return f.select(
            "call_id", pl.col("caller_phone").alias("caller_phone_raw"), "account_id", "audio",
            timestamp_expr(pl.col("started_at")).alias("started_at"), LINE)

    result = _read(day / "calls.csv", "calls.csv", rules, "call_id", typed, block_bytes)
    return TableResult(map_distinct(result.rows, "caller_phone_raw", _phones, "caller_phone"), result.quarantined)


def read_labels(day: Path, block_bytes: int = DEFAULT_BLOCK_BYTES) -> TableResult:
    """reference/labels.csv: partial, noisy labels; an account may have several rows (one per source).

    The file is optional (a platform may have no labels yet): absent, the result is empty.
    """
    source = "reference/labels.csv"
    rules = [missing_rule(["account_id", "label"])]

    def typed(f: pl.DataFrame) -> pl.DataFrame:
        return f.select("account_id", pl.col("label").str.to_lowercase(), "source", LINE)

    if not (day / source).exists():
        empty = pl.DataFrame(schema={"account_id": pl.String, "label": pl.String, "source": pl.String, LINE: pl.Int64})
        return TableResult(empty, q.quarantine_frame())
    return _read(day / source, source, rules, "account_id", typed, block_bytes, unique=False)


def read_fraud_addresses(day: Path, block_bytes: int = DEFAULT_BLOCK_BYTES) -> TableResult:
    """reference/fraud_addresses.csv: historical bad addresses, keyed like order addresses (optional file)."""
    source = "reference/fraud_addresses.csv"
    first_seen = pl.col("first_seen").str.to_date("%Y-%m-%d", strict=False)
    rules = [missing_rule(["address"]),
             Rule(q.BAD_TIMESTAMP, pl.col("first_seen").is_not_null() & first_seen.is_null(),
                  pl.lit("first_seen: not YYYY-MM-DD: ") + pl.col("first_seen"))]

    def typed(f: pl.DataFrame) -> pl.DataFrame:
        return f.select("address", "source", first_seen.alias("first_seen"), LINE)

    if not (day / source).exists():
        empty = pl.DataFrame(schema={"address": pl.String, "source": pl.String, "first_seen": pl.Date,
                                     LINE: pl.Int64})
        return TableResult(empty.with_columns(pl.lit(None, pl.String).alias("address_key")), q.quarantine_frame())
    result = _read(day / source, source, rules, "address", typed, block_bytes, unique=False)
    return TableResult(map_distinct(result.rows, "address", address_keys, "address_key"), result.quarantined)
