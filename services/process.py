"""Run a local server process (a Java launcher built by Maven): start it detached, wait for its
ready marker, find it again through a pid file, stop it with SIGTERM then SIGKILL.

Shared by the local Neo4j (services/neo4j_local.py) and the local Kafka (services/kafka_local.py); each
passes its own error class and the setting names its messages should point at.
"""

from __future__ import annotations

import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

log = logging.getLogger(__name__)

MIN_JAVA = 17


@dataclass(frozen=True)
class ServiceConfig:
    """The one shape of a local service's settings; each launcher adds only its own fields.

    Memory is bounded so the services share a 2-core, 24 GiB box with the ML stages.
    """

    home: Path  # working directory: data, pid file, console log
    port: int  # where clients connect (127.0.0.1)
    heap_mb: int
    java: str = "java"
    start_timeout_s: float = 120.0
    pid_name: ClassVar[str] = "server.pid"  # kept per service, so a server started by an older version is found

    @property
    def pid_file(self) -> Path:
        return self.home / self.pid_name

    @property
    def log_file(self) -> Path:
        return self.home / "console.log"

    @property
    def data_dir(self) -> Path:
        return self.home / "data"


@dataclass(frozen=True)
class ServiceStatus:
    running: bool
    pid: int | None
    address: str  # what a client connects to: a Bolt URI, a Kafka bootstrap
    data_bytes: int


def service_status(cfg: ServiceConfig, address: str) -> ServiceStatus:
    pid = running_pid(cfg.pid_file)
    return ServiceStatus(running=pid is not None, pid=pid, address=address, data_bytes=dir_size(cfg.data_dir))


@dataclass(frozen=True)
class Launch:
    """One start of a local server process."""

    name: str  # "Neo4j", "Kafka": used in messages
    cmd: Sequence[str]
    home: Path  # working directory; holds pid_file and log_file
    pid_file: Path
    log_file: Path  # stdout+stderr, appended across starts
    ready_marker: str  # the launcher prints this once clients can connect
    port: int  # must accept connections once the marker is printed
    timeout_s: float
    env: Mapping[str, str] = field(default_factory=dict)  # added to os.environ


def java_major_version(java: str, error: type[Exception]) -> int:
    """The major version of `java`, or `error` saying how to get one."""
    exe = shutil.which(java)
    if exe is None:
        raise error(f"Java not found ({java!r} is not on PATH): install a JDK {MIN_JAVA} "
                    "(`make setup` does, with apt-get install openjdk-17-jdk-headless)")
    out = subprocess.run([exe, "-version"], capture_output=True, text=True, timeout=60)
    m = re.search(r'version "(\d+)(?:\.(\d+))?', out.stderr + out.stdout)
    if not m:
        raise error(f"could not read the Java version from `{exe} -version`")
    major = int(m.group(1))
    return int(m.group(2) or 0) if major == 1 else major


def check_java(java: str, what: str, error: type[Exception]) -> None:
    """`what` names the server in the message, e.g. "Neo4j 5.26"."""
    major = java_major_version(java, error)
    if major < MIN_JAVA:
        raise error(f"Java {major} is too old: {what} needs Java {MIN_JAVA} or newer")


def check_writable(home: Path, what: str, setting: str, error: type[Exception]) -> None:
    try:
        home.mkdir(parents=True, exist_ok=True, mode=0o700)
        home.chmod(0o700)  # the store, its logs and the password file: owner-only
        probe = home / ".write-test"
        probe.write_text("ok")
        probe.unlink()
    except OSError as e:
        raise error(f"{what} data directory {home} is not writable ({e.strerror}): "
                    f"choose another with {setting}") from e


def check_port_free(port: int, setting: str, error: type[Exception]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        # As the server binds: connections of a killed predecessor in TIME_WAIT don't count.
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(("127.0.0.1", port))
        except OSError as e:
            raise error(f"port {port} on 127.0.0.1 is already in use: stop what holds it "
                        f"or choose another with {setting}") from e


def launch(spec: Launch, error: type[Exception]) -> int:
    """Start the process detached (own session), wait for its marker and port; return its pid.

    On an early exit or a time-out the process is stopped and `error` carries the log tail.
    """
    with open(os.open(spec.log_file, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600), "ab") as logf:
        logf.write(f"\n--- start {time.strftime('%Y-%m-%dT%H:%M:%S')} ---\n".encode())
        logf.flush()
        offset = logf.tell()
        proc = subprocess.Popen(list(spec.cmd), stdout=logf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env={**os.environ, **spec.env}, cwd=spec.home, start_new_session=True,
                                umask=0o077)  # whatever the server writes (store, logs) is owner-only
    with open(os.open(spec.pid_file, os.O_WRONLY | os.O_TRUNC | os.O_CREAT, 0o600), "w") as pid_file:
        pid_file.write(f"{proc.pid}\n")

    deadline = time.monotonic() + spec.timeout_s
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            spec.pid_file.unlink(missing_ok=True)
            raise error(f"local {spec.name} exited with code {proc.returncode} during start-up; "
                        f"log tail ({spec.log_file}):\n{log_tail(spec.log_file, offset)}")
        if spec.ready_marker in _read_from(spec.log_file, offset) and port_open(spec.port):
            return proc.pid
        time.sleep(0.2)
    terminate(proc.pid, grace_s=10)
    spec.pid_file.unlink(missing_ok=True)
    raise error(f"local {spec.name} did not become ready within {spec.timeout_s:.0f}s; "
                f"log tail ({spec.log_file}):\n{log_tail(spec.log_file, offset)}")


def running_pid(pid_file: Path) -> int | None:
    """The pid recorded in `pid_file` if that process is alive, else None."""
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        return None
    return pid if _alive(pid) else None


def stop(pid_file: Path, grace_s: float) -> bool | None:
    """SIGTERM the recorded process, SIGKILL after `grace_s`.

    Returns None if it was not running, True if it stopped cleanly, False if it had to be killed.
    """
    pid = running_pid(pid_file)
    if pid is None:
        pid_file.unlink(missing_ok=True)
        return None
    clean = terminate(pid, grace_s)
    pid_file.unlink(missing_ok=True)
    return clean


def kill(pid_file: Path) -> None:
    """SIGKILL the recorded process, as a crash would."""
    pid = running_pid(pid_file)
    if pid is not None:
        os.kill(pid, signal.SIGKILL)
        wait_gone(pid, 30)
    pid_file.unlink(missing_ok=True)


def port_open(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


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


def terminate(pid: int, grace_s: float) -> bool:
    """SIGTERM, then SIGKILL after `grace_s`; True if it exited on SIGTERM."""
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        return True
    if wait_gone(pid, grace_s):
        return True
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return True
    wait_gone(pid, 10)
    return False


def wait_gone(pid: int, timeout_s: float) -> bool:
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


def log_tail(path: Path, offset: int = 0, lines: int = 25) -> str:
    return "\n".join(_read_from(path, offset).splitlines()[-lines:])


def dir_size(path: Path) -> int:
    if not path.exists():
        return 0
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())
