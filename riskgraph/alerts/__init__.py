"""Ring alerts out of the nightly build and the streaming scorer that consumes them.

The public surface is the contract and the scorer; exporting (export.py), the stream loop
(stream.py) and Kafka (kafka_io.py, kafka_local.py) are imported from their modules by the CLI,
so that using the scorer never loads the Neo4j driver or the Kafka client.
"""

from riskgraph.alerts.errors import AlertSchemaError, AlertsError, EventError, KafkaIOError, KafkaLocalError
from riskgraph.alerts.events import dumps_decision, parse_event
from riskgraph.alerts.model import Decision, Event, RingAlert
from riskgraph.alerts.schema import SCHEMA_PATH, validate
from riskgraph.alerts.scorer import AlertIndex, AlertSet, Scorer, ScoringPolicy

__all__ = [
    "SCHEMA_PATH", "AlertIndex", "AlertSchemaError", "AlertSet", "AlertsError", "Decision", "Event", "EventError",
    "KafkaIOError", "KafkaLocalError", "RingAlert", "Scorer", "ScoringPolicy", "dumps_decision", "parse_event",
    "validate",
]
