"""A simulated day thinned to the activity of a fraction of its accounts: a nightly delta.

The simulator's day D+1 lists every account again with a day of activity as large as D's, so a
"delta" night touches about as much of the graph as the first build. A shop's real nightly
export holds the accounts that changed and the day's orders, returns, calls and clicks.
`sample_day` keeps, in place, the rows of a stable pseudo-random `fraction` of the accounts (the
account a row belongs to: the buyer of an order and of its returns, the caller, the clicker) and
drops the media files of the rows it removes, so `bench/nightly_scale.py --delta-fraction 0.1`
measures the 10 % delta the scale issue asks for.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from pathlib import Path

import polars as pl

_BUCKETS = 10_000
# The account each row belongs to, per file; reference/ files are kept whole.
_OWNER = {"accounts.csv": "account_id", "orders.csv": "account_id", "returns.csv": "account_id",
          "calls.csv": "account_id"}
_MEDIA = {"returns.csv": "photo", "calls.csv": "audio"}


@dataclass(frozen=True)
class DaySample:
    kept: dict[str, int]  # file (clicks: all parts) -> rows kept
    total: dict[str, int]  # file -> rows before


def keeps(account_id: str, fraction: float, seed: int) -> bool:
    """Stable across files and runs: the same accounts are kept in every file of the day."""
    return zlib.crc32(f"{seed}:{account_id}".encode()) % _BUCKETS < round(fraction * _BUCKETS)


def sample_day(day: Path, fraction: float, seed: int = 0) -> DaySample:
    if not 0.0 < fraction <= 1.0:
        raise ValueError(f"fraction must be within (0, 1], got {fraction}")
    kept: dict[str, int] = {}
    total: dict[str, int] = {}
    for name, owner in _OWNER.items():
        path = day / name
        if not path.exists():
            continue
        frame = pl.read_csv(path, infer_schema=False)
        # calls without an account (an unknown caller) are kept by their call id, at the same rate
        key = pl.when(pl.col(owner).fill_null("") != "").then(pl.col(owner)).otherwise(pl.col(frame.columns[0]))
        mask = key.map_elements(lambda k: keeps(k, fraction, seed), return_dtype=pl.Boolean)
        frame = frame.with_columns(mask.alias("_keep"))
        if name in _MEDIA:
            for rel in frame.filter(~pl.col("_keep"))[_MEDIA[name]].drop_nulls():
                if rel:
                    (day / rel).unlink(missing_ok=True)
        total[name] = frame.height
        frame = frame.filter(pl.col("_keep")).drop("_keep")
        kept[name] = frame.height
        frame.write_csv(path)
    total["clicks"] = kept["clicks"] = 0
    for path in sorted((day / "clicks").glob("*.jsonl")):
        lines = path.read_text(encoding="utf-8").splitlines()
        left = [line for line in lines if keeps(json.loads(line)["account_id"], fraction, seed)]
        total["clicks"] += len(lines)
        kept["clicks"] += len(left)
        path.write_text("".join(f"{line}\n" for line in left), encoding="utf-8")
    return DaySample(kept=kept, total=total)
