"""The hand-rolled neighbour sampler: exact with unlimited fanout, bounded fanout, seeded, trainable."""

from __future__ import annotations

import numpy as np
import torch

from gnn.data import ACCOUNT, to_hetero_data
from gnn.metrics import average_precision
from gnn.model import ModelConfig, account_logits, build_model, metadata_of
from gnn.sampler import Csr, build_csr, sample_in_edges, sample_subgraph
from gnn.train import TrainConfig, predict, train
from testing.synthetic import make_export


def test_sample_in_edges_keeps_small_neighbourhoods_and_caps_busy_ones() -> None:
    # dst 0 <- {5, 6}; dst 1 <- {1..9}; dst 2 <- nothing
    csr = Csr(np.array([0, 2, 11, 11]), np.array([5, 6, 1, 2, 3, 4, 5, 6, 7, 8, 9]))
    src, dst = sample_in_edges(csr, np.array([0, 1, 2]), 3, np.random.default_rng(0))
    assert sorted(src[dst == 0].tolist()) == [5, 6]
    busy = src[dst == 1]
    assert 1 <= len(busy) <= 3 and len(set(busy.tolist())) == len(busy) and set(busy.tolist()) <= set(range(1, 10))
    assert not (dst == 2).any()


def test_unlimited_fanout_reproduces_full_batch_logits_of_the_seeds() -> None:
    export, _ = make_export(400, seed=1, n_rings=3)
    data, _ = to_hetero_data(export)
    torch.manual_seed(0)
    model = build_model(metadata_of(data), ModelConfig())
    model.eval()
    with torch.no_grad():
        full = account_logits(model, data)
        seeds = np.array([3, 17, 250, 42])
        sub = sample_subgraph(data, build_csr(data), seeds, (10**6, 10**6), np.random.default_rng(0))
        part = account_logits(model, sub)[:len(seeds)]
    assert torch.equal(sub[ACCOUNT].y[:len(seeds)], data[ACCOUNT].y[torch.from_numpy(seeds)])
    assert torch.allclose(part, full[torch.from_numpy(seeds)], atol=1e-5)
    assert sub[ACCOUNT].num_nodes < data[ACCOUNT].num_nodes  # it is a subgraph, not the graph


def test_fanout_bounds_in_degree_and_same_rng_same_sample() -> None:
    export, _ = make_export(400, seed=2, n_rings=3)
    data, _ = to_hetero_data(export)
    csr = build_csr(data)
    seeds = np.arange(0, 400, 7)
    a = sample_subgraph(data, csr, seeds, (2, 2), np.random.default_rng(5))
    b = sample_subgraph(data, csr, seeds, (2, 2), np.random.default_rng(5))
    for key in a.edge_types:
        ei = a[key].edge_index
        assert torch.equal(ei, b[key].edge_index)
        if ei.shape[1]:
            # each node is a destination in at most one hop, so at most `fanout` in-edges per relation
            assert int(torch.bincount(ei[1]).max()) <= 2
            assert int(ei[0].max()) < a[key[0]].num_nodes and int(ei[1].max()) < a[key[2]].num_nodes


def test_sampled_training_learns() -> None:
    export, truth = make_export(600, seed=3, n_rings=3)
    trained = train(export, TrainConfig(epochs=25, patience=25, batch_size=32, fanouts=(5, 5)))
    p = predict(trained, export)
    fraud = {a for _, _, m in truth.rings for a in m}
    y = np.array([a in fraud for a in export.nodes["account"].ids], dtype=np.int64)
    unl = export.account_labels < 0
    assert average_precision(y[unl], p[unl]) > 5 * y[unl].mean()
