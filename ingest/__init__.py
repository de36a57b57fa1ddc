"""ingest: the day's raw files (input contract in docs/ingest.md) into typed Parquet tables.

Public surface: the two stages, their config and result, the output schemas, the shared
normalizers and the quarantine record other stages write. Names are imported on first use
(PEP 562): every package imports `ingest.errors`, and that must not pull in polars, pyarrow
and datasketch (seconds of start-up for a CLI that only prints its help).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

from ingest.errors import InputError, RiskgraphError

if TYPE_CHECKING:
    from ingest.config import IngestConfig
    from ingest.normalize import address_key, address_keys, normalize_phone, parse_address, parse_timestamp
    from ingest.pipeline import StageResult, ingest_clicks, ingest_orders
    from ingest.quarantine import QuarantineItem, write_quarantine
    from ingest.schema import OUTPUTS, QUARANTINE

_LAZY = {
    "IngestConfig": "ingest.config",
    "address_key": "ingest.normalize", "address_keys": "ingest.normalize", "normalize_phone": "ingest.normalize",
    "parse_address": "ingest.normalize", "parse_timestamp": "ingest.normalize",
    "StageResult": "ingest.pipeline", "ingest_clicks": "ingest.pipeline", "ingest_orders": "ingest.pipeline",
    "QuarantineItem": "ingest.quarantine", "write_quarantine": "ingest.quarantine",
    "OUTPUTS": "ingest.schema", "QUARANTINE": "ingest.schema",
}

__all__ = [
    "OUTPUTS", "QUARANTINE", "IngestConfig", "InputError", "QuarantineItem", "RiskgraphError", "StageResult",
    "address_key", "address_keys", "ingest_clicks", "ingest_orders", "normalize_phone", "parse_address",
    "parse_timestamp", "write_quarantine",
]


def __getattr__(name: str) -> object:
    if name in _LAZY:
        return getattr(import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'ingest' has no attribute {name!r}")
