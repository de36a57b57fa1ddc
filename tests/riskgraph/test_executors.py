"""Which executor the media stages get: local unless Ray is asked for (flag) or RAY_ADDRESS is set."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingest.errors import RiskgraphError
from ingest.executor import InProcess, ProcessPool
from riskgraph.executors import executor_kind, media_executor
from riskgraph.settings import load_settings
from riskgraph.wiring import transcriber_factory


def _settings(tmp_path: Path, **env: str):  # type: ignore[no-untyped-def]
    return load_settings(env=env, config_file=tmp_path / "none.toml")


def test_local_by_default_ray_with_an_address_or_the_flag(tmp_path: Path) -> None:
    assert executor_kind(_settings(tmp_path)) == "local"
    assert executor_kind(_settings(tmp_path, RAY_ADDRESS="10.0.0.5:6379")) == "ray"
    assert executor_kind(_settings(tmp_path), "ray") == "ray"
    assert executor_kind(_settings(tmp_path, RAY_ADDRESS="10.0.0.5:6379"), "local") == "local"
    assert executor_kind(_settings(tmp_path, RISKGRAPH_EXECUTOR="ray")) == "ray"
    with pytest.raises(RiskgraphError, match="dask"):
        executor_kind(_settings(tmp_path), "dask")


def test_the_local_executor_is_what_ran_before(tmp_path: Path) -> None:
    with media_executor(_settings(tmp_path)) as ex:
        assert isinstance(ex, InProcess)  # ASR: in this process
    with media_executor(_settings(tmp_path), local_processes=2) as ex:
        assert isinstance(ex, ProcessPool) and ex.processes == 2  # vision: its worker processes


def test_ray_workers_decode_with_the_cpus_ray_gives_them(tmp_path: Path) -> None:
    local = transcriber_factory(_settings(tmp_path, RISKGRAPH_ASR_THREADS="4"))
    ray = transcriber_factory(_settings(tmp_path, RISKGRAPH_ASR_THREADS="4", RISKGRAPH_RAY_CPUS_PER_WORKER="2"), "ray")
    assert local.args[0].threads == 4 and ray.args[0].threads == 2  # type: ignore[attr-defined]
