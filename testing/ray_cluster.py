"""A real 2-node Ray cluster on this machine, for the executor's integration tests.

Each node is `ray start --block` in its own session (process group) with its own temp dir,
ports and resources; teardown signals those sessions by id, so nothing outlives the tests and no
other Ray on the machine is touched. Nodes bind to loopback and get Ray's offline settings.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from riskgraph.ray_executor import OFFLINE_ENV
from testing.ports import free_port

ROOT = Path(__file__).resolve().parents[2]
RAY = str(Path(sys.executable).with_name("ray"))
START_TIMEOUT_S = 180.0
# On a loaded 2-core machine a node's agent can take longer to start than the raylet waits for it
# (the raylet then aborts), and a worker importing torch longer than Ray's register timeout.
# A loopback-only test cluster needs no token; without this, a token file some earlier Ray left in
# ~/.ray switches token auth on for some processes and not others.
TEST_AUTH_ENV = {"RAY_AUTH_MODE": "disabled"}
SLOW_MACHINE_ENV = {"RAY_agent_register_timeout_ms": "300000", "RAY_worker_register_timeout_seconds": "300",
                    "RAY_raylet_start_wait_time_s": "180"}


@dataclass
class RayCluster:
    address: str  # host:port of the head's GCS
    nodes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    dirs: list[Path] = field(default_factory=list)

    def pids(self) -> list[int]:
        """Every live process of the cluster's sessions (raylets, GCS, workers, agents)."""
        leaders = {p.pid for p in self.nodes}
        out = []
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    if os.getsid(int(entry)) in leaders:
                        out.append(int(entry))
                except OSError:
                    continue
        return out

    def stop(self) -> None:
        for sig, wait_s in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 5.0)):
            for p in self.nodes:
                try:
                    os.killpg(p.pid, sig)
                except ProcessLookupError:
                    pass
            deadline = time.monotonic() + wait_s
            while self.pids() and time.monotonic() < deadline:
                time.sleep(0.2)
        for p in self.nodes:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                pass
        for d in self.dirs:
            shutil.rmtree(d, ignore_errors=True)


def _node_ports() -> list[str]:
    """The node's own fixed ports (workers take random ones: a fixed range could overlap these)."""
    return ["--node-ip-address=127.0.0.1", f"--node-manager-port={free_port()}",
            f"--object-manager-port={free_port()}", f"--runtime-env-agent-port={free_port()}",
            f"--dashboard-agent-grpc-port={free_port()}", f"--dashboard-agent-listen-port={free_port()}",
            f"--metrics-export-port={free_port()}",
            "--object-store-memory=100000000", "--disable-usage-stats", "--block"]


def _wait_started(proc: subprocess.Popen[bytes], log: Path) -> None:
    """Until `ray start` reports the node up (its raylet registered), not just the GCS port open."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"ray start exited {proc.returncode}: {log.read_text()[-2000:]}")
        if "Ray runtime started" in log.read_text(errors="replace"):
            return
        raylet = log.parent / "session_latest" / "logs" / "raylet.out"
        if raylet.is_file() and "Check failed" in raylet.read_text(errors="replace"):
            # the raylet aborted (its agent missed Ray's fixed ~15 s port wait); `ray start` would hang on
            raise RuntimeError(f"the raylet aborted during start-up; see {raylet}")
        time.sleep(0.5)
    raise TimeoutError(f"Ray node did not start in {START_TIMEOUT_S:.0f} s: {log.read_text()[-2000:]}")


def start_cluster(env_extra: dict[str, str] | None = None, attempts: int = 3) -> RayCluster:
    """Head (1 CPU) plus a second node (1 CPU, resource `node2`), joined.

    `ray start` gives a node a fixed 30 s to register (ray/_private/node.py); on a loaded 2-core
    machine that is sometimes too short, so a node that timed out is stopped and started again.
    """
    os.environ.update(TEST_AUTH_ENV)  # the driver (this process) too
    env = {**os.environ, **OFFLINE_ENV, **SLOW_MACHINE_ENV, "PYTHONPATH": str(ROOT), **(env_extra or {})}
    env.pop("RAY_ADDRESS", None)
    port = free_port()
    cluster = RayCluster(f"127.0.0.1:{port}")
    try:
        for args in (["--head", f"--port={port}", "--include-dashboard=false", f"--dashboard-port={free_port()}"],
                     [f"--address={cluster.address}", '--resources={"node2": 1}']):
            for attempt in range(1, attempts + 1):
                node = RayCluster(cluster.address)
                try:
                    _start_node(node, args, env)
                except (RuntimeError, TimeoutError):
                    node.stop()
                    if attempt == attempts:
                        raise
                    continue
                cluster.nodes += node.nodes
                cluster.dirs += node.dirs
                break
        return cluster
    except BaseException:
        cluster.stop()
        raise


def _start_node(node: RayCluster, args: list[str], env: dict[str, str]) -> None:
    tmp = Path(tempfile.mkdtemp(prefix="rg-ray-"))  # short: Ray's socket paths must fit 107 bytes
    node.dirs.append(tmp)
    log = tmp / "start.log"
    with log.open("wb") as out:
        proc = subprocess.Popen([RAY, "start", *args, "--num-cpus=1", f"--temp-dir={tmp}", *_node_ports()],
                                env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=tmp)
    node.nodes.append(proc)
    _wait_started(proc, log)


def wait_for_nodes(n: int) -> None:
    """In a driver connected with ray.init: until `n` nodes are alive."""
    import ray

    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if sum(1 for node in ray.nodes() if node["Alive"]) >= n:
            return
        time.sleep(0.5)
    raise TimeoutError(f"fewer than {n} Ray nodes alive after {START_TIMEOUT_S:.0f} s")
