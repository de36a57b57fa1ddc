"""Which executor the media stages (ASR, vision) run on: local processes, or Ray actors.

`ray` when `--executor ray` is given or RAY_ADDRESS is set (settings.executor), else local exactly
as before: ASR in this process, vision in `vision_workers` spawned processes. A Ray run with no
RAY_ADDRESS starts a Ray inside this process (one machine, for trying it out or measuring).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from ingest.errors import RiskgraphError
from ingest.executor import Executor, local_executor
from riskgraph.settings import Settings

EXECUTORS = ("local", "ray")


def executor_kind(settings: Settings, flag: str | None = None) -> str:
    kind = flag or settings.executor or ("ray" if settings.ray_address else "local")
    if kind not in EXECUTORS:
        raise RiskgraphError(f"executor {kind!r} is not one of {', '.join(EXECUTORS)}")
    return kind


@contextmanager
def media_executor(settings: Settings, flag: str | None = None, local_processes: int = 1) -> Iterator[Executor]:
    """The executor for one command or nightly run; a Ray connection it opened is closed after."""
    if executor_kind(settings, flag) == "local":
        yield local_executor(local_processes)
        return
    from riskgraph.ray_executor import RayConfig, RayExecutor  # Ray is imported only on this path

    ray = RayExecutor(RayConfig(address=settings.ray_address, workers=settings.ray_workers,
                                cpus_per_worker=settings.ray_cpus_per_worker,
                                max_retries=settings.ray_max_retries,
                                temp_dir=str(settings.var_dir / "ray"), var_dir=str(settings.var_dir)))
    try:
        yield ray
    finally:
        ray.close()
