"""`riskgraph gnn fit` end to end on a small external graph in the documented Parquet format."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from typer.testing import CliRunner

from riskgraph.cli import app
from tests.gnn.external_graph import write_graph


def test_gnn_fit_writes_scores_evaluation_model_and_quarantine(tmp_path: Path) -> None:
    nodes, edges = write_graph(tmp_path / "graph", seed=2)
    out = tmp_path / "fit"
    args = ["gnn", "fit", "--nodes", str(nodes), "--edges", str(edges), "--out", str(out), "--seed", "4"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    scores = pd.read_parquet(out / "scores.parquet")
    assert len(scores) == 601 and scores["node_id"].is_unique  # every node once (duplicate id dropped)
    evaluation = json.loads((out / "evaluation.json").read_text())
    assert evaluation["model"] == "graphboost" and evaluation["test_auc"] > 0.9
    assert evaluation["test_n"] > 200 and 0 < evaluation["threshold"] < 1
    meta = json.loads((out / "model" / "metadata.json").read_text())
    assert meta["chosen"] != "ego"  # the ties carry this graph's signal, and validation says so
    assert len(pd.read_parquet(out / "quarantine" / "graph_rows.parquet")) == 3
    again = CliRunner().invoke(app, args)  # a re-run overwrites with the same result
    assert again.exit_code == 0 and pd.read_parquet(out / "scores.parquet").equals(scores)


def test_gnn_fit_rejects_a_graph_without_fraud_labels(tmp_path: Path) -> None:
    nodes, edges = write_graph(tmp_path / "graph")
    df = pd.read_parquet(nodes)
    df.loc[df["label"] == 1, "label"] = 0
    df.to_parquet(nodes)
    result = CliRunner().invoke(app, ["gnn", "fit", "--nodes", str(nodes), "--edges", str(edges), "--out",
                                      str(tmp_path / "fit")])
    assert result.exit_code != 0
