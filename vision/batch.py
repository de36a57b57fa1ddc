"""The day's batch: returns.csv → label_reads.parquet + quarantine, resumable by content hash.

Read (returns.csv, photo bytes) → process (an `ingest.executor` Executor of LabelReaders, one
Tesseract thread each: local processes by default, Ray actors on a cluster) → write (parquet via
temp file + os.replace). Every photo's outcome, good or bad, is checkpointed under
WORK_DIR/.cache/vision/<sha256>.json as soon as it is known, so a crashed or interrupted run
resumes where it stopped and a re-run over the same photos reads nothing again.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ingest.atomic import write_text_atomic
from ingest.errors import MediaPathError
from ingest.executor import Executor, local_executor, read_verified
from ingest.media import media_path
from ingest.media_items import PhotoItem, photo_items
from ingest.quarantine import QuarantineItem, quarantine_frame, write_quarantine
from ingest.rules import ReadSpec
from vision.engines import check_names
from vision.errors import BadPhotoError
from vision.images import DEFAULT_MAX_PIXELS, decode_photo
from vision.tables import LABEL_READS_FILE, QUARANTINE_FILE, label_read_row, write_label_reads

if TYPE_CHECKING:
    from vision.reader import LabelReader

log = logging.getLogger(__name__)

STAGE = "vision"
CACHE_VERSION = 5  # bump when a LabelRead row's meaning changes: old checkpoints are then ignored (2: band OCR, 3: + sender band, 4: layout reader, 5: scores in [0, 1])


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
    detector: str = "yolo"  # a name in vision.engines.DETECTORS
    ocr: str = "tesseract"  # a name in vision.engines.OCR_ENGINES


@dataclass(frozen=True)
class BatchResult:
    reads: int  # rows in label_reads.parquet
    quarantined: int
    reused: int  # outcomes taken from checkpoints instead of recomputed
    out: Path
    quarantine: Path


def _quarantine(source: str, item: str, line: int, reason: str, detail: str) -> QuarantineItem:
    return QuarantineItem(STAGE, source, item, line, reason, detail)


# --- worker side ------------------------------------------------------------------------------

@dataclass(frozen=True)
class PhotoTask:
    """One distinct photo to read: by path (shared storage on a cluster) and the sha256 it must have."""

    path: str  # absolute, as the planner resolved it inside the day folder
    digest: str


@dataclass(frozen=True)
class PhotoReading:
    """Worker factory (`ingest.executor`): builds the reader once per worker process, then reads photos."""

    spec: ReaderSpec

    def __call__(self) -> Callable[[PhotoTask], dict[str, Any]]:
        from vision.engines import make_detector, make_ocr
        from vision.fraud import read_fraud_addresses
        from vision.reader import LabelReader

        spec = self.spec
        fraud = read_fraud_addresses(spec.fraud_csv, spec.fraud_threshold) if spec.fraud_csv else None
        reader = LabelReader(make_detector(spec.detector, spec.weights, spec.imgsz), make_ocr(spec.ocr, spec.lang),
                             fraud, read_sender=spec.read_sender)

        def read(task: PhotoTask) -> dict[str, Any]:
            return process_photo(reader, read_verified(task.path, task.digest), spec.max_pixels)

        return read


def process_photo(reader: LabelReader, data: bytes, max_pixels: int) -> dict[str, Any]:
    """One photo's outcome: {"ok": row} or {"bad": (reason, detail)}. Never raises."""
    try:
        return {"ok": label_read_row(reader.read(decode_photo(data, max_pixels)))}
    except BadPhotoError as e:
        return {"bad": [e.reason, e.detail]}
    except Exception as e:  # one photo's surprise must not stop the day; it is quarantined with its type
        log.exception("photo failed")
        return {"bad": ["error", f"{type(e).__name__}: {e}"]}


# --- the job ----------------------------------------------------------------------------------

def _checkpoint(cache: Path, digest: str, spec: ReaderSpec) -> Path:
    # a recipient-only read is a different result from a full one: never reuse one for the other
    engines = "" if (spec.detector, spec.ocr) == ("yolo", "tesseract") else f"-{spec.detector}-{spec.ocr}"
    return cache / f"{digest}.v{CACHE_VERSION}{engines}{'' if spec.read_sender else '-recipient'}.json"


def _write_json(path: Path, obj: Any) -> None:
    write_text_atomic(path, json.dumps(obj, ensure_ascii=False))


def read_day(day_dir: Path, work_dir: Path, spec: ReaderSpec, workers: int = 2,
             on_total: Callable[[int], None] | None = None,
             on_done: Callable[[int], None] | None = None, read: ReadSpec | None = None,
             executor: Executor | None = None) -> BatchResult:
    """Read every return photo of a day; write WORK_DIR/label_reads.parquet and quarantine/vision.parquet.

    `executor` runs the distinct new photos (default: `workers` local processes, in-process for 1).
    """
    check_names(spec.detector, spec.ocr)
    items, quarantine = photo_items(day_dir, read, STAGE)  # ingest reads returns.csv for every stage
    cache = work_dir / ".cache" / "vision"
    cache.mkdir(parents=True, exist_ok=True)
    digests: dict[PhotoItem, str] = {}
    todo: dict[str, Path] = {}
    outcomes: dict[str, dict[str, Any]] = {}
    for item in items:
        try:
            path = media_path(day_dir, item.photo)  # confined to the day folder before it is opened
            data = path.read_bytes()
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
            todo[digest] = path
    reused = len(outcomes)
    if on_total:
        on_total(len(digests))
    if on_done and reused:
        on_done(sum(1 for d in digests.values() if d in outcomes))
    tasks = [PhotoTask(str(path), digest) for digest, path in todo.items()]
    for i, outcome in (executor or local_executor(workers)).map_unordered(PhotoReading(spec), tasks):
        digest = tasks[i].digest
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
    out, qpath = work_dir / LABEL_READS_FILE, work_dir / QUARANTINE_FILE
    write_label_reads(rows, out)
    write_quarantine(qpath, [quarantine_frame(quarantine)])
    log.info("vision: %d reads, %d quarantined, %d reused from checkpoints", len(rows), len(quarantine), reused)
    return BatchResult(len(rows), len(quarantine), reused, out, qpath)
