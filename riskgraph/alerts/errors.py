"""Errors of the ring-alert export, the streaming scorer and the local Kafka."""

from ingest.errors import RiskgraphError


class AlertsError(RiskgraphError):
    """Base of everything riskgraph.alerts raises."""


class AlertSchemaError(AlertsError):
    """An alert does not validate against ring_alert.v1.schema.json."""


class EventError(AlertsError):
    """An event is malformed; the scorer dead-letters it with this message as the reason."""


class KafkaIOError(AlertsError):
    """Kafka could not be reached, or refused a produce or a commit."""


class KafkaLocalError(AlertsError):
    """The local Kafka process could not be started, stopped or inspected."""
