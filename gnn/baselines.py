"""Plain homogeneous GraphSAGE: the GNN baseline `riskgraph gnn fit --model sage` compares with.

All relations merged into one undirected edge set, features signed-log1p'd and standardised,
two SAGE layers, the same class-balanced loss and validation early stopping as gnn/train.py.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor
from torch_geometric.nn import SAGEConv

from gnn.aggregate import Relation
from gnn.train import balanced_bce, seed_everything


class _Sage(torch.nn.Module):
    def __init__(self, n_in: int, hidden: int, dropout: float) -> None:
        super().__init__()
        self.inp = torch.nn.Linear(n_in, hidden)
        self.conv1 = SAGEConv(hidden, hidden)
        self.conv2 = SAGEConv(hidden, hidden)
        self.out = torch.nn.Linear(hidden, 1)
        self.dropout = dropout

    def forward(self, x: Tensor, edge_index: Tensor) -> Tensor:
        h = F.dropout(F.relu(self.inp(x)), self.dropout, self.training)
        h = F.dropout(F.relu(self.conv1(h, edge_index)), self.dropout, self.training)
        h = F.relu(self.conv2(h, edge_index))
        return self.out(h).view(-1)


def standardise(x: np.ndarray) -> np.ndarray:
    z = np.sign(x) * np.log1p(np.abs(np.nan_to_num(x)))
    return ((z - z.mean(axis=0)) / np.where(z.std(axis=0) > 1e-6, z.std(axis=0), 1.0)).astype(np.float32)


def fit_sage(x: np.ndarray, relations: Sequence[Relation], y: np.ndarray, train: np.ndarray, val: np.ndarray,
             seed: int, hidden: int = 64, dropout: float = 0.2, epochs: int = 300, patience: int = 30,
             lr: float = 0.01) -> np.ndarray:
    """Train on `train`, keep the epoch with the lowest validation loss; fraud probability [n]."""
    seed_everything(seed)
    src = np.concatenate([r.src for r in relations] + [r.dst for r in relations]) if relations else np.zeros(0, int)
    dst = np.concatenate([r.dst for r in relations] + [r.src for r in relations]) if relations else np.zeros(0, int)
    ei = torch.from_numpy(np.stack([src, dst]).astype(np.int64))
    xt = torch.from_numpy(standardise(x) if x.shape[1] else np.ones((len(x), 1), np.float32))
    yt, tr, va = torch.from_numpy(y.astype(np.int64)), torch.from_numpy(train), torch.from_numpy(val)
    model = _Sage(xt.shape[1], hidden, dropout)
    opt = torch.optim.Adam(model.parameters(), lr=lr, weight_decay=5e-4)
    best, stale, state = float("inf"), 0, copy.deepcopy(model.state_dict())
    for _ in range(epochs):
        model.train()
        opt.zero_grad()
        balanced_bce(model(xt, ei)[tr], yt[tr]).backward()
        opt.step()
        model.eval()
        with torch.no_grad():
            loss = float(balanced_bce(model(xt, ei)[va], yt[va]))
        if loss < best - 1e-5:
            best, stale, state = loss, 0, copy.deepcopy(model.state_dict())
        else:
            stale += 1
            if stale >= patience:
                break
    model.load_state_dict(state)
    model.eval()
    with torch.no_grad():
        return torch.sigmoid(model(xt, ei)).numpy().astype(np.float32)
