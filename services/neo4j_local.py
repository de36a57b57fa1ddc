"""Start, stop and inspect the local Neo4j (the Java launcher in services/neo4j-local/).

This module manages a process and files; it never talks Bolt (graph/store.py does).
Production sets NEO4J_URI and never starts a local server.
"""

from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from services import process as local_process
from services.errors import LocalServerError
from services.process import ServiceConfig, ServiceStatus

log = logging.getLogger(__name__)

LAUNCHER_DIR = Path(__file__).resolve().parent / "neo4j-local"
READY_MARKER = "RISKGRAPH-NEO4J-READY"
MIN_JAVA = local_process.MIN_JAVA

# The flags Neo4j's own neo4j.conf ships for Java 17+: without the add-opens, start-up
# fails with a LinkageError on DirectByteBuffer.
JVM_FLAGS = (
    "-XX:+UseG1GC",
    "-XX:-OmitStackTraceInFastThrow",
    "-XX:+DisableExplicitGC",
    "-Djdk.nio.maxCachedBufferSize=1024",
    "-Dio.netty.tryReflectionSetAccessible=true",
    "-Dlog4j2.disable.jmx=true",
    "--add-opens=java.base/java.nio=ALL-UNNAMED",
    "--add-opens=java.base/java.io=ALL-UNNAMED",
    "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens=java.base/java.lang=ALL-UNNAMED",
    "--enable-native-access=ALL-UNNAMED",
)


@dataclass(frozen=True)
class LocalNeo4jConfig(ServiceConfig):
    port: int = 7687  # Bolt
    heap_mb: int = 1024
    pagecache_mb: int = 512
    password: str | None = None  # from NEO4J_PASSWORD; else generated once and kept in home/password
    pid_name: ClassVar[str] = "neo4j.pid"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def password_file(self) -> Path:
        return self.home / "password"


def java_major_version(java: str = "java") -> int:
    """The major version of `java`, or a LocalServerError that says how to get one."""
    return local_process.java_major_version(java, LocalServerError)


def read_or_create_password(cfg: LocalNeo4jConfig) -> str:
    """The Bolt password: NEO4J_PASSWORD if given, else a random one kept in a 0600 file."""
    if cfg.password:
        return cfg.password
    if cfg.password_file.exists():
        return cfg.password_file.read_text().strip()
    pw = secrets.token_urlsafe(24)
    fd = os.open(cfg.password_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(pw + "\n")
    return pw


def status(cfg: LocalNeo4jConfig) -> ServiceStatus:
    return local_process.service_status(cfg, cfg.uri)


def start(cfg: LocalNeo4jConfig) -> ServiceStatus:
    """Start the server (no-op if it already runs) and return once Bolt accepts connections."""
    if (pid := local_process.running_pid(cfg.pid_file)) is not None:
        log.debug("local Neo4j already running (pid %s) at %s", pid, cfg.uri)
        return status(cfg)
    _check_launcher_built()
    local_process.check_java(cfg.java, "Neo4j 5.26", LocalServerError)
    local_process.check_writable(cfg.home, "Neo4j", "NEO4J_DATA_DIR", LocalServerError)
    local_process.check_port_free(cfg.port, "NEO4J_PORT", LocalServerError)
    password = read_or_create_password(cfg)

    cmd = [cfg.java, f"-Xms{cfg.heap_mb}m", f"-Xmx{cfg.heap_mb}m", *JVM_FLAGS,
           "-cp", f"{LAUNCHER_DIR / 'target' / 'neo4j-local.jar'}:{LAUNCHER_DIR / 'target' / 'lib'}/*",
           "riskgraph.neo4j.Neo4jLocal", str(cfg.home), str(cfg.port), str(cfg.pagecache_mb)]
    pid = local_process.launch(local_process.Launch(
        name="Neo4j", cmd=cmd, home=cfg.home, pid_file=cfg.pid_file, log_file=cfg.log_file,
        ready_marker=READY_MARKER, port=cfg.port, timeout_s=cfg.start_timeout_s,
        env={"NEO4J_LOCAL_PASSWORD": password}), LocalServerError)
    log.info("local Neo4j ready at %s (pid %s)", cfg.uri, pid)
    return status(cfg)


def stop(cfg: LocalNeo4jConfig, grace_s: float = 60.0) -> bool:
    """Stop the server cleanly (SIGTERM lets Neo4j checkpoint). Returns False if it was not running."""
    clean = local_process.stop(cfg.pid_file, grace_s)
    if clean is False:
        log.warning("local Neo4j ignored SIGTERM for %.0fs and was killed; "
                    "the next start will run store recovery", grace_s)
    return clean is not None


def kill(cfg: LocalNeo4jConfig) -> None:
    """SIGKILL the server, as a crash would (used by tests of interrupted loads)."""
    local_process.kill(cfg.pid_file)


def _check_launcher_built() -> None:
    if not (LAUNCHER_DIR / "target" / "neo4j-local.jar").exists():
        raise LocalServerError(f"the Neo4j launcher is not built ({LAUNCHER_DIR}/target missing): run `make setup`")
