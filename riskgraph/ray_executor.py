"""The media stages' items as Ray actor calls: the only module that imports Ray.

Ray is the engine: it places the actors on the cluster's nodes, and when a worker process or its
node dies it restarts the actor (the model loads again) and re-runs the calls that were in flight
(`max_restarts`, `max_task_retries`). We only build one actor per worker slot, feed them through
Ray's `ActorPool` and hand results back to the stage, which orders them: a stage's output does not
depend on where its items ran.

Inputs travel by path (every node mounts the day folder, the model weights and the work folder at
the same path); results come back by value. Ray is kept offline: no usage stats, no metrics
collection, no dashboard (`OFFLINE_ENV`, set before Ray is imported, and for every worker).
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from ingest.errors import RiskgraphError
from ingest.executor import WorkerFactory

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")

# Ray reads these from the environment of the driver and of every node's processes. `ray start`
# for a cluster of ours must get them too (and --disable-usage-stats --include-dashboard=false).
OFFLINE_ENV = {
    "RAY_USAGE_STATS_ENABLED": "0",  # no usage report to Ray's servers
    "RAY_USAGE_STATS_PROMPT_ENABLED": "0",
    "RAY_enable_metrics_collection": "0",  # no metrics recorded or exported
    "RAY_DISABLE_DOCKER_CPU_WARNING": "1",
}


@dataclass(frozen=True)
class RayConfig:
    address: str | None = None  # "host:port" of a running cluster; None: a Ray started in this process
    workers: int = 0  # actors per stage; 0: one per `cpus_per_worker` CPUs of the cluster
    cpus_per_worker: int = 1  # CPUs Ray reserves per actor (ASR threads follow it)
    max_retries: int = 3  # times a lost worker's calls are re-run on its restarted actor
    temp_dir: str | None = None  # only for a Ray started here; None: Ray's default
    var_dir: str | None = None  # workers keep their libraries offline with caches here (riskgraph/offline.py)


class _Worker:
    """One actor: the stage's worker, built once (model loaded) when Ray starts the actor."""

    def __init__(self, factory: WorkerFactory[Any, Any], var_dir: str | None) -> None:
        if var_dir:  # before the factory imports ultralytics, faster-whisper, ...: they read it at import
            from riskgraph.offline import configure_offline

            configure_offline(Path(var_dir))
        self._work = factory()

    def run(self, index: int, item: Any) -> tuple[int, Any, str]:
        import ray

        return index, self._work(item), ray.get_runtime_context().get_node_id()


class RayExecutor:
    """Implements `ingest.executor.Executor` on a Ray cluster. `nodes` counts items per node id (last run)."""

    def __init__(self, config: RayConfig) -> None:
        self.config = config
        self.nodes: Counter[str] = Counter()
        self._started = False

    def connect(self) -> None:
        for key, value in OFFLINE_ENV.items():
            os.environ.setdefault(key, value)
        import ray

        if ray.is_initialized():
            return
        kwargs: dict[str, Any] = {}
        if self.config.address is None and self.config.temp_dir:
            kwargs["_temp_dir"] = self.config.temp_dir
        try:
            ray.init(address=self.config.address or "local", include_dashboard=False, logging_level=logging.WARNING,
                     runtime_env={"env_vars": dict(OFFLINE_ENV)}, **kwargs)
        except Exception as e:  # Ray raises bare Exception when a node it starts does not come up
            raise RiskgraphError(f"cannot connect to the Ray cluster at {self.config.address or 'a new local Ray'}: "
                                 f"{e}; check RAY_ADDRESS (host:port of `ray start --head`)") from e
        self._started = True

    def close(self) -> None:
        """Disconnect if this executor connected (a local Ray it started stops with it)."""
        if self._started:
            import ray

            ray.shutdown()
            self._started = False

    def map_unordered(self, factory: WorkerFactory[T, R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        if not items:
            return
        self.connect()
        import ray
        from ray.util import ActorPool

        cfg = self.config
        slots = cfg.workers or max(1, int(ray.cluster_resources().get("CPU", 1)) // cfg.cpus_per_worker)
        actor = ray.remote(num_cpus=cfg.cpus_per_worker, max_restarts=cfg.max_retries,
                           max_task_retries=cfg.max_retries)(_Worker)
        actors: list[Any] = [actor.remote(factory, cfg.var_dir) for _ in range(min(slots, len(items)))]
        log.info("ray: %d items on %d actors", len(items), len(actors))
        self.nodes = Counter()
        try:
            pool = ActorPool(actors)
            for index, result, node in pool.map_unordered(lambda a, job: a.run.remote(*job), list(enumerate(items))):
                self.nodes[node] += 1
                yield index, result
        except ray.exceptions.RayError as e:
            cause = e.cause if isinstance(e, ray.exceptions.RayTaskError) else None
            if isinstance(cause, RiskgraphError):
                raise cause from e  # e.g. an input not on shared storage: the worker's own message
            raise RiskgraphError(f"a Ray worker failed after {cfg.max_retries} retries: {e}") from e
        finally:
            for a in actors:
                ray.kill(a)
