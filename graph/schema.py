"""The risk graph's schema: node labels, their keys, and the statements that enforce them.

Every node is keyed by one stable id with a uniqueness constraint, so `MERGE` on the key is the
entity-resolution step and a re-run can never duplicate a node.
"""

from __future__ import annotations

from typing import Final

BUILD_PREFIX: Final = "build-"


def build_id_for(date: str) -> str:
    """Deterministic per day, so a re-run writes identical property values."""
    return f"{BUILD_PREFIX}{date}"


# label -> key property
NODE_KEYS: Final[dict[str, str]] = {
    "Account": "account_id",
    "Device": "device_id",
    "IP": "ip",
    "Address": "key",  # ingest.normalize.address_key
    "Phone": "e164",  # ingest.normalize.normalize_phone
    "Order": "order_id",
    "Return": "return_id",
    "Parcel": "parcel_id",
    "Call": "call_id",
    "Keyword": "word",
    "Ring": "ring_id",
    "Build": "build_id",
}

# Relationship types that count as evidence between accounts (analyst paths walk only these).
EVIDENCE_RELS: Final[tuple[str, ...]] = (
    "USES_DEVICE", "USES_IP", "HAS_PHONE", "PLACED", "SHIPS_TO", "CONTACT_PHONE", "SOLD_BY", "BUYS_FROM",
    "REQUESTED", "FOR_ORDER", "HAS_PARCEL", "LABEL_ADDRESS", "LABEL_PHONE", "MADE_CALL", "FROM_PHONE",
    "MENTIONS", "BEHAVES_LIKE",
)
REL_TYPES: Final[tuple[str, ...]] = (*EVIDENCE_RELS, "HAS_MEMBER")

# (label, property) pairs that analysts and the export filter on
INDEXES: Final[tuple[tuple[str, str], ...]] = (
    ("Account", "created_at"),
    ("Order", "created_at"),
    ("Order", "build_id"),
    ("Return", "build_id"),  # graph.reload finds a day's nodes by build
    ("Call", "build_id"),
    ("Parcel", "build_id"),
    ("Call", "started_at"),
    ("Ring", "build_id"),
    ("Account", "score_build_id"),
)


def schema_statements() -> list[str]:
    """Idempotent DDL (IF NOT EXISTS). Labels and properties come from the constants above only."""
    stmts = [f"CREATE CONSTRAINT {label.lower()}_key IF NOT EXISTS FOR (n:{label}) REQUIRE n.{key} IS UNIQUE"
             for label, key in NODE_KEYS.items()]
    stmts += [f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})"
              for label, prop in INDEXES]
    return stmts
