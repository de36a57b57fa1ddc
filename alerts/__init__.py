"""Ring alerts out of the nightly build and the streaming scorer that consumes them.

The public surface is the contract and the scorer; exporting (export.py), the stream loop
(stream.py) and Kafka (kafka_io.py) are imported from their modules by the CLI,
so that using the scorer never loads the Neo4j driver or the Kafka client.
"""

from alerts.errors import AlertSchemaError, AlertsError, EventError, KafkaIOError
from alerts.events import dumps_decision, parse_event
from alerts.model import Decision, Event, RingAlert
from alerts.schema import SCHEMA_PATH, validate
from alerts.scorer import AlertIndex, AlertSet, Scorer, ScoringPolicy

__all__ = [
    "SCHEMA_PATH", "AlertIndex", "AlertSchemaError", "AlertSet", "AlertsError", "Decision", "Event", "EventError",
    "KafkaIOError", "RingAlert", "Scorer", "ScoringPolicy", "dumps_decision", "parse_event",
    "validate",
]
