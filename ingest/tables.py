"""Typed readers for the day's CSV tables: accounts, orders, returns, calls metadata, reference lists.

Each reader streams its file through `iter_csv` (columns under their contract names, absent
optional ones null), types the columns with polars expressions and sends rows that break a rule
to quarantine (first failing rule wins: the shared contract rules, then the table's own). Output
frames match the schemas in `ingest.schema`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ingest import quarantine as q
from ingest.contract import CONTRACT
from ingest.csvread import LINE, empty_rows, iter_csv
from ingest.media import inside_day
from ingest.normalize import address_keys, normalize_phone, timestamp_expr
from ingest.rules import ReadSpec, Rule, amount_rules, contract_rules, require_timezone, split_rows

_OUTSIDE = "_media_outside"


@dataclass(frozen=True)
class TableResult:
    rows: pl.DataFrame  # typed, valid rows (plus the `_line` column)
    quarantined: pl.DataFrame  # QUARANTINE-shaped


def _media_rule(col: str) -> Rule:
    return Rule(q.PATH_OUTSIDE_DAY, pl.col(_OUTSIDE),
                pl.lit(f"{col} resolves outside the day folder: ") + pl.col(col).str.slice(0, 80))


def read_table(day: Path, source: str, spec: ReadSpec, id_col: str, typed: Callable[[pl.DataFrame], pl.DataFrame],
               extra_rules: Sequence[Rule] = (), unique: bool = True, where: pl.Expr | None = None) -> TableResult:
    """One contract file through the shared rules: `typed` shapes the valid rows (strings in).
    `where` keeps only the rows a stage works on (others are neither read on nor quarantined)."""
    contract = CONTRACT[source]
    rules = [*contract_rules(contract, spec), *extra_rules]
    if contract.media:
        rules.append(_media_rule(contract.media))
    goods, bads = [], []
    for chunk in iter_csv(day / source, source, contract.required, spec.cfg.csv_block_bytes, contract.optional,
                          spec.cfg.renames(source)):
        require_timezone(chunk.rows, source, contract, spec)
        rows = chunk.rows if where is None else chunk.rows.filter(where)
        if contract.media:  # before anything opens the file: confined to the day folder (symlinks resolved)
            rows = map_distinct(rows, contract.media, lambda v: inside_day(day, v), _OUTSIDE, pl.Boolean)
            rows = rows.with_columns(~pl.col(_OUTSIDE))
        good, bad = split_rows(rows, rules, source, id_col)
        goods.append(typed(good.drop(_OUTSIDE, strict=False)))
        bads.extend([chunk.quarantined, bad])
    if not goods:  # header only
        goods.append(typed(empty_rows(list(contract.columns))))
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


def map_distinct(frame: pl.DataFrame, col: str, fn: Callable[[list[str]], Sequence[object]],
                 out: str, dtype: type[pl.DataType] = pl.String) -> pl.DataFrame:
    """Add column `out` = fn over the distinct non-null values of `col` (each computed once)."""
    distinct = frame.select(pl.col(col).drop_nulls().unique().sort()).to_series().to_list()
    mapping = pl.DataFrame({col: distinct, out: fn(distinct)}, schema={col: pl.String, out: dtype})
    return frame.join(mapping, on=col, how="left", maintain_order="left")


def _phones(values: list[str]) -> list[str | None]:
    return [normalize_phone(v) for v in values]


def _ts(col: str, spec: ReadSpec) -> pl.Expr:
    return timestamp_expr(pl.col(col), spec.cfg.timezone).alias(col)


def read_accounts(day: Path, spec: ReadSpec | None = None) -> TableResult:
    spec = spec or ReadSpec()

    def typed(f: pl.DataFrame) -> pl.DataFrame:
        return f.select("account_id", _ts("created_at", spec), pl.col("phone").alias("phone_raw"), "register_ip",
                        "register_device", LINE)

    result = read_table(day, "accounts.csv", spec, "account_id", typed)
    return TableResult(map_distinct(result.rows, "phone_raw", _phones, "phone"), result.quarantined)


def read_orders(day: Path, spec: ReadSpec | None = None) -> TableResult:
    spec = spec or ReadSpec()

    def typed(f: pl.DataFrame) -> pl.DataFrame:
        return f.select(
            "order_id", pl.col("account_id").alias("buyer_id"), "seller_id",
            pl.col("amount").cast(pl.Float64), "coupon_id", "ship_address",
            pl.col("ship_phone").alias("ship_phone_raw"), "device_id", "ip", _ts("created_at", spec), LINE)

    result = read_table(day, "orders.csv", spec, "order_id", typed, amount_rules("amount"))
    rows = map_distinct(result.rows, "ship_address", address_keys, "address_key")
    return TableResult(map_distinct(rows, "ship_phone_raw", _phones, "ship_phone"), result.quarantined)


def read_returns(day: Path, spec: ReadSpec | None = None) -> TableResult:
    spec = spec or ReadSpec()

    def typed(f: pl.DataFrame) -> pl.DataFrame:
        return f.select("return_id", "order_id", "account_id", "reason", "photo", _ts("created_at", spec), LINE)

    return read_table(day, "returns.csv", spec, "return_id", typed)


def read_calls(day: Path, spec: ReadSpec | None = None) -> TableResult:
    spec = spec or ReadSpec()

    def typed(f: pl.DataFrame) -> pl.DataFrame:
        return f.select("call_id", pl.col("caller_phone").alias("caller_phone_raw"), "account_id", "audio",
                        _ts("started_at", spec), LINE)

    result = read_table(day, "calls.csv", spec, "call_id", typed)
    return TableResult(map_distinct(result.rows, "caller_phone_raw", _phones, "caller_phone"), result.quarantined)


def read_labels(day: Path, spec: ReadSpec | None = None) -> TableResult:
    """reference/labels.csv: partial, noisy labels; an account may have several rows (one per source).

    The file is optional (a platform may have no labels yet): absent, the result is empty.
    """
    spec = spec or ReadSpec()
    source = "reference/labels.csv"

    def typed(f: pl.DataFrame) -> pl.DataFrame:
        return f.select("account_id", pl.col("label").str.to_lowercase(), "source", LINE)

    if not (day / source).exists():
        return TableResult(typed(empty_rows(list(CONTRACT[source].columns))), q.quarantine_frame())
    return read_table(day, source, spec, "account_id", typed, unique=False)


def read_fraud_addresses(day: Path, spec: ReadSpec | None = None) -> TableResult:
    """reference/fraud_addresses.csv: historical bad addresses, keyed like order addresses (optional file;
    a loss team's list may be just the `address` column)."""
    spec = spec or ReadSpec()
    source = "reference/fraud_addresses.csv"
    first_seen = pl.col("first_seen").str.to_date("%Y-%m-%d", strict=False)
    rules = [Rule(q.BAD_TIMESTAMP, pl.col("first_seen").is_not_null() & first_seen.is_null(),
                  pl.lit("first_seen: not YYYY-MM-DD: ") + pl.col("first_seen").str.slice(0, 80))]

    def typed(f: pl.DataFrame) -> pl.DataFrame:
        return f.select("address", "source", first_seen.alias("first_seen"), LINE)

    if not (day / source).exists():
        empty = typed(empty_rows(list(CONTRACT[source].columns)))
        return TableResult(empty.with_columns(pl.lit(None, pl.String).alias("address_key")), q.quarantine_frame())
    result = read_table(day, source, spec, "address", typed, rules, unique=False)
    return TableResult(map_distinct(result.rows, "address", address_keys, "address_key"), result.quarantined)
