"""Errors of the local service launchers."""

from ingest.errors import RiskgraphError


class LocalServiceError(RiskgraphError):
    """A local service process could not be started, stopped or inspected."""


class KafkaLocalError(LocalServiceError):
    """The local Kafka process could not be started, stopped or inspected."""


class LocalServerError(LocalServiceError):
    """The local Neo4j process could not be started, stopped or inspected."""
