"""Versioned model artefacts: `<models>/<version>/model.pt` (GNN) or `trees.txt` (GraphBoost) + `metadata.json`.

The version is derived from the data window and a hash of the weights, so retraining with the
same seed on the same export gives the same version (and overwrites nothing else). Both files
are written to temporary names first and moved into place, the metadata last.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import torch
import torch_geometric

from gnn.boost import BoostConfig, BoostModel
from gnn.data import FeatureScaler
from gnn.errors import ModelArtifactError
from gnn.model import ModelConfig, build_model
from gnn.train import TrainConfig, TrainedModel
from gnn.trees import TreeConfig, Trees, lightgbm_version
from ingest.atomic import write_bytes_atomic, write_text_atomic

FORMAT = 1


def save_model(trained: TrainedModel, models_dir: Path, extra_metrics: dict[str, float] | None = None) -> str:
    """Write the artefact; returns its version string."""
    buf = io.BytesIO()
    torch.save(trained.model.state_dict(), buf)
    weights = buf.getvalue()
    version = f"gnn-{trained.window[1]}-{hashlib.sha1(weights).hexdigest()[:10]}"
    folder = models_dir / version
    folder.mkdir(parents=True, exist_ok=True)
    meta = {
        "format": FORMAT, "version": version, "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "window": list(trained.window), "features": trained.scaler.to_json(),
        "node_types": trained.metadata[0], "edge_types": [list(e) for e in trained.metadata[1]],
        "threshold": trained.threshold, "dropped_modalities": sorted(trained.drop),
        "train_config": asdict(trained.config), "metrics": {**trained.metrics, **(extra_metrics or {})},
        "torch": torch.__version__, "torch_geometric": torch_geometric.__version__,
    }
    write_bytes_atomic(folder / "model.pt", weights)
    write_text_atomic(folder / "metadata.json", json.dumps(meta, indent=2, sort_keys=True))
    return version


def load_model(models_dir: Path, version: str) -> TrainedModel:
    """Rebuild a saved model (lazy layers are sized from the saved weights' shapes)."""
    folder = models_dir / version
    try:
        meta = json.loads((folder / "metadata.json").read_text())
        state = torch.load(folder / "model.pt", weights_only=True)
    except (OSError, ValueError, RuntimeError) as e:
        raise ModelArtifactError(f"cannot read model {version} in {models_dir}: {e}; retrain with "
                                 "`riskgraph gnn train` or pick another version") from e
    if meta.get("format") != FORMAT:
        raise ModelArtifactError(f"model {version} has format {meta.get('format')}, this riskgraph reads {FORMAT}")
    tc = meta["train_config"]
    config = TrainConfig(**{**tc, "model": ModelConfig(**tc["model"])})
    metadata = (list(meta["node_types"]), [tuple(e) for e in meta["edge_types"]])
    model = build_model(metadata, config.model)
    _materialise(model, state)
    model.load_state_dict(state)
    model.eval()
    return TrainedModel(model, FeatureScaler.from_json(meta["features"]), metadata,
                        float(meta["threshold"]), config, frozenset(meta["dropped_modalities"]),
                        {k: float(v) for k, v in meta["metrics"].items()}, tuple(meta["window"]))


def latest_version(models_dir: Path) -> str | None:
    """The most recently written complete artefact in `models_dir`, or None."""
    metas = sorted(models_dir.glob("*/metadata.json"), key=lambda p: p.stat().st_mtime)
    return metas[-1].parent.name if metas else None


def _materialise(model: torch.nn.Module, state: dict[str, torch.Tensor]) -> None:
    """Give lazy (-1) parameters the shapes stored in `state` so load_state_dict can fill them."""
    for name, param in model.named_parameters():
        if isinstance(param, torch.nn.parameter.UninitializedParameter) and name in state:
            param.materialize(state[name].shape)


def save_boost(model: BoostModel, window: tuple[str, str], models_dir: Path, metrics: dict[str, float]) -> str:
    """Write a GraphBoost artefact (`trees.txt` + `metadata.json`); returns its version string."""
    text = model.trees.to_string()
    version = f"boost-{window[1]}-{hashlib.sha1(text.encode()).hexdigest()[:10]}"
    folder = models_dir / version
    folder.mkdir(parents=True, exist_ok=True)
    meta = {"format": FORMAT, "kind": "graphboost", "version": version,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"), "window": list(window),
            "columns": list(model.columns), "chosen": model.chosen, "val_auc": model.val_auc,
            "boost_config": asdict(model.config), "metrics": metrics, "lightgbm": lightgbm_version()}
    write_text_atomic(folder / "trees.txt", text)
    write_text_atomic(folder / "metadata.json", json.dumps(meta, indent=2, sort_keys=True))
    return version


def load_boost(models_dir: Path, version: str) -> tuple[BoostModel, dict[str, float]]:
    folder = models_dir / version
    try:
        meta = json.loads((folder / "metadata.json").read_text())
        trees = Trees.from_string((folder / "trees.txt").read_text())
    except (OSError, ValueError) as e:
        raise ModelArtifactError(f"cannot read model {version} in {models_dir}: {e}; retrain or pick another "
                                 "version") from e
    bc = meta["boost_config"]
    config = BoostConfig(tuple(bc["candidates"]), int(bc["folds"]), TreeConfig(**bc["trees"]))
    model = BoostModel(trees, tuple(meta["columns"]), meta["chosen"], dict(meta["val_auc"]), config)
    return model, {k: float(v) for k, v in meta["metrics"].items()}


def is_boost(models_dir: Path, version: str) -> bool:
    return (models_dir / version / "trees.txt").exists()
