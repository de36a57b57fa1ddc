"""The learned ring score: positive-unlabelled fit, weak labels, shop-star candidates, artefact."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from gnn.loops import find_stars
from gnn.ring_model import FEATURES, RingModel, fit_ring_model, weak_label
from tests.gnn.builders import build_export


def _rows(rng: np.random.Generator, n: int, ring: bool) -> np.ndarray:
    x = rng.normal(0.0, 0.3, (n, len(FEATURES)))
    if ring:  # rings: drop addresses on their labels and ring-like behaviour, in any mix
        x[:, FEATURES.index("tied_drop_address")] += rng.uniform(0.5, 1.0, n)
        x[:, FEATURES.index("anomaly")] += rng.uniform(0.5, 1.0, n)
    return x


def _night(rng: np.random.Generator, n_rings: int, n_benign: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Candidate rows, sizes and fraud-labelled shares: 5% of ring members labelled, 0.2% of others (wrong)."""
    x = np.vstack([_rows(rng, n_rings, True), _rows(rng, n_benign, False)])
    size = rng.integers(4, 31, n_rings + n_benign)
    rate = np.r_[np.full(n_rings, 0.05), np.full(n_benign, 0.002)]
    return x, size, rng.binomial(size, rate) / size


def test_pu_fit_scores_unlabelled_rings_as_rings_and_households_not() -> None:
    hits, false, gains = [], [], []
    for seed in range(4):  # four weeks: the weak labels make one fit noisy (recall 0.4-0.93 per week)
        rng = np.random.default_rng(seed)
        nights = [_night(rng, 8, 40) for _ in range(8)]  # a week of candidates
        x = np.vstack([n[0] for n in nights])
        size = np.concatenate([n[1] for n in nights])
        share = np.concatenate([n[2] for n in nights])
        model = fit_ring_model(x, share, size, groups=np.repeat(np.arange(8), 48))
        hits += (model.probability(_rows(rng, 40, True)) >= 0.5).tolist()  # the next night's candidates
        false += (model.probability(_rows(rng, 200, False)) >= 0.5).tolist()
        w = model.weights()
        gains.append(w["tied_drop_address"] + w["anomaly"])
    assert np.mean(hits) >= 0.7  # unlabelled rings come out as rings
    assert np.mean(false) <= 0.06
    assert min(gains) > 0.4  # the score leans on what tells rings apart


def test_weak_label_is_the_share_of_members_labelled_fraud() -> None:
    export = build_export({a: {} for a in "abcde"}, [], {"a": 1, "b": 0, "c": 0, "d": 1})
    assert weak_label(export, np.array([0, 4])) == 0.5  # one of two members labelled fraud
    assert weak_label(export, np.array([0, 1, 2, 4])) == 0.25  # legit labels count as not fraud
    assert weak_label(export, np.array([4])) == 0.0  # unlabelled


def test_stars_are_a_small_shop_with_its_buyers_and_popular_shops_are_not() -> None:
    accounts = {a: {} for a in ["shop", "big", *(f"b{i}" for i in range(40))]}
    edges = [("buys_from", f"b{i}", "shop", 1.0) for i in range(5)]
    edges += [("buys_from", f"b{i}", "big", 1.0) for i in range(40)]  # more buyers than the hub limit
    edges += [("buys_from", "b0", "b1", 1.0)]  # one order: two accounts, not a star
    export = build_export(accounts, edges)
    ids = export.nodes["account"].ids
    stars = [{ids[i] for i in s} for s in find_stars(export, min_buyers=3, max_buyers=30)]
    assert stars == [{"shop", "b0", "b1", "b2", "b3", "b4"}]


def test_ring_model_round_trips_through_json(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    x, size, share = _night(rng, 30, 60)
    share[:3] = 0.1  # make sure some candidates hold labelled members
    model = fit_ring_model(x, share, size, groups=np.arange(90) % 3)
    model.save(tmp_path / "ring_model.json")
    again = RingModel.load(tmp_path / "ring_model.json")
    assert np.allclose(again.probability(x), model.probability(x))
