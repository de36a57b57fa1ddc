"""Row rules: a row breaking one goes to quarantine with the first broken rule's reason."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import polars as pl

from ingest import quarantine as q
from ingest.csvread import LINE
from ingest.normalize import timestamp_expr


@dataclass(frozen=True)
class Rule:
    """A row is quarantined with `reason` when `bad` is true; `detail` says what was wrong."""

    reason: str
    bad: pl.Expr
    detail: pl.Expr


def missing_rule(cols: Sequence[str]) -> Rule:
    bad = pl.any_horizontal(pl.col(c).is_null() for c in cols)
    names = pl.concat_str([pl.when(pl.col(c).is_null()).then(pl.lit(c)) for c in cols],
                          separator=",", ignore_nulls=True)
    return Rule(q.MISSING_FIELD, bad, pl.lit("empty required field: ") + names)


def timestamp_rule(col: str) -> Rule:
    return Rule(q.BAD_TIMESTAMP, timestamp_expr(pl.col(col)).is_null(),
                pl.lit(f"{col}: not ISO 8601 with offset: ") + pl.col(col))


def amount_rules(col: str) -> list[Rule]:
    value = pl.col(col).cast(pl.Float64, strict=False)
    return [Rule(q.BAD_NUMBER, value.is_null() | value.is_nan() | value.is_infinite(),
                 pl.lit(f"{col}: not a number: ") + pl.col(col)),
            Rule(q.NEGATIVE_AMOUNT, value < 0, pl.lit(f"{col} is negative: ") + pl.col(col))]


def split_rows(frame: pl.DataFrame, rules: Sequence[Rule], source: str, id_col: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(rows passing every rule, quarantine rows for the first rule each failing row breaks).

    The cheap test (does any rule fail?) runs on every row; reasons and details are built only
    for the failing rows, which are few.
    """
    flags = [rule.bad.fill_null(False) for rule in rules]
    failing = frame.select(pl.any_horizontal(flags) if flags else pl.repeat(False, pl.len())).to_series()
    if not failing.any():
        return frame, q.quarantine_frame()
    reason: pl.Expr = pl.lit(None, dtype=pl.String)
    detail: pl.Expr = pl.lit(None, dtype=pl.String)
    for rule, flag in zip(reversed(rules), reversed(flags), strict=True):  # first listed rule wins
        reason = pl.when(flag).then(pl.lit(rule.reason)).otherwise(reason)
        detail = pl.when(flag).then(rule.detail).otherwise(detail)
    bad = frame.filter(failing).select(
        pl.lit("ingest").alias("stage"), pl.lit(source).alias("source"), pl.col(id_col).cast(pl.String).alias("item"),
        pl.col(LINE).alias("line"), reason.alias("reason"), detail.fill_null("").alias("detail"))
    return frame.filter(~failing), bad
