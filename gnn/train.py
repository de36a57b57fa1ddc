"""Semi-supervised training of the account scorer on the partial labels in the export.

Class imbalance: fraud is rare and labelled fraud rarer, and a plain weighted BCE is reported to
collapse to the majority class at extreme ratios. Here each step's loss is the mean of the
positive-class loss and the negative-class loss (each class counts half, whatever its size),
and model selection uses the same balanced loss on held-out labels (a constant scorer scores
badly on it); validation average precision is reported alongside.
The operating threshold is the validation F1 maximiser. Everything random flows from one seed.
"""

from __future__ import annotations

import copy
import logging
from dataclasses import dataclass, field

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor
from torch_geometric.data import HeteroData

from gnn.data import ACCOUNT, FeatureScaler, to_hetero_data
from gnn.errors import ExportError
from gnn.metrics import average_precision, best_f1_threshold
from gnn.model import Metadata, ModelConfig, account_logits, align, build_model, metadata_of
from gnn.sampler import Csr, EdgeType, build_csr, sample_subgraph, seed_batches
from graph.export_types import GraphExport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TrainConfig:
    seed: int = 7
    epochs: int = 200  # upper bound; early stopping usually ends sooner
    patience: int = 20  # epochs without a lower validation loss before stopping
    lr: float = 0.01
    weight_decay: float = 5e-4
    val_fraction: float = 0.25  # of the labelled accounts, stratified by class
    batch_size: int = 0  # 0: full-batch; else labelled seed accounts per sampled mini-batch (gnn/sampler.py)
    fanouts: tuple[int, ...] = (10, 10)  # sampled in-neighbours per relation and hop (one per layer)
    model: ModelConfig = field(default_factory=ModelConfig)


@dataclass
class TrainedModel:
    """A fitted scorer and everything needed to apply it to another export."""

    model: torch.nn.Module
    scaler: FeatureScaler
    metadata: Metadata
    threshold: float  # operating threshold on the probability
    config: TrainConfig
    drop: frozenset[str]  # modalities left out (ablation); empty for the production model
    metrics: dict[str, float]  # validation metrics of the selected epoch
    window: tuple[str, str]


def seed_everything(seed: int) -> None:
    torch.manual_seed(seed)
    np.random.seed(seed)  # noqa: NPY002 - PyG helpers may draw from the global generator


def _split(y: np.ndarray, fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Stratified split of labelled indices into (train, validation)."""
    train, val = [], []
    for cls in (0, 1):
        idx = rng.permutation(np.flatnonzero(y == cls))
        n_val = int(round(len(idx) * fraction)) if len(idx) >= 4 else 0
        val.append(idx[:n_val])
        train.append(idx[n_val:])
    return np.sort(np.concatenate(train)), np.sort(np.concatenate(val))


def balanced_bce(logits: Tensor, y: Tensor) -> Tensor:
    """Mean of the per-class mean BCE: each class weighs half regardless of its count."""
    loss = F.binary_cross_entropy_with_logits(logits, y.float(), reduction="none")
    pos, neg = y == 1, y == 0
    parts = [loss[m].mean() for m in (pos, neg) if bool(m.any())]
    return torch.stack(parts).mean()


def train_step(model: torch.nn.Module, optimiser: torch.optim.Optimizer, data: HeteroData, idx: Tensor) -> float:
    """One full-batch step on the labelled accounts `idx`; returns the loss."""
    optimiser.zero_grad()
    loss = balanced_bce(account_logits(model, data)[idx], data[ACCOUNT].y[idx])
    loss.backward()
    optimiser.step()
    return float(loss.detach())


def train_epoch_sampled(model: torch.nn.Module, optimiser: torch.optim.Optimizer, data: HeteroData,
                        csr: dict[EdgeType, Csr], seeds: np.ndarray, config: TrainConfig,
                        rng: np.random.Generator) -> float:
    """One pass over the labelled `seeds` in sampled mini-batches (gnn/sampler.py); mean loss."""
    losses = []
    for batch in seed_batches(seeds, config.batch_size, rng):
        sub = sample_subgraph(data, csr, batch, config.fanouts, rng)
        optimiser.zero_grad()
        loss = balanced_bce(account_logits(model, sub)[:len(batch)], sub[ACCOUNT].y[:len(batch)])
        loss.backward()
        optimiser.step()
        losses.append(float(loss.detach()))
    return float(np.mean(losses)) if losses else float("nan")


def train(export: GraphExport, config: TrainConfig = TrainConfig(),
          drop: frozenset[str] = frozenset(), pseudo: np.ndarray | None = None,
          split: tuple[np.ndarray, np.ndarray] | None = None) -> TrainedModel:
    """Fit on the labelled accounts of `export` (labels 0/1; -1 are unlabelled but still in the graph).

    `split`: (train, validation) account indices to use instead of a stratified random split
    (an external graph's own split, `riskgraph gnn fit`).

    `pseudo`: optional int [n_accounts] pseudo-labels (1/0/-1, gnn/pseudo.py) added to the
    training labels; the validation split, model selection and threshold use real labels only.
    """
    y_all = export.account_labels.astype(np.int64)
    if (y_all == 1).sum() == 0 or (y_all == 0).sum() == 0:
        raise ExportError("training needs at least one fraud (1) and one legitimate (0) account label; "
                          "check reference/labels.csv for this window")
    seed_everything(config.seed)
    rng = np.random.default_rng(config.seed)
    data, scaler = to_hetero_data(export, drop=drop)
    metadata = metadata_of(data)
    model = build_model(metadata, config.model)
    with torch.no_grad():  # materialise the lazy (-1) input sizes before the optimiser sees them
        account_logits(model, data)
    optimiser = torch.optim.Adam(model.parameters(), lr=config.lr, weight_decay=config.weight_decay)
    tr, va = split if split is not None else _split(y_all, config.val_fraction, rng)
    if len(va) == 0 or y_all[va].sum() == 0:
        va = tr  # too few labels to hold any out: select on the training labels (logged)
        log.warning("too few labels for a validation split; model selection uses the training labels")
    y_t = data[ACCOUNT].y
    if pseudo is not None:  # train on real train labels + pseudo-labels of everything else
        y_fit = pseudo.astype(np.int64).copy()
        y_fit[va] = -1
        y_fit[tr] = y_all[tr]
        data[ACCOUNT].y = torch.from_numpy(y_fit)
        tr = np.flatnonzero(y_fit >= 0)
    tr_t = torch.from_numpy(tr)
    va_t = torch.from_numpy(va)
    best_loss, best_ap, best_epoch, stale = float("inf"), float("nan"), 0, 0
    best_state = copy.deepcopy(model.state_dict())
    csr = build_csr(data) if config.batch_size else None
    for epoch in range(config.epochs):
        model.train()
        if csr is None:
            train_step(model, optimiser, data, tr_t)
        else:
            train_epoch_sampled(model, optimiser, data, csr, tr, config, rng)
        model.eval()
        with torch.no_grad():
            logits = account_logits(model, data)
            val_loss = float(balanced_bce(logits[va_t], y_t[va_t]))  # y_t: the real labels
        if val_loss < best_loss - 1e-5:
            best_loss, best_epoch, stale = val_loss, epoch, 0
            best_ap = average_precision(y_all[va], torch.sigmoid(logits).numpy()[va])
            best_state = copy.deepcopy(model.state_dict())
        else:
            stale += 1
            if stale >= config.patience:
                break
    model.load_state_dict(best_state)
    model.eval()
    with torch.no_grad():
        p = torch.sigmoid(account_logits(model, data)).numpy()
    threshold = best_f1_threshold(y_all[va], p[va])
    metrics = {"val_average_precision": float(best_ap), "val_loss": best_loss, "best_epoch": float(best_epoch),
               "n_train_labels": float(len(tr)), "n_val_labels": float(len(va)),
               "n_labelled_fraud": float((y_all == 1).sum()), "threshold": threshold,
               "n_pseudo_fraud": float((pseudo == 1).sum()) if pseudo is not None else 0.0,
               "n_pseudo_legit": float((pseudo == 0).sum()) if pseudo is not None else 0.0}
    log.info("trained: best epoch %d, validation AP %.3f, threshold %.3f", best_epoch, best_ap, threshold)
    return TrainedModel(model, scaler, metadata, threshold, config, drop, metrics, export.window)


def predict(trained: TrainedModel, export: GraphExport) -> np.ndarray:
    """Fraud probability per account, float32 [n_accounts], in export order."""
    data, _ = to_hetero_data(export, trained.scaler, trained.drop)
    data = align(data, trained.metadata)
    trained.model.eval()
    with torch.no_grad():
        return torch.sigmoid(account_logits(trained.model, data)).numpy().astype(np.float32)
