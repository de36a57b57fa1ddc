"""Errors raised by gnn/: bad exports, missing or incompatible model artefacts."""

from ingest.errors import RiskgraphError


class GnnError(RiskgraphError):
    """Base of everything gnn/ raises."""


class ExportError(GnnError):
    """The GraphExport lacks what scoring needs (no account nodes, mismatched arrays)."""


class ModelArtifactError(GnnError):
    """A saved model is missing, unreadable, or was trained on different features."""


class TruthError(GnnError):
    """The ground-truth folder used for evaluation is missing a file or a column."""
