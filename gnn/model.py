"""The account scorer: a 2-layer GraphSAGE made heterogeneous with `to_hetero`.

Each node type gets its own input projection and each relation its own SAGEConv (sum across
relations), so a shared drop address and a shared device carry different learned weights.
Training is full-batch: the whole graph is one forward pass (see docs/gnn.md for the memory
this needs and why neighbour sampling was not adopted).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor
from torch_geometric.data import HeteroData
from torch_geometric.nn import Linear, SAGEConv, to_hetero

from gnn.data import ACCOUNT

Metadata = tuple[list[str], list[tuple[str, str, str]]]


@dataclass(frozen=True)
class ModelConfig:
    hidden: int = 64  # width of every hidden layer
    dropout: float = 0.2


class _Sage(torch.nn.Module):
    """Homogeneous template; `to_hetero` copies it per node type / relation."""

    def __init__(self, hidden: int, dropout: float) -> None:
        super().__init__()
        self.inp = Linear(-1, hidden)
        self.conv1 = SAGEConv((-1, -1), hidden)
        self.conv2 = SAGEConv((-1, -1), hidden)
        self.out = Linear(hidden, 1)
        self.drop = torch.nn.Dropout(dropout)  # a module, so to_hetero's tracing keeps train/eval

    # The argument must be called `edge_index`: to_hetero traces the forward by name.
    def forward(self, x: Tensor, edge_index: Tensor) -> Tensor:
        h = F.relu(self.inp(x))
        h = self.drop(h)
        h = F.relu(self.conv1(h, edge_index)) + h
        h = self.drop(h)
        h = F.relu(self.conv2(h, edge_index)) + h
        return self.out(h)


def build_model(metadata: Metadata, config: ModelConfig) -> torch.nn.Module:
    model = to_hetero(_Sage(config.hidden, config.dropout), (metadata[0], metadata[1]), aggr="sum")
    return model


def metadata_of(data: HeteroData) -> Metadata:
    nodes, edges = data.metadata()
    return list(nodes), [tuple(e) for e in edges]


def align(data: HeteroData, metadata: Metadata) -> HeteroData:
    """Make `data` carry exactly the node and edge types a trained model expects.

    A relation absent from this export gets an empty edge_index (it simply sends no message);
    a relation the model never saw is dropped. Node types must match (the scaler decides them).
    """
    out = HeteroData()
    for t in metadata[0]:
        out[t].x = data[t].x
    if "y" in data[ACCOUNT]:
        out[ACCOUNT].y = data[ACCOUNT].y
    for key in metadata[1]:
        k = tuple(key)
        out[k].edge_index = data[k].edge_index if k in data.edge_types else torch.zeros((2, 0), dtype=torch.long)
    return out


def account_logits(model: torch.nn.Module, data: HeteroData) -> Tensor:
    """Forward pass; returns float32 [n_accounts] logits."""
    out = model(data.x_dict, data.edge_index_dict)
    return out[ACCOUNT].view(-1)
