"""Train, score and evaluate on any labelled graph (`riskgraph gnn fit`, bench/gnn_real.py).

Models (`FitConfig.model`):
- `graphboost` (default): gnn/boost.py, bagged trees on ego + per-relation aggregates +
  label-aware neighbour counts, the column set chosen on val; the nightly build's scorer too.
- `trees_agg`: the same trees on ego + neighbour-feature aggregates, always (GADBench's baseline).
- `trees`: the same trees on the node features alone.
- `gnn`: the heterogeneous GraphSAGE of gnn/model.py, trained by gnn/train.py (the previous scorer).
- `sage`: plain homogeneous GraphSAGE (gnn/baselines.py).
Every model trains on the train nodes, selects (rounds, epochs) on the val nodes, and the
F1-macro threshold is chosen on val; test labels are never seen before `evaluate_scores`.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from gnn.artifact import save_model
from gnn.baselines import fit_sage
from gnn.boost import BoostConfig, BoostModel, fit_boost, top_columns
from gnn.errors import GnnError
from gnn.external import LabelledGraph
from gnn.metrics import average_precision, best_macro_f1_threshold, macro_f1_gmean, roc_auc
from gnn.train import TrainConfig, TrainedModel, predict, train
from graph.export_types import EdgeTable, GraphExport, NodeTable
from ingest.atomic import atomic_write, write_text_atomic

log = logging.getLogger(__name__)

MODELS = ("graphboost", "trees_agg", "trees", "gnn", "sage")
FORMAT = 1


@dataclass(frozen=True)
class FitConfig:
    model: str = "graphboost"
    seed: int = 7
    boost: BoostConfig = field(default_factory=BoostConfig)
    gnn: TrainConfig = field(default_factory=TrainConfig)


@dataclass
class FitResult:
    model: str
    scores: np.ndarray  # float32 [n]: fraud score of every node, graph order
    threshold: float  # F1-macro maximiser on the val nodes
    metrics: dict[str, float]  # val_* and test_* (auc, f1_macro, gmean, ap, n, n_fraud)
    boost: BoostModel | None = None  # graphboost / trees*: the fitted trees
    gnn: TrainedModel | None = None  # gnn: the fitted network


SINGLE = {"trees": ("ego",), "trees_agg": ("features",)}  # baselines: one fixed column set


def fit_graph(graph: LabelledGraph, config: FitConfig) -> FitResult:
    """Fit `config.model` on the train nodes, score every node, evaluate on the test nodes."""
    if config.model not in MODELS:
        raise GnnError(f"unknown model {config.model!r}; choose one of {', '.join(MODELS)}")
    tr, va = graph.indices("train"), graph.indices("val")
    if not (graph.y[tr] == 1).any() or not (graph.y[va] == 1).any():
        raise GnnError("the train and the val nodes each need at least one fraud label")
    boost, trained = None, None
    if config.model in ("graphboost", "trees_agg", "trees"):
        bc = replace(config.boost, candidates=SINGLE[config.model]) if config.model in SINGLE else config.boost
        boost, scores = fit_boost(graph.x, graph.feature_names, graph.relations, graph.y, tr, va, config.seed, bc)
        log.info("%s: kept %s (validation AUC %s), %d columns, rounds %s; top %s", config.model, boost.chosen,
                 {k: round(v, 4) for k, v in boost.val_auc.items()}, len(boost.columns), boost.trees.rounds,
                 top_columns(boost, 5))
    elif config.model == "gnn":
        export = to_export(graph, np.r_[tr, va])
        trained = train(export, replace(config.gnn, seed=config.seed), split=(tr, va))
        scores = predict(trained, export)
    else:
        scores = fit_sage(graph.x, graph.relations, graph.y, tr, va, config.seed)
    threshold, metrics = evaluate_scores(graph, scores)
    return FitResult(config.model, scores.astype(np.float32), threshold, metrics, boost, trained)


def evaluate_scores(graph: LabelledGraph, scores: np.ndarray) -> tuple[float, dict[str, float]]:
    """Threshold = F1-macro maximiser on val; AUC, F1-macro, G-mean and AP on val and test."""
    va = graph.indices("val")
    threshold = best_macro_f1_threshold(graph.y[va].astype(np.int64), scores[va])
    metrics: dict[str, float] = {"threshold": threshold}
    for part in ("val", "test"):
        idx = graph.indices(part)
        y, s = graph.y[idx].astype(np.int64), scores[idx]
        f1, gmean = macro_f1_gmean(y, s >= threshold)
        metrics.update({f"{part}_auc": roc_auc(y, s), f"{part}_f1_macro": f1, f"{part}_gmean": gmean,
                        f"{part}_ap": average_precision(y, s), f"{part}_n": float(len(idx)),
                        f"{part}_n_fraud": float((y == 1).sum())})
    return threshold, metrics


def to_export(graph: LabelledGraph, visible: np.ndarray) -> GraphExport:
    """The graph as a one-node-type GraphExport ("account"), labels only on `visible` nodes."""
    y = np.full(len(graph.y), -1, dtype=np.int8)
    y[visible] = graph.y[visible]
    ids = tuple(str(i) for i in graph.ids)
    edges = tuple(EdgeTable("account", r.name, "account", r.src, r.dst, np.ones(len(r.src), np.float32))
                  for r in graph.relations)
    return GraphExport({"account": NodeTable(ids, graph.x, graph.feature_names)}, edges, ("external", "external"), y)


def write_fit(result: FitResult, graph: LabelledGraph, out: Path, config: FitConfig) -> dict[str, Path]:
    """DIR/scores.parquet (node_id, score), DIR/evaluation.json, DIR/model/ (the artefact)."""
    out.mkdir(parents=True, exist_ok=True)
    model_dir = out / "model"
    model_dir.mkdir(exist_ok=True)
    meta: dict[str, object] = {"format": FORMAT, "model": result.model, "seed": config.seed,
                               "threshold": result.threshold, "metrics": result.metrics,
                               "features": list(graph.feature_names),
                               "relations": [r.name for r in graph.relations]}
    if result.boost is not None:
        write_text_atomic(model_dir / "trees.txt", result.boost.trees.to_string())
        meta.update({"columns": list(result.boost.columns), "boost_config": asdict(result.boost.config),
                     "chosen": result.boost.chosen, "candidate_val_auc": result.boost.val_auc,
                     "top_columns": top_columns(result.boost, 20)})
    elif result.gnn is not None:
        meta["gnn_version"] = save_model(result.gnn, model_dir)
    write_text_atomic(model_dir / "metadata.json", json.dumps(meta, indent=2, sort_keys=True, default=str))
    scores = out / "scores.parquet"
    with atomic_write(scores) as fh:
        pd.DataFrame({"node_id": graph.ids, "score": result.scores}).to_parquet(fh, index=False)
    evaluation = out / "evaluation.json"
    write_text_atomic(evaluation, json.dumps({"model": result.model, "seed": config.seed, **result.metrics}, indent=2))
    return {"scores": scores, "evaluation": evaluation, "model": model_dir}

