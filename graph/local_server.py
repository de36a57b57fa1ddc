"""Start, stop and inspect the local Neo4j (the Java launcher in graph/neo4j-local/).

This module manages a process and files; it never talks Bolt (graph/store.py does).
Production sets NEO4J_URI and never starts a local server.
"""

from __future__ import annotations

import logging
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from graph.errors import LocalServerError

log = logging.getLogger(__name__)

LAUNCHER_DIR = Path(__file__).resolve().parent / "neo4j-local"
READY_MARKER = "RISKGRAPH-NEO4J-READY"
MIN_JAVA = 17

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
class LocalNeo4jConfig:
    """How the local server runs. Memory is bounded to share a 2-core, 24 GiB box with ML work."""

    home: Path  # data directory (store, logs, pid and password files)
    port: int = 7687
    heap_mb: int = 1024
    pagecache_mb: int = 512
    password: str | None = None  # from NEO4J_PASSWORD; else generated once and kept in home/password
    java: str = "java"
    start_timeout_s: float = 120.0

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def pid_file(self) -> Path:
        return self.home / "neo4j.pid"

    @property
    def password_file(self) -> Path:
        return self.home / "password"

    @property
    def log_file(self) -> Path:
        return self.home / "console.log"


@dataclass(frozen=True)
class LocalStatus:
    running: bool
    pid: int | None
    uri: str
    store_bytes: int


def java_major_version(java: str = "java") -> int:
    """The major version of `java`, or a LocalServerError that says how to get one."""
    exe = shutil.which(java)
    if exe is None:
        raise LocalServerError(f"Java not found ({java!r} is not on PATH): install a JDK {MIN_JAVA} "
                               "(`make setup` does, with apt-get install openjdk-17-jdk-headless)")
    out = subprocess.run([exe, "-version"], capture_output=True, text=True, timeout=60)
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        raise LocalServerError(f"could not read the Java version from `{exe} -version`")
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


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


def status(cfg: LocalNeo4jConfig) -> LocalStatus:
    pid = _running_pid(cfg)
    return LocalStatus(running=pid is not None, pid=pid, uri=cfg.uri, store_bytes=_dir_size(cfg.home / "data"))


def start(cfg: LocalNeo4jConfig) -> LocalStatus:
    """Start the server (no-op if it already runs) and return once Bolt accepts connections."""
    if (pid := _running_pid(cfg)) is not None:
        log.debug("local Neo4j already running (pid %s) at %s", pid, cfg.uri)
        return status(cfg)
    _check_launcher_built()
    major = java_major_version(cfg.java)
    if major < MIN_JAVA:
        raise LocalServerError(f"Java {major} is too old: Neo4j 5.26 needs Java {MIN_JAVA} or newer")
    _check_writable(cfg.home)
    _check_port_free(cfg.port)
    password = read_or_create_password(cfg)

    cmd = [cfg.java, f"-Xms{cfg.heap_mb}m", f"-Xmx{cfg.heap_mb}m", *JVM_FLAGS,
           "-cp", f"{LAUNCHER_DIR / 'target' / 'neo4j-local.jar'}:{LAUNCHER_DIR / 'target' / 'lib'}/*",
           "riskgraph.neo4j.Neo4jLocal", str(cfg.home), str(cfg.port), str(cfg.pagecache_mb)]
    env = {**os.environ, "NEO4J_LOCAL_PASSWORD": password}
    with open(cfg.log_file, "ab") as logf:
        logf.write(f"\n--- start {time.strftime('%Y-%m-%dT%H:%M:%S')} ---\n".encode())
        logf.flush()
        offset = logf.tell()
        proc = subprocess.Popen(cmd, stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, cwd=cfg.home, start_new_session=True)
    cfg.pid_file.write_text(f"{proc.pid}\n")

    deadline = time.monotonic() + cfg.start_timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            cfg.pid_file.unlink(missing_ok=True)
            raise LocalServerError(f"local Neo4j exited with code {proc.returncode} during start-up; "
                                   f"log tail ({cfg.log_file}):\n{_log_tail(cfg.log_file, offset)}")
        if READY_MARKER in _read_from(cfg.log_file, offset) and _port_open(cfg.port):
            log.info("local Neo4j ready at %s (pid %s)", cfg.uri, proc.pid)
            return status(cfg)
        time.sleep(0.2)
    _terminate(proc.pid, grace_s=10)
    cfg.pid_file.unlink(missing_ok=True)
    raise LocalServerError(f"local Neo4j did not become ready within {cfg.start_timeout_s:.0f}s; "
                           f"log tail ({cfg.log_file}):\n{_log_tail(cfg.log_file, offset)}")


def stop(cfg: LocalNeo4jConfig, grace_s: float = 60.0) -> bool:
    """Stop the server cleanly (SIGTERM lets Neo4j checkpoint). Returns False if it was not running."""
    pid = _running_pid(cfg)
    if pid is None:
        cfg.pid_file.unlink(missing_ok=True)
        return False
    clean = _terminate(pid, grace_s)
    cfg.pid_file.unlink(missing_ok=True)
    if not clean:
        log.warning("local Neo4j (pid %s) ignored SIGTERM for %.0fs and was killed; "
                    "the next start will run store recovery", pid, grace_s)
    return True


def kill(cfg: LocalNeo4jConfig) -> None:
    """SIGKILL the server, as a crash would (used by tests of interrupted loads)."""
    pid = _running_pid(cfg)
    if pid is not None:
        os.kill(pid, signal.SIGKILL)
        _wait_gone(pid, 30)
    cfg.pid_file.unlink(missing_ok=True)


def _check_launcher_built() -> None:
    if not (LAUNCHER_DIR / "target" / "neo4j-local.jar").exists():
        raise LocalServerError(f"the Neo4j launcher is not built ({LAUNCHER_DIR}/target missing): run `make setup`")


def _check_writable(home: Path) -> None:
    try:
        home.mkdir(parents=True, exist_ok=True)
        probe = home / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as e:
        raise LocalServerError(f"Neo4j data directory {home} is not writable ({e.strerror}): "
                               "choose another with NEO4J_DATA_DIR") from e


def _check_port_free(port: int) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As the server binds: connections of a killed predecessor in TIME_WAIT don't count.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError as e:
            raise LocalServerError(f"port {port} on 127.0.0.1 is already in use: stop what holds it "
                                   "or choose another with NEO4J_PORT") from e


def _port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _running_pid(cfg: LocalNeo4jConfig) -> int | None:
    try:
        pid = int(cfg.pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) else None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie child of ours counts as gone.
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except OSError:
        return True


def _terminate(pid: int, grace_s: float) -> bool:
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    if _wait_gone(pid, grace_s):
        return True
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return True
    _wait_gone(pid, 10)
    return False


def _wait_gone(pid: int, timeout_s: float) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            waited, _ = os.waitpid(pid, os.WNOHANG)  # reap if it is our child
            if waited == pid:
                return True
        except ChildProcessError:
            pass
        if not _alive(pid):
            return True
        time.sleep(0.1)
    return False


def _read_from(path: Path, offset: int) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            return f.read().decode("utf-8", "replace")
    except OSError:
        return ""


def _log_tail(path: Path, offset: int, lines: int = 25) -> str:
    return "\n".join(_read_from(path, offset).splitlines()[-lines:])


def _dir_size(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
