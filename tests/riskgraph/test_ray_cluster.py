"""The media stages on a real 2-node Ray cluster give byte-identical outputs to the local run.

One cluster per module (head + a second node, 1 CPU each), reached as a user would: RAY_ADDRESS
and `--executor ray` on the real CLI, with the real Whisper weights, our YOLO and Tesseract.
"""

from __future__ import annotations

import csv
import ipaddress
import shutil
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest
from typer.testing import CliRunner

from riskgraph.cli import app
from riskgraph.ray_executor import RayConfig, RayExecutor
from testing.audio import bad_audio, speak
from testing.clips import ENGLISH
from testing.ray_cluster import RayCluster, start_cluster, wait_for_nodes
from tests.riskgraph.ray_workers import CrashOnce
from tests.vision.conftest import held_out_photo

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def ray_cluster() -> Iterator[RayCluster]:
    import ray

    cluster = start_cluster()
    try:
        ray.init(address=cluster.address, include_dashboard=False, logging_level="WARNING")
        wait_for_nodes(2)
        yield cluster
    finally:
        ray.shutdown()
        cluster.stop()
    assert not cluster.pids(), "Ray processes outlived the cluster fixture"


@pytest.fixture(scope="module")
def media_day(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small day: 3 calls (one a copy of another) + bad audio, 3 photos + an empty and a missing one."""
    root = tmp_path_factory.mktemp("ray-day")
    day = root / "2026-11-27"
    (day / "calls").mkdir(parents=True)
    (day / "parcels").mkdir()
    clips = [speak(c, day / "calls") for c in ENGLISH[:2]]
    shutil.copy(clips[0], day / "calls" / "copy.wav")
    bad = bad_audio(day / "calls", clips[0], too_long_s=25.0)
    with (day / "calls.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["call_id", "caller_phone", "account_id", "audio", "started_at", "language"])
        for i, p in enumerate([*clips, day / "calls" / "copy.wav", bad["zero_bytes"], bad["not_audio"]]):
            w.writerow([f"C{i}", "138 1234 5678", f"A{i}", f"calls/{p.name}", "2026-11-27T10:00:00+08:00", "en"])
        w.writerow(["C9", "", "", "calls/missing.wav", "2026-11-27T10:00:00+08:00", "en"])
    (day / "reference").mkdir()
    (day / "accounts.csv").write_text("account_id,created_at,phone,register_ip,register_device\n")
    texts = []
    for i in range(3):
        text, photo = held_out_photo(40 + i)
        photo.image.save(day / "parcels" / f"p{i}.jpg", quality=90)
        texts.append(text)
    (day / "parcels" / "empty.jpg").write_bytes(b"")
    (day / "reference" / "fraud_addresses.csv").write_text(f'address\n"{texts[1].recipient_address}"\n')
    with (day / "returns.csv").open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["return_id", "order_id", "account_id", "reason", "photo", "created_at"])
        for rid, photo_path in [("R0", "p0.jpg"), ("R1", "p1.jpg"), ("R2", "p2.jpg"), ("R3", "p0.jpg"),
                                ("B1", "empty.jpg"), ("B2", "missing.jpg")]:
            w.writerow([rid, "O1", "A1", "damaged", f"parcels/{photo_path}", "2026-11-27T09:00:00+08:00"])
    return day


OUTPUTS = ("transcripts.parquet", "quarantine/asr.parquet", "label_reads.parquet", "quarantine/vision.parquet")


def _media_stages(day: Path, work: Path, args: list[str]) -> None:
    runner = CliRunner()
    for cmd in (["asr", "transcribe", str(day), "--out", str(work)],
                ["vision", "read", str(day), "--out", str(work), "--workers", "1"]):
        result = runner.invoke(app, [*cmd, *args])
        assert result.exit_code == 0, result.output


def test_media_stages_on_two_nodes_equal_the_local_run(ray_cluster: RayCluster, media_day: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RISKGRAPH_VAR_DIR", str(tmp_path / "var"))
    monkeypatch.setenv("RISKGRAPH_ASR_THREADS", "1")  # the Ray actors get 1 CPU each: decode alike
    monkeypatch.delenv("RAY_ADDRESS", raising=False)
    _media_stages(media_day, tmp_path / "local", ["--executor", "local"])
    monkeypatch.setenv("RAY_ADDRESS", ray_cluster.address)
    _media_stages(media_day, tmp_path / "ray", [])  # RAY_ADDRESS alone selects Ray

    import polars as pl
    from polars.testing import assert_frame_equal

    for name in OUTPUTS:
        local, ray = (tmp_path / w / name for w in ("local", "ray"))
        assert_frame_equal(pl.read_parquet(local), pl.read_parquet(ray))  # a readable difference first
        assert local.read_bytes() == ray.read_bytes(), f"{name} differs between the local and the Ray run"
    transcripts = pl.read_parquet(tmp_path / "ray" / "transcripts.parquet")
    assert transcripts["call_id"].to_list() == ["C0", "C1", "C2"] and all(transcripts["text"].str.len_chars() > 10)
    assert transcripts["text"][0] == transcripts["text"][2]  # C2 is a copy of C0: decoded once, relabelled
    q_asr = pl.read_parquet(tmp_path / "ray" / "quarantine" / "asr.parquet")
    assert dict(zip(q_asr["item"], q_asr["reason"], strict=True)) == {
        "C3": "zero_bytes", "C4": "not_audio", "C9": "missing"}
    reads = pl.read_parquet(tmp_path / "ray" / "label_reads.parquet")
    assert reads["return_id"].to_list() == ["R0", "R1", "R2", "R3"]
    assert reads["fraud_match"].to_list() == [False, True, False, False]
    q_vision = pl.read_parquet(tmp_path / "ray" / "quarantine" / "vision.parquet")
    assert dict(zip(q_vision["item"], q_vision["reason"], strict=True)) == {"B1": "empty_file", "B2": "unreadable"}
    _assert_only_local_connections(ray_cluster)

    # the nightly build's media stages, on the cluster through RAY_ADDRESS: the same outputs again
    result = CliRunner().invoke(app, ["nightly", "--date", media_day.name, "--raw", str(media_day.parent),
                                      "--work", str(tmp_path / "nightly"), "--only", "asr,vision"])
    assert result.exit_code == 0, result.output
    for name in OUTPUTS:
        assert (tmp_path / "local" / name).read_bytes() == (tmp_path / "nightly" / media_day.name / name).read_bytes(), \
            f"nightly {name} differs from the local run"


def test_a_lost_worker_s_items_are_retried_and_both_nodes_work(ray_cluster: RayCluster, tmp_path: Path) -> None:
    marker = tmp_path / "crashed"
    executor = RayExecutor(RayConfig(address=ray_cluster.address, workers=2, max_retries=2))
    results = dict(executor.map_unordered(CrashOnce(str(marker), crash_on=5), list(range(12))))
    assert marker.exists(), "the worker did not crash: nothing was retried"
    assert {i: r[0] for i, r in results.items()} == {i: i * i for i in range(12)}
    assert int(marker.read_text()) not in {r[1] for r in results.values()} or len(
        {r[1] for r in results.values()}) > 2  # a restarted actor (new process) finished the work
    assert len(executor.nodes) == 2 and sum(executor.nodes.values()) == 12  # 1 CPU per node: one actor on each


def _assert_only_local_connections(cluster: RayCluster) -> None:
    """No process of the cluster holds a connection to an address that is not this machine's."""
    own = {_ip(a.address) for addrs in psutil.net_if_addrs().values()
           for a in addrs if a.family.name in ("AF_INET", "AF_INET6")}
    remote = set()
    for pid in cluster.pids():
        try:
            conns = psutil.Process(pid).net_connections(kind="inet")
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        remote |= {c.raddr.ip for c in conns if c.raddr and _ip(c.raddr.ip) not in own}
    assert not remote, f"the Ray cluster connected out to {remote}"


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    ip = ipaddress.ip_address(text.split("%")[0])
    return ip.ipv4_mapped or ip if isinstance(ip, ipaddress.IPv6Address) else ip
