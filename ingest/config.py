"""Tuning knobs and the export's description, passed down from the composition root (riskgraph/settings)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ingest.contract import CONTRACT


@dataclass(frozen=True)
class IngestConfig:
    # --- how the platform exports (docs/ingest.md, "Reading a real export") ---
    # IANA zone of timestamps written without an offset (2026-11-26T13:06:49). Needed only when such
    # timestamps appear: without it a file holding one stops with a message asking for it.
    timezone: str | None = None
    # {source: {contract column: export column}}, e.g. {"orders.csv": {"order_id": "OrderNo"}};
    # source "clicks" renames fields of the click JSON lines.
    columns: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # --- plausibility and limits (a row breaking one is quarantined before any database work) ---
    future_tolerance_hours: float = 24.0  # timestamps later than the end of the build date (UTC) + this
    max_key_chars: int = 256  # ids, phones, devices, IPs: values that become indexed graph keys
    max_text_chars: int = 2000  # free text: addresses, reasons, user agents, pages, media paths
    # --- behaviour links ---
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

    def __post_init__(self) -> None:
        if self.timezone is not None:
            try:
                ZoneInfo(self.timezone)
            except (ZoneInfoNotFoundError, ValueError) as e:
                raise ValueError(f"timezone {self.timezone!r} is not an IANA time zone name "
                                 "(e.g. \"Asia/Shanghai\", \"America/New_York\", \"UTC\")") from e
        for source, mapping in self.columns.items():
            if source not in CONTRACT:
                raise ValueError(f"columns: unknown source {source!r}; sources: {', '.join(CONTRACT)}")
            known = CONTRACT[source].columns
            for ours, theirs in mapping.items():
                if ours not in known:
                    raise ValueError(f"columns.{source}: {ours!r} is not a column of the contract "
                                     f"(known: {', '.join(known)})")
                if not isinstance(theirs, str) or not theirs.strip():
                    raise ValueError(f"columns.{source}.{ours}: the export's column name must be a non-empty string")

    def renames(self, source: str) -> dict[str, str]:
        """{contract column: export column} for `source` (identity for unmapped columns)."""
        mapped = dict(self.columns.get(source, {}))
        return {c: mapped.get(c, c) for c in CONTRACT[source].columns}
