"""The nightly build's account scorer: GraphBoost (gnn/boost.py) on graph/'s heterogeneous export.

The same trees `riskgraph gnn fit` trains on external graphs, on an account-only view:
- ego columns: the account features (minus dropped modalities), plus, per account-to-thing
  relation (device, IP, address, phone, coupon...), the mean and max of the things' own
  features (a device's account count, an address on the fraud list);
- relations between accounts: account-account edges as they are (`buys_from`, `behaves_like`)
  and, per account-to-thing relation, pairs of accounts sharing a thing held by at most
  `hub_cap` accounts (a campus NAT's crowd is no tie, as in gnn/evidence.py).
Labels are few (tens: the demo world has 7 fraud), so classes are weighted to count equally
(as gnn/train.py's balanced loss does; ring scoring reads the probability on that scale), the
validation split is the GNN's stratified 25%, and the trees run a fixed `rounds` without early
stopping (a validation AUC over two or three frauds reaches 1.0 at once and would stop the
trees while every probability is still ~0.5). Validation still chooses the column set.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace

import numpy as np
import scipy.sparse as sp

from gnn.aggregate import Relation, row_max
from gnn.boost import BoostConfig, BoostModel, fit_boost
from gnn.data import ACCOUNT
from gnn.errors import ExportError
from gnn.metrics import average_precision, best_f1_threshold
from gnn.modalities import dropped_feature, dropped_relation
from gnn.train import _split
from graph.export_types import GraphExport

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ScorerConfig:
    seed: int = 7
    hub_cap: int = 30  # things shared by more accounts tie nobody
    val_fraction: float = 0.25
    rounds: int = 300  # fixed boosting rounds per bag (no early stopping, see above)
    boost: BoostConfig = field(default_factory=BoostConfig)


@dataclass(frozen=True)
class AccountView:
    x: np.ndarray  # float32 [n_accounts, f]
    names: tuple[str, ...]
    relations: tuple[Relation, ...]


def account_view(export: GraphExport, drop: frozenset[str] = frozenset(), hub_cap: int = 30) -> AccountView:
    acc = export.nodes[ACCOUNT]
    n = len(acc)
    keep = [i for i, f in enumerate(acc.feature_names) if not dropped_feature(f, drop)]
    cols, names = [acc.features[:, keep].astype(np.float32)], [acc.feature_names[i] for i in keep]
    relations: list[Relation] = []
    for e in export.edges:
        if dropped_relation(e.relation, drop) or e.src_type != ACCOUNT or len(e.src) == 0:
            continue
        if e.dst_type == ACCOUNT:
            relations.append(Relation(e.relation, e.src, e.dst))
            continue
        things = export.nodes[e.dst_type]
        m = sp.csr_matrix((np.ones(len(e.src), np.float32), (e.src, e.dst)), shape=(n, len(things)))
        m.data[:] = 1.0
        tf = [i for i, f in enumerate(things.feature_names) if not dropped_feature(f, drop)]
        if tf:
            tx = things.features[:, tf].astype(np.float32)
            deg = np.asarray(m.sum(axis=1)).ravel()[:, None]
            with np.errstate(invalid="ignore", divide="ignore"):
                cols += [np.where(deg > 0, (m @ tx) / np.maximum(deg, 1), np.nan).astype(np.float32), row_max(m, tx)]
            names += [f"{e.relation}.mean_{things.feature_names[i]}" for i in tf]
            names += [f"{e.relation}.max_{things.feature_names[i]}" for i in tf]
        relations.append(_shared(e.relation, m, hub_cap))
    return AccountView(np.concatenate(cols, axis=1), tuple(names), tuple(relations))


def _shared(name: str, m: sp.csr_matrix, hub_cap: int) -> Relation:
    """Account pairs sharing a thing of at most hub_cap accounts."""
    mt = m.T.tocsr()
    small = np.diff(mt.indptr) <= hub_cap
    mt = sp.diags(small.astype(np.float32)) @ mt
    pairs = sp.triu(mt.T @ mt, k=1).tocoo()
    return Relation(name, pairs.row.astype(np.int64), pairs.col.astype(np.int64))


def fit_account_scorer(export: GraphExport, config: ScorerConfig = ScorerConfig(),
                       drop: frozenset[str] = frozenset(), threads: int = 0, pseudo: np.ndarray | None = None
                       ) -> tuple[BoostModel, np.ndarray, dict[str, float]]:
    """Fit on the export's labels; returns the model, fraud probability per account (scored on
    `threads`; 0: as trained) and metrics.

    `pseudo`: optional int [n_accounts] pseudo-labels (1/0/-1, gnn/pseudo.py: members of the
    rings evidence alone finds, and unflagged accounts outside them). They join the training rows;
    the validation rows (real labels only) stay out of training, so the column set and the
    threshold are still chosen on real labels. Why: a day's few labels (6-9 fraud on a 1,200-account
    world) teach the trees a single split: on classic-hard-s41 37 % of benign accounts scored
    >= 0.5 and account AP was 0.31; with the found rings' members as examples the trees learn what
    collusion looks like in features and neighbourhood.
    """
    y = export.account_labels.astype(np.int64)
    if (y == 1).sum() == 0 or (y == 0).sum() == 0:
        raise ExportError("training needs at least one fraud (1) and one legitimate (0) account label; "
                          "check reference/labels.csv for this window")
    tr, va = _split(y, config.val_fraction, np.random.default_rng(config.seed))
    if len(va) == 0 or y[va].sum() == 0:
        va = tr
        log.warning("too few labels for a validation split; model selection uses the training labels")
    y_fit = y
    if pseudo is not None:  # real train labels + pseudo-labels of everything else, validation rows left out
        y_fit = pseudo.astype(np.int64)  # a copy
        y_fit[tr] = y[tr]
        y_fit[va] = y[va]
        outside = np.ones(len(y), dtype=bool)
        outside[va] = False
        tr = np.flatnonzero(outside & (y_fit >= 0))
    view = account_view(export, drop, config.hub_cap)
    boost = replace(config.boost, trees=replace(config.boost.trees, balanced=True, early_stop=0,
                                                max_rounds=config.rounds))
    model, p = fit_boost(view.x, view.names, view.relations, y_fit, tr, va, config.seed, boost, threads)
    metrics = {"val_average_precision": average_precision(y[va], p[va]),
               "threshold": best_f1_threshold(y[va], p[va]), "n_train_labels": float(len(tr)),
               "n_val_labels": float(len(va)), "n_labelled_fraud": float((y == 1).sum()),
               "n_pseudo_fraud": float((pseudo == 1).sum()) if pseudo is not None else 0.0,
               "n_pseudo_legit": float((pseudo == 0).sum()) if pseudo is not None else 0.0,
               **{f"val_auc_{k}": v for k, v in model.val_auc.items()}}
    log.info("account scorer: kept %s, validation AUC %s", model.chosen, {k: round(v, 3) for k, v in model.val_auc.items()})
    return model, p, metrics
