"""Gradient-boosted trees (LightGBM): the only module that imports lightgbm.

Trees need no feature scaling and take nan as "no value" (a node without neighbours), which
suits neighbour aggregates. Rounds are chosen by early stopping on the validation nodes; with
few labels (the nightly build sees tens) the leaves are allowed to be small.
"""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass

import lightgbm as lgb
import numpy as np

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TreeConfig:
    learning_rate: float = 0.05
    num_leaves: int = 31
    max_rounds: int = 2000
    early_stop: int = 100  # rounds without a better validation AUC
    feature_fraction: float = 0.5
    bagging_fraction: float = 0.8
    lambda_l2: float = 1.0
    threads: int = 1  # the machine is shared; LightGBM's default takes every core


@dataclass
class Trees:
    booster: lgb.Booster
    rounds: int

    def predict(self, x: np.ndarray) -> np.ndarray:
        return np.asarray(self.booster.predict(x, num_iteration=self.rounds), dtype=np.float32)

    def to_string(self) -> str:
        return str(self.booster.model_to_string(num_iteration=self.rounds))

    @staticmethod
    def from_string(text: str) -> Trees:
        booster = lgb.Booster(model_str=text)
        return Trees(booster, booster.current_iteration())


def fit_trees(x: np.ndarray, y: np.ndarray, train: np.ndarray, val: np.ndarray, seed: int,
              config: TreeConfig = TreeConfig()) -> Trees:
    """Binary trees on rows `train` (labels 0/1 in y), early-stopped on rows `val`.

    x: float32 [n, f] (nan allowed). Leaves need max(2, min(20, positives // 5)) rows so that a
    handful of labels can still be split on. Deterministic for a seed.
    """
    pos = int((y[train] == 1).sum())
    params = {
        "objective": "binary", "metric": "auc", "learning_rate": config.learning_rate,
        "num_leaves": config.num_leaves, "min_data_in_leaf": max(2, min(20, pos // 5)),
        "min_sum_hessian_in_leaf": 1e-3, "feature_fraction": config.feature_fraction,
        "bagging_fraction": config.bagging_fraction, "bagging_freq": 1, "lambda_l2": config.lambda_l2,
        "num_threads": config.threads, "seed": seed, "deterministic": True, "force_row_wise": True,
        "verbosity": -1,
    }
    dtrain = lgb.Dataset(x[train], label=y[train].astype(np.float32), free_raw_data=False)
    dval = lgb.Dataset(x[val], label=y[val].astype(np.float32), reference=dtrain)
    booster = lgb.train(params, dtrain, num_boost_round=config.max_rounds, valid_sets=[dval],
                        callbacks=[lgb.early_stopping(config.early_stop, verbose=False)])
    rounds = max(1, int(booster.best_iteration or config.max_rounds))
    log.debug("trees: %d rounds (%s)", rounds, asdict(config))
    return Trees(booster, rounds)
