"""The local Kafka process: clean stop and restart keep the topics; set-up problems are clear errors."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from alerts import kafka_io
from services import kafka_local
from services.errors import KafkaLocalError
from services.kafka_local import LocalKafkaConfig
from testing.ports import free_port
from tests.alerts.alert_cases import coupon_alert


@pytest.mark.integration
def test_restart_keeps_published_alerts(tmp_path: Path) -> None:
    cfg = LocalKafkaConfig(home=tmp_path / "kafka", port=free_port(), controller_port=free_port(), heap_mb=384)
    kafka_local.start(cfg)
    try:
        kafka_io.ensure_topics(cfg.bootstrap, ["ring-alerts"])
        kafka_io.publish_alerts(cfg.bootstrap, "ring-alerts", [coupon_alert()])
        assert kafka_local.stop(cfg)
        assert not kafka_local.status(cfg).running
        kafka_local.start(cfg)  # already formatted: no second StorageTool run
        assert (cfg.home / "console.log").read_text().count("Formatting") == 1
        got = kafka_io.read_topic(cfg.bootstrap, "ring-alerts")
        assert [(m.key() or b"").decode() for m in got] == [coupon_alert().ring_id]
        assert kafka_local.status(cfg).data_bytes > 0
    finally:
        kafka_local.stop(cfg)
    assert not kafka_local.stop(cfg)  # a second stop: not running


def test_port_in_use_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        cfg = LocalKafkaConfig(home=tmp_path / "kafka", port=s.getsockname()[1], controller_port=free_port())
        with pytest.raises(KafkaLocalError, match="already in use.*KAFKA_PORT"):
            kafka_local.start(cfg)


def test_missing_java_is_a_clear_error(tmp_path: Path) -> None:
    cfg = LocalKafkaConfig(home=tmp_path / "kafka", port=free_port(), controller_port=free_port(),
                           java="no-such-java-binary")
    with pytest.raises(KafkaLocalError, match="Java not found"):
        kafka_local.start(cfg)
