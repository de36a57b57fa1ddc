"""The pure entry point the nightly pipeline calls: export in, account scores and rings out."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch

from gnn.account_scorer import ScorerConfig, account_view, fit_account_scorer
from gnn.anomaly import AnomalyConfig, account_flags
from gnn.artifact import is_boost, load_boost, load_model, save_boost, save_model
from gnn.communities import leiden_communities
from gnn.evidence import EvidenceConfig, EvidenceGraph, build_evidence_graph
from gnn.loops import LoopConfig, find_loops, find_stars, repeat_stars
from gnn.pseudo import pseudo_labels
from gnn.ring_model import RingModel, learned_rings
from gnn.rings import Candidate, EvidenceIndex, RingConfig, score_candidates
from gnn.train import TrainConfig, TrainedModel, predict, train
from graph.export_types import GraphExport
from graph.records import AccountScore, RingRecord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DetectConfig:
    train: TrainConfig = field(default_factory=TrainConfig)
    evidence: EvidenceConfig = field(default_factory=EvidenceConfig)
    loops: LoopConfig = field(default_factory=LoopConfig)
    rings: RingConfig = field(default_factory=RingConfig)
    anomaly: AnomalyConfig = field(default_factory=AnomalyConfig)
    community_method: str = "cpm"  # Leiden quality function: cpm | modularity (gnn/communities.py)
    resolution: float = 0.05  # cpm: least mean pair weight of a community; higher gives smaller ones
    drop: frozenset[str] = frozenset()  # modalities to leave out (ablation only)
    model_version: str | None = None  # score with this saved model instead of training one
    threads: int | None = None  # torch intra-op threads and a saved scorer's tree threads (None: defaults)
    # train the scorer on pseudo-labels from the rings evidence alone finds too (gnn/pseudo.py; issue 18: the
    # GraphBoost scorer's account AP 0.31 -> 0.86 on classic-hard-s41, and ring growth needs it)
    self_train: bool = True
    scorer: str = "graphboost"  # account scorer: graphboost (gnn/account_scorer.py) | gnn (gnn/train.py)
    ring_model: Path | None = None  # a learned ring score (gnn/ring_model.py, JSON) instead of the hand-set one


PSEUDO_LEGIT = 5_000  # legitimate pseudo-labels kept for self-training (a random sample beyond this: fit time grows with rows)
RISK_THRESHOLD = 0.5  # account risk at or above it: member of a reported ring (see account_risk)


@dataclass(frozen=True)
class Detection:
    scores: tuple[AccountScore, ...]  # one per account, export order: account_risk, not the raw model
    rings: tuple[RingRecord, ...]  # best first
    model_version: str
    threshold: float  # operating threshold on account scores (RISK_THRESHOLD); the model's is in metrics
    metrics: Mapping[str, float]  # training/validation metrics of the model


def find_rings(export: GraphExport, scores: np.ndarray | None, config: DetectConfig, build_id: str,
               detected_at: str) -> list[RingRecord]:
    """Candidates (Leiden communities + order loops) scored into rings; `scores` None = no GNN.

    With `config.ring_model` the learned ring score (gnn/ring_model.py) replaces the hand-set
    one, and shop stars (gnn/loops.find_stars) join the candidates.
    """
    eg = build_evidence_graph(export, config.evidence, config.drop)
    index = EvidenceIndex(export, config.evidence, config.drop)
    flags = account_flags(export, config.anomaly, config.drop)
    model = RingModel.load(config.ring_model) if config.ring_model else None
    candidates = ring_candidates(export, eg, config, stars=model is not None)
    if model is not None:
        return learned_rings(export, candidates, scores, index, flags, eg, model, config.rings, build_id, detected_at)
    return score_candidates(export, candidates, scores, index, config.rings, build_id, detected_at, flags)


def ring_candidates(export: GraphExport, eg: EvidenceGraph, config: DetectConfig, stars: bool = False) -> list[Candidate]:
    """Leiden communities of the evidence graph, order loops, money stars of repeated orders
    (`gnn/loops.repeat_stars`, unless `config.loops.repeat_stars` is off) and, with `stars`
    (the learned ring score), every shop star instead."""
    candidates = [Candidate(c, "community")
                  for c in leiden_communities(eg, config.resolution, config.train.seed, config.rings.min_size,
                                              config.community_method)]
    loops = find_loops(export, config.loops)
    candidates += [Candidate(np.asarray(lp.members, dtype=np.int64), "loop", lp) for lp in loops]
    if config.loops.repeat_stars and not stars:  # money stars of repeated orders (the hand-set ring score)
        on_loop = frozenset(a for lp in loops for a in lp.members)
        candidates += [Candidate(np.asarray(st.members, dtype=np.int64), "star", star=st)
                       for st in repeat_stars(export, config.loops, on_loop)]
    if stars:
        candidates += [Candidate(s, "star") for s in find_stars(export, config.rings.min_size, config.evidence.max_hub)]
    return candidates


def fit_or_load(export: GraphExport, config: DetectConfig, model_dir: Path) -> tuple[TrainedModel, str]:
    if config.model_version:
        return load_model(model_dir, config.model_version), config.model_version
    trained = train(export, config.train, config.drop, ring_pseudo_labels(export, config) if config.self_train else None)
    return trained, save_model(trained, model_dir)


def score_accounts(export: GraphExport, config: DetectConfig, model_dir: Path) -> tuple[np.ndarray, str, dict[str, float]]:
    """Fraud probability per account from the configured scorer (trained now, or a saved version)."""
    version = config.model_version
    if config.scorer == "gnn" or (version and not is_boost(model_dir, version)):
        trained, version = fit_or_load(export, config, model_dir)
        return predict(trained, export), version, dict(trained.metrics)
    sc = ScorerConfig(seed=config.train.seed)
    if version:
        model, metrics = load_boost(model_dir, version)
        view = account_view(export, config.drop, sc.hub_cap)
        m = model.design(view.x, view.names, view.relations, export.account_labels.astype(np.int64), sc.seed)
        return model.trees.predict(m, config.threads or 0), version, metrics
    model, p, metrics = fit_account_scorer(export, sc, config.drop, config.threads or 0,
                                           ring_pseudo_labels(export, config) if config.self_train else None)
    return p, save_boost(model, export.window, model_dir, metrics), metrics


def ring_pseudo_labels(export: GraphExport, config: DetectConfig) -> np.ndarray:
    """Pseudo-labels from the rings found on evidence alone (no account model; gnn/pseudo.py)."""
    flags = account_flags(export, config.anomaly, config.drop)
    return pseudo_labels(export, find_rings(export, None, config, "pseudo", ""), flags, PSEUDO_LEGIT, config.train.seed)


def detect(export: GraphExport, config: DetectConfig, model_dir: Path, build_id: str,
           detected_at: str | None = None) -> Detection:
    """Train (or load) the scorer, score every account, and find, score and type rings.

    Writes the model artefact under `model_dir` when it trains; reads nothing else from disk.
    """
    detected_at = detected_at or datetime.now(UTC).isoformat(timespec="seconds")
    if config.threads:
        torch.set_num_threads(config.threads)
    p, version, metrics = score_accounts(export, config, model_dir)
    rings = find_rings(export, p, config, build_id, detected_at)
    ids = export.nodes["account"].ids
    risk = account_risk(ids, p, rings)
    log.info("scored %d accounts, %d rings (model %s)", len(ids), len(rings), version)
    return Detection(tuple(AccountScore(a, float(s)) for a, s in zip(ids, risk.tolist(), strict=True)),
                     tuple(rings), version, RISK_THRESHOLD, metrics)


def account_risk(ids: tuple[str, ...], model_p: np.ndarray, rings: list[RingRecord]) -> np.ndarray:
    """float [n_accounts] in [0, 1]: members of a reported ring above everyone else.

    A ring member gets 0.5 + 0.5 * its best ring's score (so >= 0.75, rings scoring >= 0.5);
    any other account 0.5 * its model probability (< 0.5). Why: on the demo world the model's
    probability alone ranks accounts worse (PR-AUC 0.69) than membership in the rings it helps
    find (0.92), because with 7 fraud labels the model never sees most ring kinds while a ring
    is backed by evidence its members share; within each group the order is kept. The operating
    threshold RISK_THRESHOLD (0.5) flags exactly the ring members; the model probability still
    orders the rest for review (and is kept per member in RingRecord.members).
    """
    index = {a: i for i, a in enumerate(ids)}
    ring = np.zeros(len(ids))
    for r in rings:
        for m in r.members:
            ring[index[m.account_id]] = max(ring[index[m.account_id]], r.score)
    return np.where(ring > 0, 0.5 + 0.5 * np.clip(ring, 0.0, 1.0), 0.5 * model_p).astype(np.float32)
