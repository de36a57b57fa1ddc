"""Tuning knobs of the ingest stages, passed down from the composition root (riskgraph/settings)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class IngestConfig:
    shingle_size: int = 3  # consecutive (event, page) steps per path shingle; sessions are padded at start
    num_perm: int = 128  # MinHash permutations (signature length)
    seed: int = 1  # MinHash seed: fixed so that re-runs give identical signatures
    # A shingle used by more than max(hub_min_accounts, hub_fraction * accounts) accounts is a
    # "popular default path" step: it is dropped before MinHash so that crowds following the app's
    # default flow do not look alike on that alone.
    hub_fraction: float = 0.02
    hub_min_accounts: int = 50
    # A session is machine-regular (scripted-looking) with >= regular_min_events steps whose step
    # times (dwell) vary by at most regular_max_cv; only those sessions' shingles enter the MinHash.
    regular_min_events: int = 4
    regular_max_cv: float = 0.10
    min_shingles: int = 3  # accounts with fewer kept shingles get no similarity links (too little evidence)
    # Two scripts run by different operators differ in their step time: a pair is linked only if the
    # accounts' regular step times differ by at most this much (|ln(a / b)|, ~ relative difference).
    step_tolerance: float = 0.04
    lsh_threshold: float = 0.5  # datasketch MinHashLSH Jaccard threshold for candidate pairs
    min_jaccard: float = 0.6  # candidate pairs below this estimated Jaccard are dropped
    # An LSH bucket holding more accounts than this is a crowd, not a ring: it yields no pairs
    # (a ring is tens of accounts; an all-pairs blow-up is never useful evidence).
    max_neighbours: int = 200
    click_block_bytes: int = 32 << 20  # bytes of JSONL parsed per chunk (bounds memory)
    csv_block_bytes: int = 16 << 20
