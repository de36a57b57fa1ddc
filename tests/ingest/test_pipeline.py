"""Both stages end to end: exact output schemas, idempotent re-runs, atomic writes, pair quality."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pyarrow.parquet as pq
import pytest

from ingest import OUTPUTS, QUARANTINE, ingest_clicks, ingest_orders
from ingest import parquet as parquet_mod
from ingest.pipeline import QUARANTINE_FILE
from testing.clickgen import GenConfig, generate
from testing.pair_eval import score_pairs


@pytest.fixture(scope="module")
def gen_day(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, pl.DataFrame]:
    day = tmp_path_factory.mktemp("genday")
    truth = generate(day, GenConfig(events=40_000, parts=3, seed=5))
    return day, truth


def _full_day(csv_day: Path, gen_day: tuple[Path, pl.DataFrame]) -> Path:
    shutil.copytree(gen_day[0] / "clicks", csv_day / "clicks")
    with (csv_day / "clicks" / "part-0001.jsonl").open("ab") as fh:
        fh.write(b'{"broken json\n')
    return csv_day


def test_outputs_have_the_documented_schemas(csv_day: Path, gen_day: tuple[Path, pl.DataFrame],
                                             tmp_path: Path) -> None:
    day, work = _full_day(csv_day, gen_day), tmp_path / "work"
    orders = ingest_orders(day, work)
    clicks = ingest_clicks(day, work)
    for stem, schema in OUTPUTS.items():
        table = pq.read_table(work / f"{stem}.parquet")
        assert table.schema.remove_metadata().equals(schema), stem
    assert orders.rows["orders"] == 5 and orders.rows["flows"] == 4
    q = pq.read_table(work / QUARANTINE_FILE)
    assert q.schema.remove_metadata().equals(QUARANTINE)
    sources = pl.from_arrow(q).get_column("source").to_list()  # type: ignore[union-attr]
    assert sources.count("clicks/part-0001.jsonl") == 1 == clicks.quarantined
    assert sources.count("orders.csv") == 5 and sources.count("reference/labels.csv") == 1
    assert not list(work.rglob("*.tmp"))


def test_flows_and_returns_join(csv_day: Path, tmp_path: Path) -> None:
    ingest_orders(csv_day, tmp_path)
    flows = pl.read_parquet(tmp_path / "flows.parquet")
    a1a2 = flows.filter((pl.col("src_account") == "A1") & (pl.col("dst_account") == "A2")).row(0, named=True)
    assert (a1a2["n_orders"], a1a2["amount_total"], a1a2["n_coupon_orders"]) == (2, 30.5, 1)
    assert (a1a2["n_returned"], a1a2["amount_returned"]) == (1, 10.5)
    returns = {r["return_id"]: r for r in pl.read_parquet(tmp_path / "returns.parquet").to_dicts()}
    assert returns["R1"]["order_found"] and returns["R1"]["seller_id"] == "A2" and not returns["R1"]["buyer_mismatch"]
    assert not returns["R2"]["order_found"] and returns["R2"]["buyer_id"] is None
    assert returns["R3"]["buyer_id"] == "A2" and returns["R3"]["buyer_mismatch"]


def test_rerun_is_idempotent_in_any_order(csv_day: Path, gen_day: tuple[Path, pl.DataFrame], tmp_path: Path) -> None:
    day = _full_day(csv_day, gen_day)
    first, second = tmp_path / "a", tmp_path / "b"
    ingest_orders(day, first)
    ingest_clicks(day, first)
    ingest_clicks(day, second)
    ingest_orders(day, second)
    ingest_clicks(day, second)  # re-run: replaces its own quarantine rows, does not add
    for stem in [*OUTPUTS, "quarantine/ingest"]:
        a = pl.read_parquet(first / f"{stem}.parquet")
        b = pl.read_parquet(second / f"{stem}.parquet")
        assert a.equals(b), stem


def test_crash_while_writing_keeps_the_old_file(csv_day: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    ingest_orders(csv_day, tmp_path)
    before = (tmp_path / "orders.parquet").read_bytes()

    def crash(*args: object, **kwargs: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(parquet_mod.pq, "write_table", crash)
    with pytest.raises(OSError, match="disk full"):
        ingest_orders(csv_day, tmp_path)
    assert (tmp_path / "orders.parquet").read_bytes() == before
    assert not list(tmp_path.rglob("*.tmp"))


def test_ring_pairs_found_and_crowds_not_linked(gen_day: tuple[Path, pl.DataFrame], tmp_path: Path) -> None:
    day, truth = gen_day
    ingest_clicks(day, tmp_path)
    pairs = pl.read_parquet(tmp_path / "similar_pairs.parquet")
    rings = truth.filter(pl.col("ring_id") >= 0).select("account_id", pl.col("ring_id").alias("group"))
    score = score_pairs(pairs, rings)
    assert score.true_pairs > 50
    assert score.recall >= 0.95 and score.precision >= 0.9, score
    crowd = set(truth.filter(pl.col("population").is_in(["campus", "default_flow"])).get_column("account_id"))
    linked = set(pairs.get_column("account_a")) | set(pairs.get_column("account_b"))
    assert not crowd & linked
