"""The input contract: per source, the columns it must and may have, and which values are keys,
free text, timestamps or media paths (docs/ingest.md, "Input contract").

Only what the product cannot work without is required; an optional column that is absent reads
as null in every row. Ids are opaque strings of any format (stripped of surrounding whitespace).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FileContract:
    required: tuple[str, ...]  # a file without one of these stops with a message naming file and column
    optional: tuple[str, ...] = ()  # absent: null in every row
    keys: tuple[str, ...] = ()  # values that become indexed graph keys: at most max_key_chars
    texts: tuple[str, ...] = ()  # free text: at most max_text_chars
    timestamps: tuple[str, ...] = ()  # ISO 8601, with an offset or in the configured timezone
    media: str | None = None  # the column naming a file inside the day folder

    @property
    def columns(self) -> tuple[str, ...]:
        return (*self.required, *self.optional)


CONTRACT: dict[str, FileContract] = {
    "accounts.csv": FileContract(
        ("account_id", "created_at"), ("phone", "register_ip", "register_device"),
        keys=("account_id", "phone", "register_ip", "register_device"), timestamps=("created_at",)),
    "orders.csv": FileContract(
        ("order_id", "account_id", "seller_id", "amount", "created_at"),
        ("coupon_id", "ship_address", "ship_phone", "device_id", "ip"),
        keys=("order_id", "account_id", "seller_id", "coupon_id", "ship_phone", "device_id", "ip"),
        texts=("ship_address",), timestamps=("created_at",)),
    "returns.csv": FileContract(
        ("return_id", "order_id", "account_id", "created_at"), ("reason", "photo"),
        keys=("return_id", "order_id", "account_id"), texts=("reason", "photo"), timestamps=("created_at",),
        media="photo"),
    "calls.csv": FileContract(
        ("call_id", "started_at"), ("caller_phone", "account_id", "audio", "language"),
        keys=("call_id", "caller_phone", "account_id", "language"), texts=("audio",), timestamps=("started_at",), media="audio"),
    # optional reference files (absent: empty outputs)
    "reference/labels.csv": FileContract(("account_id", "label"), ("source",), keys=("account_id", "label", "source")),
    "reference/fraud_addresses.csv": FileContract(("address",), ("source", "first_seen"), keys=("source",),
                                                  texts=("address",)),
    # clicks/*.jsonl, per line; a line missing a required field is quarantined (missing_field)
    "clicks": FileContract(
        ("account_id", "session_id", "ts", "event"), ("device_id", "ip", "user_agent", "page", "dwell_ms"),
        keys=("account_id", "session_id", "device_id", "ip"), texts=("user_agent", "event", "page"),
        timestamps=("ts",)),
}
CSV_SOURCES = tuple(s for s in CONTRACT if s.endswith(".csv"))


def contract_header(header: Sequence[str], renames: Mapping[str, str]) -> list[str]:
    """An export's header under contract names (`renames`: contract name -> export name, as
    `IngestConfig.renames` gives): for the readers outside ingest (asr/, vision/) of the same files."""
    back = {theirs: ours for ours, theirs in renames.items() if ours != theirs}
    return [back.get(h.strip(), h.strip()) for h in header]
