"""ingest: the day's raw files (input contract in docs/ingest.md) into typed Parquet tables.

Public surface: the two stages, their config and result, the output schemas, the shared
normalizers and the quarantine record other stages write.
"""

from ingest.config import IngestConfig
from ingest.errors import InputError, RiskgraphError
from ingest.normalize import address_key, address_keys, normalize_phone, parse_address, parse_timestamp
from ingest.pipeline import StageResult, ingest_clicks, ingest_orders
from ingest.quarantine import QuarantineItem, write_quarantine
from ingest.schema import OUTPUTS, QUARANTINE

__all__ = [
    "OUTPUTS", "QUARANTINE", "IngestConfig", "InputError", "QuarantineItem", "RiskgraphError", "StageResult",
    "address_key", "address_keys", "ingest_clicks", "ingest_orders", "normalize_phone", "parse_address",
    "parse_timestamp", "write_quarantine",
]
