"""The pure entry point the nightly pipeline calls: export in, account scores and rings out."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import torch

from gnn.anomaly import AnomalyConfig, account_flags
from gnn.artifact import load_model, save_model
from gnn.communities import leiden_communities
from gnn.evidence import EvidenceConfig, build_evidence_graph
from gnn.loops import LoopConfig, find_loops
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
    threads: int | None = None  # torch intra-op threads (None: leave torch's default)


@dataclass(frozen=True)
class Detection:
    scores: tuple[AccountScore, ...]  # one per account, export order
    rings: tuple[RingRecord, ...]  # best first
    model_version: str
    threshold: float  # operating threshold on account scores
    metrics: Mapping[str, float]  # training/validation metrics of the model


def find_rings(export: GraphExport, scores: np.ndarray | None, config: DetectConfig, build_id: str,
               detected_at: str) -> list[RingRecord]:
    """Candidates (Leiden communities + order loops) scored into rings; `scores` None = no GNN."""
    eg = build_evidence_graph(export, config.evidence, config.drop)
    candidates = [Candidate(c, "community")
                  for c in leiden_communities(eg, config.resolution, config.train.seed, config.rings.min_size,
                                                   config.community_method)]
    candidates += [Candidate(np.asarray(lp.members, dtype=np.int64), "loop", lp) for lp in find_loops(export, config.loops)]
    index = EvidenceIndex(export, config.evidence, config.drop)
    flags = account_flags(export, config.anomaly, config.drop)
    return score_candidates(export, candidates, scores, index, config.rings, build_id, detected_at, flags)


def fit_or_load(export: GraphExport, config: DetectConfig, model_dir: Path) -> tuple[TrainedModel, str]:
    if config.model_version:
        return load_model(model_dir, config.model_version), config.model_version
    trained = train(export, config.train, config.drop)
    return trained, save_model(trained, model_dir)


def detect(export: GraphExport, config: DetectConfig, model_dir: Path, build_id: str,
           detected_at: str | None = None) -> Detection:
    """Train (or load) the scorer, score every account, and find, score and type rings.

    Writes the model artefact under `model_dir` when it trains; reads nothing else from disk.
    """
    detected_at = detected_at or datetime.now(UTC).isoformat(timespec="seconds")
    if config.threads:
        torch.set_num_threads(config.threads)
    trained, version = fit_or_load(export, config, model_dir)
    p = predict(trained, export)
    rings = find_rings(export, p, config, build_id, detected_at)
    ids = export.nodes["account"].ids
    log.info("scored %d accounts, %d rings (model %s)", len(ids), len(rings), version)
    return Detection(tuple(AccountScore(a, float(s)) for a, s in zip(ids, p.tolist(), strict=True)),
                     tuple(rings), version, trained.threshold, dict(trained.metrics))
