"""Errors raised by graph/: driver and server failures translated into actionable messages."""

from ingest.errors import RiskgraphError


class GraphError(RiskgraphError):
    """Base of everything graph/ raises."""


class GraphUnavailableError(GraphError):
    """Neo4j cannot be reached (not started, wrong address, or down)."""


class GraphAuthError(GraphError):
    """Neo4j rejected the credentials."""


class GraphQueryError(GraphError):
    """Neo4j rejected a query (a bug in riskgraph, or a schema conflict)."""
