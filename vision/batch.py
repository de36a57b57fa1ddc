"""The day's batch: returns.csv → label_reads.parquet + quarantine, resumable by content hash.

Read (returns.csv, photo bytes) → process (a process pool of LabelReaders, one Tesseract thread
each) → write (parquet via temp file + os.replace). Every photo's outcome, good or bad, is
checkpointed under WORK_DIR/.cache/vision/<sha256>.json as soon as it is known, so a crashed or
interrupted run resumes where it stopped and a re-run over the same photos reads nothing again.
"""

from __future__ import annotations

import csv
import hashlib
import json
import logging
import multiprocessing as mp
import os
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import polars as pl

from ingest.contract import contract_header
from ingest.errors import InputError, MediaPathError
from ingest.media import media_path
from vision.errors import BadPhotoError
from vision.images import DEFAULT_MAX_PIXELS, decode_photo
from vision.records import LabelRead

log = logging.getLogger(__name__)

RETURNS_COLUMNS = ("return_id", "order_id", "account_id", "reason", "photo", "created_at")
QUARANTINE_COLUMNS = ("stage", "source", "item", "line", "reason", "detail")
CACHE_VERSION = 4  # bump when a LabelRead row's meaning changes: old checkpoints are then ignored (2: band OCR, 3: + sender band, 4: layout reader)


@dataclass(frozen=True)
class ReturnPhoto:
    return_id: str
    photo: str  # relative to the day folder, as written in returns.csv
    line: int  # 1-based line in returns.csv (header is line 1)


@dataclass(frozen=True)
class ReaderSpec:
    """Everything a worker process needs to build its own LabelReader (picklable)."""

    weights: Path
    imgsz: int | None = None  # detector input size; None: what the weights were trained at
    lang: str = "chi_sim"  # first OCR language; Latin-only labels are re-read with eng
    fraud_csv: Path | None = None
    fraud_threshold: float = 92.0
    max_pixels: int = DEFAULT_MAX_PIXELS
    read_sender: bool = True  # write the sender fields (the whole label is read either way; the graph joins on the recipient)


@dataclass(frozen=True)
class BatchResult:
    reads: int  # rows in label_reads.parquet
    quarantined: int
    reused: int  # outcomes taken from checkpoints instead of recomputed
    out: Path
    quarantine: Path


def read_returns(day_dir: Path, columns: Mapping[str, str] | None = None
                 ) -> tuple[list[ReturnPhoto], list[dict[str, Any]]]:
    """Rows of returns.csv with a photo, and quarantine rows for photos without a return_id
    (a return without a photo is not bad data: ingest counts those)."""
    path = day_dir / "returns.csv"
    if not path.is_file():
        raise InputError(f"{path} not found; a day folder must hold returns.csv")
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        reader.fieldnames = contract_header(reader.fieldnames or [], columns or {})  # [ingest.columns] applied
        missing = [c for c in ("return_id", "photo") if c not in (reader.fieldnames or [])]
        if missing:
            raise InputError(f"{path} lacks the required column(s) {', '.join(missing)}")
        items, bad = [], []
        for n, row in enumerate(reader, start=2):
            rid, photo = (row.get("return_id") or "").strip(), (row.get("photo") or "").strip()
            if rid and photo:
                items.append(ReturnPhoto(rid, photo, n))
            elif photo:
                bad.append(_quarantine("returns.csv", rid, n, "missing_field", "return_id is empty"))
    return items, bad


def _quarantine(source: str, item: str, line: int, reason: str, detail: str) -> dict[str, Any]:
    return {"stage": "vision", "source": source, "item": item, "line": line, "reason": reason, "detail": detail}


def label_read_row(read: LabelRead) -> dict[str, Any]:
    """The parquet columns of one read (return_id, photo, content_hash are added by the job)."""
    f, r, s = read.fields, read.fields.recipient, read.fields.sender
    parts = asdict(r.address_parts) if r.address_parts else {}
    return {
        "label_box": asdict(read.label),
        "address_block_box": asdict(read.address_block) if read.address_block else None,
        "skew_deg": read.skew_deg,
        "ocr_lines": [asdict(ln) for ln in read.lines],
        "language": f.language,
        "tracking_no": f.tracking_no,
        "recipient_name": r.name,
        "recipient_phone_raw": r.phone_raw,
        "recipient_phone": r.phone,
        "recipient_address": r.address,
        "address_key": r.address_key,
        **{f"address_{k}": parts.get(k, "") for k in ("province", "city", "district", "street", "number",
                                                      "unit", "postcode")},
        "sender_name": s.name if s else None,
        "sender_phone": s.phone if s else None,
        "sender_address": s.address if s else None,
        "sender_address_key": s.address_key if s else None,
        "fraud_match": read.fraud is not None,
        "fraud_entry": read.fraud.entry if read.fraud else None,
        "fraud_entry_key": read.fraud.entry_key if read.fraud else None,
        "fraud_score": read.fraud.score if read.fraud else None,
        "fraud_row": read.fraud.row if read.fraud else None,
    }


# --- worker side ------------------------------------------------------------------------------

_READER: Any = None
_SPEC: ReaderSpec | None = None


def init_worker(spec: ReaderSpec) -> None:
    """Build this process's reader once (model load, Tesseract check) before it takes photos."""
    global _READER, _SPEC
    from vision.detector import DetectorConfig, LabelDetector
    from vision.fraud import read_fraud_addresses
    from vision.ocr import OcrConfig, TesseractOcr
    from vision.reader import LabelReader

    fraud = read_fraud_addresses(spec.fraud_csv, spec.fraud_threshold) if spec.fraud_csv else None
    _READER = LabelReader(LabelDetector(DetectorConfig(spec.weights, spec.imgsz)),
                          TesseractOcr(OcrConfig(lang=spec.lang, threads=1)), fraud, read_sender=spec.read_sender)
    _SPEC = spec


def process_photo(data: bytes) -> dict[str, Any]:
    """One photo's outcome: {"ok": row} or {"bad": (reason, detail)}. Never raises."""
    assert _READER is not None and _SPEC is not None, "init_worker did not run"
    try:
        return {"ok": label_read_row(_READER.read(decode_photo(data, _SPEC.max_pixels)))}
    except BadPhotoError as e:
        return {"bad": [e.reason, e.detail]}
    except Exception as e:  # one photo's surprise must not stop the day; it is quarantined with its type
        log.exception("photo failed")
        return {"bad": ["error", f"{type(e).__name__}: {e}"]}


# --- the job ----------------------------------------------------------------------------------

def _checkpoint(cache: Path, digest: str, spec: ReaderSpec) -> Path:
    # a recipient-only read is a different result from a full one: never reuse one for the other
    return cache / f"{digest}.v{CACHE_VERSION}{'' if spec.read_sender else '-recipient'}.json"


def _write_json(path: Path, obj: Any) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(obj, ensure_ascii=False))
    os.replace(tmp, path)


def _run(spec: ReaderSpec, todo: dict[str, bytes], workers: int) -> Iterator[tuple[str, dict[str, Any]]]:
    """(digest, outcome) as photos finish; in-process when workers == 1 (no pool start-up)."""
    if workers <= 1:
        init_worker(spec)
        for digest, data in todo.items():
            yield digest, process_photo(data)
        return
    # spawn: the parent may already hold torch/OpenMP state that must not be forked
    with ProcessPoolExecutor(workers, mp_context=mp.get_context("spawn"), initializer=init_worker,
                             initargs=(spec,)) as pool:
        pending: dict[Future[dict[str, Any]], str] = {pool.submit(process_photo, d): k for k, d in todo.items()}
        while pending:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for fut in done:
                yield pending.pop(fut), fut.result()


def write_parquet(df: pl.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    df.write_parquet(tmp)
    os.replace(tmp, path)


def read_day(day_dir: Path, work_dir: Path, spec: ReaderSpec, workers: int = 2,
             on_total: Callable[[int], None] | None = None,
             on_done: Callable[[int], None] | None = None, columns: Mapping[str, str] | None = None) -> BatchResult:
    """Read every return photo of a day; write WORK_DIR/label_reads.parquet and quarantine/vision.parquet."""
    items, quarantine = read_returns(day_dir, columns)
    cache = work_dir / ".cache" / "vision"
    cache.mkdir(parents=True, exist_ok=True)
    digests: dict[ReturnPhoto, str] = {}
    todo: dict[str, bytes] = {}
    outcomes: dict[str, dict[str, Any]] = {}
    for item in items:
        try:
            data = media_path(day_dir, item.photo).read_bytes()  # confined to the day folder before it is opened
        except MediaPathError as e:
            quarantine.append(_quarantine("returns.csv", item.return_id, item.line, e.reason, e.detail))
            continue
        except OSError as e:
            quarantine.append(_quarantine(item.photo, item.return_id, item.line, "unreadable", e.strerror or str(e)))
            continue
        digest = hashlib.sha256(data).hexdigest()
        digests[item] = digest
        ck = _checkpoint(cache, digest, spec)
        if digest in outcomes or digest in todo:
            continue
        if ck.is_file():
            outcomes[digest] = json.loads(ck.read_text())
        else:
            todo[digest] = data
    reused = len(outcomes)
    if on_total:
        on_total(len(digests))
    if on_done and reused:
        on_done(sum(1 for d in digests.values() if d in outcomes))
    for digest, outcome in _run(spec, todo, workers) if todo else ():
        _write_json(_checkpoint(cache, digest, spec), outcome)
        outcomes[digest] = outcome
        if on_done:
            on_done(sum(1 for d in digests.values() if d == digest))
    rows = []
    for item, digest in digests.items():
        outcome = outcomes[digest]
        if "ok" in outcome:
            rows.append({"return_id": item.return_id, "photo": item.photo, "content_hash": digest, **outcome["ok"]})
        else:
            reason, detail = outcome["bad"]
            quarantine.append(_quarantine(item.photo, item.return_id, item.line, reason, detail))
    out = work_dir / "label_reads.parquet"
    qpath = work_dir / "quarantine" / "vision.parquet"
    write_parquet(pl.DataFrame(rows, infer_schema_length=None) if rows else pl.DataFrame({"return_id": [], "photo": []},
                                                                 schema={"return_id": pl.Utf8, "photo": pl.Utf8}), out)
    write_parquet(pl.DataFrame(quarantine, schema={c: (pl.Int64 if c == "line" else pl.Utf8)
                                                   for c in QUARANTINE_COLUMNS}), qpath)
    log.info("vision: %d reads, %d quarantined, %d reused from checkpoints", len(rows), len(quarantine), reused)
    return BatchResult(len(rows), len(quarantine), reused, out, qpath)
