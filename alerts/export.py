"""Ring alerts out of the graph: StoredRing -> RingAlert -> JSON lines, Parquet or CSV.

Read (graph.alerts_query) -> build (pure, here) -> write (temp file + os.replace, so a crash
never leaves a half-written export that a scorer would load).
"""

from __future__ import annotations

import csv
import json
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import IO, Any

from alerts import schema
from alerts.errors import AlertsError
from alerts.model import AlertEvidence, AlertMember, Indicators, RingAlert
from graph.alerts_query import StoredRing
from ingest.atomic import atomic_write
from ingest.normalize import address_key, normalize_phone

log = logging.getLogger(__name__)

FORMATS = ("jsonl", "parquet", "csv")
_ADDRESS_KEY = re.compile(r"^(zh|en)\|")
# Flat columns of the Parquet and CSV exports; `alert_json` holds the whole validated document.
COLUMNS = ("ring_id", "kind", "score", "size", "member_ids", "devices", "address_keys", "phones",
           "model_version", "build_id", "detected_at", "alert_json")


def indicators_of(evidence: Sequence[AlertEvidence]) -> Indicators:
    """Devices, address keys and E.164 phones named by the evidence, in first-seen order.

    Addresses come from address/parcel evidence or any kind mentioning an address (drop_address);
    a value that is not yet a key is normalized with ingest's address_key. Phones come from phone
    and call evidence and are normalized with normalize_phone; unrecognized phones are dropped.
    """
    devices: dict[str, None] = {}
    addresses: dict[str, None] = {}
    phones: dict[str, None] = {}
    for e in evidence:
        if not e.value:
            continue
        if e.modality == "device":
            devices[e.value] = None
        elif e.modality in ("address", "parcels") or "address" in e.kind:
            addresses[e.value if _ADDRESS_KEY.match(e.value) else address_key(e.value)] = None
        elif e.modality in ("phone", "calls") or "phone" in e.kind:
            if (p := normalize_phone(e.value)) is not None:
                phones[p] = None
    return Indicators(tuple(devices), tuple(addresses), tuple(phones))


def build_alert(stored: StoredRing) -> RingAlert:
    """The alert of one stored ring; raises AlertSchemaError if it would break the schema."""
    r = stored.ring
    evidence = tuple(AlertEvidence(e.modality, e.kind, e.value, tuple(e.accounts), float(e.confidence), e.detail)
                     for e in r.evidence)
    alert = RingAlert(ring_id=r.ring_id, kind=r.kind, score=float(r.score),
                      members=tuple(AlertMember(m.account_id, float(m.score), m.role) for m in r.members),
                      evidence=evidence, indicators=indicators_of(evidence), model_version=stored.model_version,
                      build_id=stored.build_id, detected_at=r.detected_at)
    schema.validate(schema.to_dict(alert))
    return alert


def build_alerts(rings: Iterable[StoredRing]) -> tuple[list[RingAlert], list[tuple[str, str]]]:
    """Alerts for every ring that validates, and (ring_id, reason) for each one quarantined."""
    alerts: list[RingAlert] = []
    rejected: list[tuple[str, str]] = []
    for stored in rings:
        try:
            alerts.append(build_alert(stored))
        except Exception as e:  # per-item: quarantine the ring with its reason, export the rest
            log.warning("ring %s not exported: %s", stored.ring.ring_id, e)
            rejected.append((stored.ring.ring_id, str(e)))
    return alerts, rejected


def write_alerts(alerts: Sequence[RingAlert], fmt: str, out: Path) -> int:
    """Write `alerts` to `out` atomically in `fmt` (jsonl | parquet | csv); returns the count."""
    writers: dict[str, Callable[[Sequence[RingAlert], IO[bytes]], None]] = {
        "jsonl": _write_jsonl, "parquet": _write_parquet, "csv": _write_csv}
    if fmt not in writers:
        raise AlertsError(f"unknown alert format {fmt!r}: choose one of {', '.join(FORMATS)}")
    with atomic_write(out) as f:
        writers[fmt](alerts, f)
    return len(alerts)


def read_alerts_jsonl(path: Path) -> list[RingAlert]:
    """Every alert of a JSON-lines export (each validated); a bad line raises AlertSchemaError
    naming the file and line: an alert file is produced by us, so damage means stop, not skip."""
    alerts = []
    with open(path, "rb") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    alerts.append(schema.loads(line))
                except AlertsError as e:
                    raise type(e)(f"{path}:{n}: {e}") from e
    return alerts


def _write_jsonl(alerts: Sequence[RingAlert], f: IO[bytes]) -> None:
    for a in alerts:
        f.write(schema.dumps(a).encode() + b"\n")


def _row(a: RingAlert) -> dict[str, Any]:
    return {"ring_id": a.ring_id, "kind": a.kind, "score": a.score, "size": len(a.members),
            "member_ids": [m.account_id for m in a.members], "devices": list(a.indicators.devices),
            "address_keys": list(a.indicators.address_keys), "phones": list(a.indicators.phones),
            "model_version": a.model_version, "build_id": a.build_id, "detected_at": a.detected_at,
            "alert_json": schema.dumps(a)}


def _write_parquet(alerts: Sequence[RingAlert], f: IO[bytes]) -> None:
    import pyarrow as pa  # lazy: the scorer never needs it
    import pyarrow.parquet as pq

    lists = pa.list_(pa.string())
    arrow_schema = pa.schema([("ring_id", pa.string()), ("kind", pa.string()), ("score", pa.float64()),
                              ("size", pa.int32()), ("member_ids", lists), ("devices", lists),
                              ("address_keys", lists), ("phones", lists), ("model_version", pa.string()),
                              ("build_id", pa.string()), ("detected_at", pa.string()), ("alert_json", pa.string())])
    pq.write_table(pa.Table.from_pylist([_row(a) for a in alerts], schema=arrow_schema), f)


def _write_csv(alerts: Sequence[RingAlert], f: IO[bytes]) -> None:
    """List cells are JSON arrays (address keys contain '|', so no join character is safe)."""
    import io

    text = io.TextIOWrapper(f, encoding="utf-8", newline="")
    w = csv.DictWriter(text, fieldnames=COLUMNS)
    w.writeheader()
    for a in alerts:
        w.writerow({k: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v for k, v in _row(a).items()})
    text.flush()
    text.detach()
