"""Fuzzy match of a label's address against the historical fraud-address list (rapidfuzz).

Both sides go through ingest.normalize.address_key first, so formatting variants score 100;
the fuzzy part absorbs OCR slips and small deliberate misspellings. Keys of neighbouring units
(1201 vs 1202) also score high: the threshold trades that against OCR noise (see docs/vision.md).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from rapidfuzz import fuzz, process

from ingest.errors import InputError
from ingest.normalize import address_key
from vision.records import FraudMatch


@dataclass(frozen=True)
class FraudEntry:
    row: int  # 0-based data row in the csv
    address: str
    key: str


class FraudAddressIndex:
    def __init__(self, entries: list[FraudEntry], threshold: float = 92.0) -> None:
        self.entries = entries
        self.threshold = threshold  # minimum rapidfuzz ratio (0..100) of the two keys
        self._keys = [e.key for e in entries]

    def match(self, key: str) -> FraudMatch | None:
        """The best entry whose key scores >= threshold against `key`, else None."""
        if not key or not self._keys:
            return None
        hit = process.extractOne(key, self._keys, scorer=fuzz.ratio, score_cutoff=self.threshold)
        if hit is None:
            return None
        _, score, idx = hit
        e = self.entries[idx]
        return FraudMatch(entry=e.address, entry_key=e.key, score=round(float(score), 2), row=e.row)


def read_fraud_addresses(path: Path, threshold: float = 92.0) -> FraudAddressIndex:
    """Load reference/fraud_addresses.csv (required column: address; others are ignored)."""
    if not path.is_file():
        raise InputError(f"{path} not found; the fraud-address list is reference/fraud_addresses.csv")
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if "address" not in (reader.fieldnames or []):
            raise InputError(f"{path} lacks the required column 'address'")
        entries = [FraudEntry(i, row["address"], address_key(row["address"]))
                   for i, row in enumerate(reader) if (row.get("address") or "").strip()]
    return FraudAddressIndex(entries, threshold)
