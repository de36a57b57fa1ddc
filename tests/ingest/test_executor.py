"""The local executors: every item once with its index, one worker build per process; inputs checked."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from ingest.executor import (
    InProcess,
    MediaUnavailableError,
    ProcessPool,
    local_executor,
    read_verified,
    verify_file,
)


@dataclass(frozen=True)
class Square:
    """A worker factory: picklable, so the process pool can build it in each worker."""

    def __call__(self) -> Callable[[int], tuple[int, int]]:
        return lambda x: (x * x, os.getpid())


def test_in_process_builds_one_worker_and_answers_every_item() -> None:
    builds = []

    def factory() -> Callable[[int], int]:
        builds.append(1)
        return lambda x: x + 100

    assert list(InProcess().map_unordered(factory, [5, 6, 7])) == [(0, 105), (1, 106), (2, 107)]
    assert builds == [1]
    assert list(InProcess().map_unordered(factory, [])) == [] and builds == [1]  # no items: no model load


def test_process_pool_answers_every_index_once_from_other_processes() -> None:
    got = list(ProcessPool(2).map_unordered(Square(), list(range(10))))
    assert sorted(i for i, _ in got) == list(range(10))
    assert all(r[0] == i * i for i, r in got)
    assert os.getpid() not in {r[1] for _, r in got}


def test_local_executor_is_in_process_for_one_worker() -> None:
    assert isinstance(local_executor(1), InProcess) and isinstance(local_executor(2), ProcessPool)


def test_inputs_not_on_this_worker_or_changed_stop_the_stage(tmp_path: Path) -> None:
    f = tmp_path / "a.jpg"
    f.write_bytes(b"photo")
    digest = hashlib.sha256(b"photo").hexdigest()
    assert read_verified(str(f), digest) == b"photo"
    verify_file(str(f), digest)
    f.write_bytes(b"other")
    with pytest.raises(MediaUnavailableError, match="changed"):
        read_verified(str(f), digest)
    with pytest.raises(MediaUnavailableError, match="changed"):
        verify_file(str(f), digest)
    with pytest.raises(MediaUnavailableError, match="mount"):
        read_verified(str(tmp_path / "gone.jpg"), digest)
    with pytest.raises(MediaUnavailableError, match="mount"):
        verify_file(str(tmp_path / "gone.jpg"), digest)
