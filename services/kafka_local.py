"""Start, stop and inspect the local single-node Kafka (the Java launcher in services/kafka-local/).

A development and test broker: KRaft mode, broker and controller in one JVM, listening on
127.0.0.1 only. Production sets KAFKA_BOOTSTRAP and never starts one. This module manages a
process and files; it never speaks the Kafka protocol (kafka_io does).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from services import process as local_process
from services.errors import KafkaLocalError
from services.process import ServiceConfig, ServiceStatus

log = logging.getLogger(__name__)

LAUNCHER_DIR = Path(__file__).resolve().parent / "kafka-local"
READY_MARKER = "RISKGRAPH-KAFKA-READY"


@dataclass(frozen=True)
class LocalKafkaConfig(ServiceConfig):
    port: int = 9092  # clients (PLAINTEXT)
    heap_mb: int = 512
    controller_port: int = 9093  # KRaft controller quorum, also on 127.0.0.1
    pid_name: ClassVar[str] = "kafka.pid"

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"


def status(cfg: LocalKafkaConfig) -> ServiceStatus:
    return local_process.service_status(cfg, cfg.bootstrap)


def start(cfg: LocalKafkaConfig) -> ServiceStatus:
    """Start the broker (no-op if it already runs); return once it answers metadata requests.

    The first start formats the log directory (Kafka's StorageTool, in its own JVM)."""
    if (pid := local_process.running_pid(cfg.pid_file)) is not None:
        log.debug("local Kafka already running (pid %s) at %s", pid, cfg.bootstrap)
        return status(cfg)
    if not (LAUNCHER_DIR / "target" / "kafka-local.jar").exists():
        raise KafkaLocalError(f"the Kafka launcher is not built ({LAUNCHER_DIR}/target missing): run `make setup`")
    local_process.check_java(cfg.java, "Kafka 4", KafkaLocalError)
    local_process.check_writable(cfg.home, "Kafka", "KAFKA_DATA_DIR", KafkaLocalError)
    local_process.check_port_free(cfg.port, "KAFKA_PORT", KafkaLocalError)
    local_process.check_port_free(cfg.controller_port, "KAFKA_CONTROLLER_PORT", KafkaLocalError)
    # A fixed young generation of a third of the heap. Left to itself, G1 shrank it to ~14 MB to
    # keep its 20 ms pause goal, so the broker stopped ~10 times in 8 s at 5k events/s; on a busy
    # 2-core machine each stop stretched to 100-160 ms (its 2 GC workers waiting for a CPU) and
    # every stall of the end-to-end benchmark lined up with one. A young collection copies only
    # the survivors (~2 MB here), so a larger eden makes stops rarer, not longer.
    cmd = [cfg.java, f"-Xms{min(256, cfg.heap_mb)}m", f"-Xmx{cfg.heap_mb}m", f"-Xmn{cfg.heap_mb // 3}m",
           "-XX:+UseG1GC", "-XX:MaxGCPauseMillis=20", "-Djava.awt.headless=true",
           "-cp", f"{LAUNCHER_DIR / 'target' / 'kafka-local.jar'}:{LAUNCHER_DIR / 'target' / 'lib'}/*",
           "riskgraph.kafka.KafkaLocal", str(cfg.home), str(cfg.port), str(cfg.controller_port)]
    pid = local_process.launch(local_process.Launch(
        name="Kafka", cmd=cmd, home=cfg.home, pid_file=cfg.pid_file, log_file=cfg.log_file,
        ready_marker=READY_MARKER, port=cfg.port, timeout_s=cfg.start_timeout_s), KafkaLocalError)
    log.info("local Kafka ready at %s (pid %s)", cfg.bootstrap, pid)
    return status(cfg)


def stop(cfg: LocalKafkaConfig, grace_s: float = 60.0) -> bool:
    """Stop cleanly (SIGTERM runs Kafka's controlled shutdown). False if it was not running."""
    clean = local_process.stop(cfg.pid_file, grace_s)
    if clean is False:
        log.warning("local Kafka ignored SIGTERM for %.0fs and was killed; the next start recovers its logs", grace_s)
    return clean is not None
