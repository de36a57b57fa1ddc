"""Row rules: a row breaking one goes to quarantine with the first broken rule's reason.

`contract_rules` are the rules every source shares (required values present, length limits,
timestamps parseable and not in the future); readers add their own after them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

import polars as pl

from ingest import quarantine as q
from ingest.config import IngestConfig
from ingest.contract import FileContract
from ingest.csvread import LINE
from ingest.errors import InputError
from ingest.normalize import naive_timestamp_expr, timestamp_expr


@dataclass(frozen=True)
class Rule:
    """A row is quarantined with `reason` when `bad` is true; `detail` says what was wrong."""

    reason: str
    bad: pl.Expr
    detail: pl.Expr


@dataclass(frozen=True)
class ReadSpec:
    """What one run's readers need beyond the files: the settings and the latest plausible time."""

    cfg: IngestConfig = field(default_factory=IngestConfig)
    not_after: datetime | None = None  # timestamps later than this are future_timestamp (None: no check)

    @classmethod
    def for_build(cls, cfg: IngestConfig, build_date: date | None) -> ReadSpec:
        """The end of the build date (UTC) plus the configured tolerance bounds every timestamp."""
        if build_date is None:
            return cls(cfg)
        end = datetime.combine(build_date + timedelta(days=1), time(), UTC)
        return cls(cfg, end + timedelta(hours=cfg.future_tolerance_hours))


def missing_rule(cols: Sequence[str]) -> Rule:
    bad = pl.any_horizontal(pl.col(c).is_null() for c in cols)
    names = pl.concat_str([pl.when(pl.col(c).is_null()).then(pl.lit(c)) for c in cols],
                          separator=",", ignore_nulls=True)
    return Rule(q.MISSING_FIELD, bad, pl.lit("empty required field: ") + names)


def length_rule(cols: Sequence[str], limit: int, what: str) -> Rule:
    """Values over `limit` characters (an index key Neo4j cannot hold, a pasted document)."""
    over = [pl.col(c).str.len_chars() > limit for c in cols]
    detail = pl.concat_str(
        [pl.when(pl.col(c).str.len_chars() > limit)
         .then(pl.lit(f"{c} is ") + pl.col(c).str.len_chars().cast(pl.String) + pl.lit(" characters")) for c in cols],
        separator=", ", ignore_nulls=True) + pl.lit(f", over the {limit}-character limit for {what}")
    return Rule(q.TOO_LONG, pl.any_horizontal(over), detail)


def timestamp_rule(col: str, timezone: str | None = None) -> Rule:
    expected = "ISO 8601" if timezone else "ISO 8601 with offset"
    return Rule(q.BAD_TIMESTAMP, timestamp_expr(pl.col(col), timezone).is_null(),
                pl.lit(f"{col}: not {expected}: ") + pl.col(col).str.slice(0, 80))


def future_rule(col: str, spec: ReadSpec) -> Rule | None:
    if spec.not_after is None:
        return None
    limit = pl.lit(spec.not_after, dtype=pl.Datetime("us", "UTC"))
    return Rule(q.FUTURE_TIMESTAMP, timestamp_expr(pl.col(col), spec.cfg.timezone) > limit,
                pl.lit(f"{col} is after {spec.not_after.isoformat()} (build date + "
                       f"{spec.cfg.future_tolerance_hours:g} h): ") + pl.col(col))


def contract_rules(contract: FileContract, spec: ReadSpec, required: Sequence[str] | None = None) -> list[Rule]:
    """missing_field, too_long, bad_timestamp, future_timestamp: the rules every source shares."""
    cfg = spec.cfg
    rules = [missing_rule(list(required if required is not None else contract.required))]
    if contract.keys:
        rules.append(length_rule(contract.keys, cfg.max_key_chars, "keys"))
    if contract.texts:
        rules.append(length_rule(contract.texts, cfg.max_text_chars, "free text"))
    rules += [timestamp_rule(c, cfg.timezone) for c in contract.timestamps]
    rules += [r for c in contract.timestamps if (r := future_rule(c, spec)) is not None]
    return rules


def require_timezone(frame: pl.DataFrame, source: str, contract: FileContract, spec: ReadSpec) -> None:
    """InputError if a timestamp without an offset appears while no timezone is configured:
    quarantining a whole export row by row would hide a one-line setting."""
    if spec.cfg.timezone is not None or frame.is_empty():
        return
    for col in contract.timestamps:
        unparsed = frame.filter(timestamp_expr(pl.col(col)).is_null() & pl.col(col).is_not_null())  # few rows
        naive = unparsed.filter(naive_timestamp_expr(pl.col(col)))
        if not naive.is_empty():
            first = naive.row(0, named=True)
            raise InputError(
                f"{source}: {col} holds timestamps without a UTC offset (line {first[LINE]}: {first[col]!r}); "
                "say which time zone the export is written in with timezone = \"Asia/Shanghai\" (an IANA "
                "name) in the [ingest] table of riskgraph.toml (docs/ingest.md)")


def amount_rules(col: str) -> list[Rule]:
    value = pl.col(col).cast(pl.Float64, strict=False)
    return [Rule(q.BAD_NUMBER, value.is_null() | value.is_nan() | value.is_infinite(),
                 pl.lit(f"{col}: not a number: ") + pl.col(col).str.slice(0, 80)),
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
        pl.lit("ingest").alias("stage"), pl.lit(source).alias("source"),
        pl.col(id_col).cast(pl.String).str.slice(0, q.ITEM_MAX).alias("item"),
        pl.col(LINE).alias("line"), reason.alias("reason"), detail.fill_null("").str.slice(0, q.DETAIL_MAX).alias("detail"))
    return frame.filter(~failing), bad
