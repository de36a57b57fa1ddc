"""A fast generator of click files with the simulator's shape (clicks/part-*.jsonl), with planted rings.

Used by bench/ingest_clicks.py (10 M events) and by tests/ingest (a few thousand events) until the
simulator's default day is available. Populations:
- browsers: humans wandering a large catalogue, human timing (log-normal dwell, irregular gaps);
- default-flow users: humans who only follow the app's default flow (home, search, top item, cart);
- a campus crowd: browsers behind one NAT IP;
- coupon_abuse rings: members replay one scripted path (ring-specific coupon and item pages) with
  machine-regular timing, on a few shared devices.

`python -m testing.clickgen OUT_DAY --events N` writes OUT_DAY/clicks/part-*.jsonl and
OUT_DAY/truth.csv (account_id, ring_id, population).
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

DEFAULT_FLOW = ("/home", "/search", "/item/top-1", "/cart", "/checkout")
EVENTS = np.array(["view", "click", "search", "add_to_cart", "claim_coupon", "pay"])
UAS = np.array([
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 ShopApp/8.2",
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36 ShopApp/8.2",
    "Mozilla/5.0 (Linux; Android 13; SM-S911B) AppleWebKit/537.36 Chrome/123.0 Mobile Safari/537.36 ShopApp/8.1",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/124.0 Safari/537.36",
])
EMULATOR_UA = "Mozilla/5.0 (Linux; Android 11; sdk_gphone_x86) AppleWebKit/537.36 Chrome/120.0 Mobile ShopApp/8.2"


@dataclass(frozen=True)
class GenConfig:
    events: int = 10_000
    ring_size: tuple[int, int] = (5, 15)
    ring_share: float = 0.05  # share of accounts in rings
    default_flow_share: float = 0.15
    campus_share: float = 0.10
    events_per_account: int = 60
    parts: int = 4
    seed: int = 7


def _populations(cfg: GenConfig, rng: np.random.Generator) -> pl.DataFrame:
    n_acc = max(20, cfg.events // cfg.events_per_account)
    ids = np.array([f"A{i:07d}" for i in range(n_acc)])
    pop = np.full(n_acc, "browser", dtype=object)
    ring = np.full(n_acc, -1)
    order = rng.permutation(n_acc)
    n_ring = max(cfg.ring_size[0] * 2, int(cfg.ring_share * n_acc))
    start, r = 0, 0
    while start < n_ring:
        size = int(rng.integers(cfg.ring_size[0], cfg.ring_size[1] + 1))
        members = order[start:start + size]
        pop[members], ring[members] = "ring", r
        start, r = start + size, r + 1
    n_def = int(cfg.default_flow_share * n_acc)
    pop[order[start:start + n_def]] = "default_flow"
    n_campus = int(cfg.campus_share * n_acc)
    pop[order[start + n_def:start + n_def + n_campus]] = "campus"
    return pl.DataFrame({"account_id": ids, "population": pop.astype(str), "ring_id": ring})


def _sessions(accts: pl.DataFrame, cfg: GenConfig, rng: np.random.Generator, first: int) -> pl.DataFrame:
    """One row per event, columns as numpy-friendly values, before formatting."""
    n = accts.height
    pop = accts.get_column("population").to_numpy()
    ring = accts.get_column("ring_id").to_numpy()
    per_acc = rng.poisson(cfg.events_per_account, n).clip(6)
    per_acc = (per_acc * cfg.events / per_acc.sum()).astype(np.int64).clip(6)
    acc = np.repeat(np.arange(n), per_acc)
    m = len(acc)
    # sessions: chunks of ~8-20 events per account (ring scripts are exactly 12 long)
    is_ring = pop[acc] == "ring"
    is_def = pop[acc] == "default_flow"
    pos_in_acc = np.arange(m) - np.repeat(np.cumsum(per_acc) - per_acc, per_acc)
    sess_len = np.where(is_ring, 12, np.where(is_def, len(DEFAULT_FLOW), 14))
    sess_local = pos_in_acc // sess_len
    step = pos_in_acc % sess_len
    # pages
    item = rng.integers(0, 200_000, m)
    browse_page = np.char.add("/item/", item.astype(str))
    wander = rng.random(m) < 0.3
    default_pages = np.array(DEFAULT_FLOW)
    page = np.where(wander, default_pages[rng.integers(0, len(DEFAULT_FLOW), m)], browse_page)
    event = EVENTS[rng.integers(0, 4, m)]
    page = np.where(is_def, default_pages[step % len(DEFAULT_FLOW)], page)
    event = np.where(is_def, "view", event)
    ring_r = ring[acc]
    script = np.array(["/login", "/coupon/center", "/coupon/R{r}", "/item/R{r}-a", "/cart", "/coupon/R{r}",
                       "/checkout", "/pay", "/orders", "/coupon/center", "/item/R{r}-b", "/logout"])
    script_ev = np.array(["view", "view", "claim_coupon", "view", "add_to_cart", "claim_coupon", "click", "pay",
                          "view", "view", "view", "click"])
    ring_page = np.char.replace(script[step % 12], "{r}", ring_r.astype(str))
    page = np.where(is_ring, ring_page, page)
    event = np.where(is_ring, script_ev[step % 12], event)
    # timing: humans log-normal, rings 1500 ms +- 3 %
    dwell = np.where(is_ring, 1500 * (1 + rng.normal(0, 0.03, m)), rng.lognormal(8.0, 0.9, m)).round()
    gap_ms = dwell + np.where(is_ring, 50, rng.exponential(2000, m))
    sess_global = (acc.astype(np.int64) + first) * 1000 + sess_local
    new_sess = np.r_[True, sess_global[1:] != sess_global[:-1]]
    sess_start = rng.integers(0, 80_000_000, m)  # ms into the day
    base = np.maximum.accumulate(np.where(new_sess, np.arange(m), 0))
    offs = np.cumsum(gap_ms) - np.cumsum(gap_ms)[base]
    ts_ms = sess_start[base] + offs
    # devices / ips
    device = np.char.add("D", (acc * 7 + 3).astype(str))
    device = np.where(is_ring, np.char.add("DR", (ring_r * 10 + acc % 3).astype(str)), device)
    ip_oct = (acc * 2654435761) % 2**24
    ip = np.char.add("10.", np.char.add((ip_oct >> 16).astype(str), np.char.add(".", np.char.add(
        ((ip_oct >> 8) % 256).astype(str), np.char.add(".", (ip_oct % 256).astype(str))))))
    ip = np.where(pop[acc] == "campus", "172.16.0.1", ip)
    ip = np.where(is_ring, np.char.add("100.64.9.", (ring_r % 250).astype(str)), ip)
    ua = np.where(is_ring & (ring_r % 2 == 0), EMULATOR_UA, UAS[acc % len(UAS)])
    return pl.DataFrame({
        "account_id": accts.get_column("account_id").to_numpy()[acc],
        "session_id": np.char.add("S", sess_global.astype(str)),
        "device_id": device, "ip": ip, "user_agent": ua,
        "ts_ms": ts_ms.astype(np.int64), "event": event, "page": page, "dwell_ms": dwell.astype(np.int64),
    })


def generate(out_day: Path, cfg: GenConfig) -> pl.DataFrame:
    """Write the click files; return the truth frame (account_id, population, ring_id)."""
    rng = np.random.default_rng(cfg.seed)
    accts = _populations(cfg, rng)
    clicks = out_day / "clicks"
    clicks.mkdir(parents=True, exist_ok=True)
    # accounts are split over parts in contiguous ranges, generated part by part to bound memory
    bounds = np.linspace(0, accts.height, cfg.parts + 1).astype(int)
    for p in range(cfg.parts):
        sub = accts.slice(bounds[p], bounds[p + 1] - bounds[p])
        part_cfg = GenConfig(**{**cfg.__dict__, "events": cfg.events * sub.height // accts.height})
        ev = _sessions(sub, part_cfg, np.random.default_rng(cfg.seed + p), int(bounds[p]))
        day0 = pl.datetime(2026, 11, 26, time_zone="Asia/Shanghai")
        ev = ev.with_columns((day0 + pl.duration(milliseconds=pl.col("ts_ms")))
                             .dt.strftime("%Y-%m-%dT%H:%M:%S%.3f%:z").alias("ts")).drop("ts_ms")
        ev = ev.sample(fraction=1.0, shuffle=True, seed=cfg.seed + p)  # platform logs interleave sessions
        ev.select("account_id", "session_id", "device_id", "ip", "user_agent", "ts", "event", "page",
                  "dwell_ms").write_ndjson(clicks / f"part-{p:04d}.jsonl")
    return accts


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out_day", type=Path)
    ap.add_argument("--events", type=int, default=10_000_000)
    ap.add_argument("--parts", type=int, default=10)
    args = ap.parse_args()
    truth = generate(args.out_day, GenConfig(events=args.events, parts=args.parts))
    truth.write_csv(args.out_day / "truth.csv")


if __name__ == "__main__":
    main()
