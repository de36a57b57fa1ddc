"""One simulated day exported three ways (issue 16): as the contract reads it, with naive local
timestamps, and with a shop system's own column names and order numbers.

`variant(day, out, kind)` rewrites the day folder `day` into `out` and returns the IngestConfig that
reads it; the same world must then give the same graph (tests/graph/test_three_exports.py,
bench/three_exports.py).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl

from ingest.config import IngestConfig
from ingest.contract import CONTRACT, CSV_SOURCES

KINDS = ("contract", "naive", "renamed")
ZONE = "Asia/Shanghai"


def _export_name(col: str) -> str:
    """A shop system's spelling: account_id -> "Account Id" (spaces and capitals, as spreadsheets write)."""
    return " ".join(w.capitalize() for w in col.split("_"))


def _order_no(col: pl.Expr) -> pl.Expr:
    return pl.lit("SO-") + col.str.slice(0, 4) + pl.lit("-") + col.str.slice(4)  # 2521879985 -> SO-2521-879985


def _local(col: pl.Expr) -> pl.Expr:
    ts = col.str.to_datetime("%+", time_unit="us", time_zone="UTC", strict=False)
    return ts.dt.convert_time_zone(ZONE).dt.strftime("%Y-%m-%d %H:%M:%S")


def variant(day: Path, out: Path, kind: str) -> IngestConfig:
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} not in {KINDS}")
    shutil.copytree(day, out)
    if kind == "contract":
        return IngestConfig()
    columns: dict[str, dict[str, str]] = {}
    for source in CSV_SOURCES:
        path = out / source
        if not path.exists():
            continue
        frame = pl.read_csv(path, infer_schema=False)
        contract = CONTRACT[source]
        if kind == "naive":
            frame = frame.with_columns(_local(pl.col(c)).alias(c) for c in contract.timestamps if c in frame.columns)
        else:
            if "order_id" in frame.columns and source in ("orders.csv", "returns.csv"):
                frame = frame.with_columns(_order_no(pl.col("order_id")).alias("order_id"))
            mapping = {c: _export_name(c) for c in contract.columns if c in frame.columns}
            frame = frame.rename(mapping)
            columns[source] = mapping
        frame.write_csv(path)
    fields = {c: _export_name(c) for c in CONTRACT["clicks"].columns}
    for path in sorted((out / "clicks").glob("*.jsonl")):
        lines = []
        for line in path.read_text().splitlines():
            ev = json.loads(line)
            if kind == "naive":
                ev["ts"] = pl.select(_local(pl.lit(ev["ts"]))).item()
            else:
                ev = {fields.get(k, k): v for k, v in ev.items()}
            lines.append(json.dumps(ev, ensure_ascii=False))
        path.write_text("\n".join(lines) + "\n")
    if kind == "naive":
        return IngestConfig(timezone=ZONE)
    return IngestConfig(columns={**columns, "clicks": fields})
