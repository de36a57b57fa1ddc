"""Errors of the ring-alert export and the streaming scorer."""

from ingest.errors import RiskgraphError


class AlertsError(RiskgraphError):
    """Base of everything alerts raises."""


class AlertSchemaError(AlertsError):
    """An alert does not validate against ring_alert.v1.schema.json."""


class EventError(AlertsError):
    """An event is malformed; the scorer dead-letters it with this message as the reason."""


class KafkaIOError(AlertsError):
    """Kafka could not be reached, or refused a produce or a commit."""
