"""Where the per-file media stages (asr/, vision/) run their items: the `Executor` seam.

A stage hands an executor a picklable *worker factory* and a list of items. The executor builds
one worker per process (the factory loads the model once there) and yields `(index, result)` as
items finish, in any order; the stage puts results back in item order, so where an item ran never
changes the output. Workers never raise for a bad item: they return an outcome that says so.
An exception out of a worker is an infrastructure fault and stops the stage.

Local implementations live here (in-process, a spawned process pool); the Ray one lives in the
composition root (riskgraph/ray_executor.py), the only module that imports Ray.
"""

from __future__ import annotations

import hashlib
import multiprocessing as mp
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ingest.errors import RiskgraphError

T = TypeVar("T")
R = TypeVar("R")

WorkerFactory = Callable[[], Callable[[T], R]]  # picklable; called once per worker process


class MediaUnavailableError(RiskgraphError):
    """A worker could not read an input the planner saw (no shared storage, or the file changed)."""


class Executor(Protocol):
    def map_unordered(self, factory: WorkerFactory[T, R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        """(index into `items`, result) for every item, in completion order."""
        ...


class InProcess:
    """One worker in this process: no start-up cost, and test doubles need not pickle."""

    def map_unordered(self, factory: WorkerFactory[T, R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        if not items:
            return
        work = factory()
        for i, item in enumerate(items):
            yield i, work(item)


_WORKER: Any = None


def _init(factory: WorkerFactory[Any, Any]) -> None:
    global _WORKER
    _WORKER = factory()


def _call(item: Any) -> Any:
    assert _WORKER is not None, "worker initializer did not run"
    return _WORKER(item)


class ProcessPool:
    """`processes` spawned workers on this machine (spawn: the parent may hold torch/OpenMP state)."""

    def __init__(self, processes: int) -> None:
        self.processes = processes

    def map_unordered(self, factory: WorkerFactory[T, R], items: Sequence[T]) -> Iterator[tuple[int, R]]:
        if not items:
            return
        with ProcessPoolExecutor(self.processes, mp_context=mp.get_context("spawn"), initializer=_init,
                                 initargs=(factory,)) as pool:
            pending: dict[Future[R], int] = {pool.submit(_call, item): i for i, item in enumerate(items)}
            while pending:
                done, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in done:
                    yield pending.pop(fut), fut.result()


def local_executor(processes: int) -> Executor:
    return InProcess() if processes <= 1 else ProcessPool(processes)


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify_file(path: str, digest: str) -> None:
    """`read_verified` for readers that open the file themselves (ffmpeg): streams, keeps nothing."""
    try:
        actual = sha256_file(Path(path))
    except OSError as e:
        raise _unavailable(path, e) from e
    if actual != digest:
        raise MediaUnavailableError(f"{path} changed while the stage ran (sha256 differs); run the stage again")


def _unavailable(path: str, e: OSError) -> MediaUnavailableError:
    return MediaUnavailableError(f"{path} is not readable on this worker ({e.strerror or e}); inputs travel "
                                 "by path, so every node must mount the day folder at the same path")


def read_verified(path: str, digest: str) -> bytes:
    """The bytes at `path` (as the planner resolved it), checked against the planner's sha256.

    On a cluster inputs travel by path on shared storage; a node that does not mount it, or a file
    rewritten since it was hashed, must stop the stage rather than be quarantined (or cached) as bad data.
    """
    try:
        data = Path(path).read_bytes()
    except OSError as e:
        raise _unavailable(path, e) from e
    if hashlib.sha256(data).hexdigest() != digest:
        raise MediaUnavailableError(f"{path} changed while the stage ran (sha256 differs); run the stage again")
    return data
