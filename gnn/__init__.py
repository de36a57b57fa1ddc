"""gnn: score accounts with a heterogeneous GNN and find collusive rings in graph/'s export.

The nightly pipeline needs `detect` (and `DetectConfig`, `Detection`); evaluation against the
simulator's truth is `evaluate` + `read_truth` (and `gnn.report.write_report`, kept out of this
import so the nightly path never loads matplotlib). Everything else is internal.
"""

from gnn.detect import DetectConfig, Detection, detect
from gnn.errors import GnnError
from gnn.evaluate import EvalReport, evaluate
from gnn.truth import read_truth

__all__ = ["DetectConfig", "Detection", "EvalReport", "GnnError", "detect", "evaluate", "read_truth"]
