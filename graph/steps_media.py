"""Load steps for the media channels: call transcripts (asr/) and parcel-label reads (vision/).

The files and their columns are the ones asr/ and vision/ declare (asr.tables, vision.tables);
their values arrive normalized (OCR confidences and fraud scores in [0, 1]). Confidence on
relationships: the mean OCR line confidence for label reads; for calls, exp(avg_logprob) of the
transcript (Whisper's mean token probability).
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from asr.tables import TRANSCRIPTS_FILE
from graph.loader import LoadStep, parquet_rows
from vision.tables import LABEL_READS_FILE

CALLS = """
UNWIND $rows AS r
MERGE (c:Call {call_id: r.call_id})
SET c.language = r.language, c.text = r.text, c.intents = r.intents, c.keywords = r.keywords,
    c.started_at = r.started_at, c.date = $date, c.audio = r.audio, c.duration_s = r.duration_s,
    c.confidence = r.confidence, c.model = r.model, c.backend = r.backend, c.build_id = $build_id
WITH c, r
CALL (c, r) {
  WITH c, r WHERE r.caller_phone IS NOT NULL
  MERGE (p:Phone {e164: r.caller_phone})
  MERGE (c)-[f:FROM_PHONE {source: $source}]->(p) SET f.build_id = $build_id, f.confidence = 1.0
}
CALL (c, r) {
  WITH c, r WHERE r.account_id IS NOT NULL
  MERGE (a:Account {account_id: r.account_id})
  MERGE (a)-[m:MADE_CALL {source: $source}]->(c) SET m.build_id = $build_id, m.confidence = 1.0
}
CALL (c, r) {
  UNWIND r.phones AS ph
  MERGE (p:Phone {e164: ph.value})
  MERGE (c)-[m:MENTIONS {source: $source, kind: 'phone'}]->(p)
  SET m.text = ph.text, m.confidence = r.confidence, m.build_id = $build_id
}
CALL (c, r) {
  UNWIND r.orders AS od
  MATCH (o:Order {order_id: od.value})  // a misheard number must not invent an order
  MERGE (c)-[m:MENTIONS {source: $source, kind: 'order'}]->(o)
  SET m.text = od.text, m.confidence = r.confidence, m.build_id = $build_id
}
CALL (c, r) {
  UNWIND r.keywords AS w
  MERGE (k:Keyword {word: w})
  MERGE (c)-[m:MENTIONS {source: $source, kind: 'keyword'}]->(k)
  SET m.confidence = r.confidence, m.build_id = $build_id
}
"""

PARCELS = """
UNWIND $rows AS r
MERGE (pc:Parcel {parcel_id: r.return_id})
SET pc.photo = r.photo, pc.content_hash = r.content_hash, pc.ocr_text = r.ocr_text, pc.language = r.language,
    pc.tracking_no = r.tracking_no, pc.recipient_name = r.recipient_name, pc.skew_deg = r.skew_deg,
    pc.label_box = r.label_box, pc.ocr_confidence = r.confidence, pc.build_id = $build_id
MERGE (ret:Return {return_id: r.return_id})
MERGE (ret)-[h:HAS_PARCEL {source: 'returns'}]->(pc) SET h.build_id = $build_id, h.confidence = 1.0
WITH pc, r
CALL (pc, r) {
  WITH pc, r WHERE r.address_key IS NOT NULL
  MERGE (ad:Address {key: r.address_key}) ON CREATE SET ad.example = r.recipient_address
  MERGE (pc)-[l:LABEL_ADDRESS {source: $source}]->(ad)
  SET l.raw = r.recipient_address, l.confidence = r.confidence, l.build_id = $build_id,
      l.fraud_score = r.fraud_score, l.fraud_entry = r.fraud_entry
  SET ad.max_fraud_match = CASE WHEN coalesce(ad.max_fraud_match, 0.0) >= r.fraud_match_score
                                THEN coalesce(ad.max_fraud_match, 0.0) ELSE r.fraud_match_score END
}
CALL (pc, r) {
  WITH pc, r WHERE r.recipient_phone IS NOT NULL
  MERGE (p:Phone {e164: r.recipient_phone})
  MERGE (pc)-[l:LABEL_PHONE {source: $source}]->(p)
  SET l.raw = r.recipient_phone_raw, l.confidence = r.confidence, l.build_id = $build_id
}
"""

# The historical fraud-address list (reference/, via ingest/): flags Address nodes by key.
FRAUD_ADDRESSES = """
UNWIND $rows AS r
MERGE (ad:Address {key: r.address_key}) ON CREATE SET ad.example = r.address
SET ad.fraud_listed = true, ad.fraud_source = r.source, ad.max_fraud_match = 1.0
"""


def call_row(row: dict[str, Any]) -> dict[str, Any] | None:
    if not row.get("call_id"):
        return None
    conf = row.get("confidences") or {}
    logprob = conf.get("avg_logprob")
    entities = row.get("entities") or []
    return {
        "call_id": row["call_id"], "caller_phone": row.get("caller_phone"), "account_id": row.get("account_id") or None,
        "language": row.get("language"), "text": row.get("text"), "intents": list(row.get("intents") or []),
        "keywords": sorted(set(row.get("keywords") or [])), "started_at": str(row.get("started_at") or ""),
        "audio": row.get("audio"), "duration_s": row.get("duration_s"), "model": row.get("model"),
        "backend": row.get("backend"),
        "confidence": round(math.exp(logprob), 4) if logprob is not None else None,
        "phones": [{"value": e["value"], "text": e.get("text")} for e in entities if e.get("kind") == "phone" and e.get("value")],
        "orders": [{"value": e["value"], "text": e.get("text")} for e in entities if e.get("kind") == "order_id" and e.get("value")],
    }


def parcel_row(row: dict[str, Any]) -> dict[str, Any] | None:
    if not row.get("return_id"):
        return None
    lines = row.get("ocr_lines") or []
    confs = [float(x["confidence"]) for x in lines if x.get("confidence") is not None]
    box = row.get("label_box") or {}
    return {
        "return_id": row["return_id"], "photo": row.get("photo"), "content_hash": row.get("content_hash"),
        "ocr_text": "\n".join(str(x.get("text") or "") for x in lines), "language": row.get("language"),
        "tracking_no": row.get("tracking_no"), "recipient_name": row.get("recipient_name"),
        "skew_deg": row.get("skew_deg"),
        "label_box": [float(box.get(k) or 0.0) for k in ("x0", "y0", "x1", "y1")] if box else None,
        "confidence": round(sum(confs) / len(confs), 4) if confs else None,
        "address_key": row.get("address_key") or None, "recipient_address": row.get("recipient_address"),
        "recipient_phone": row.get("recipient_phone"), "recipient_phone_raw": row.get("recipient_phone_raw"),
        "fraud_score": row.get("fraud_score"), "fraud_entry": row.get("fraud_entry"),
        "fraud_match_score": float(row.get("fraud_score") or 0.0) if row.get("fraud_match") else 0.0,
    }


def media_steps(work: Path) -> list[LoadStep]:
    """Steps for one day's asr/ and vision/ outputs plus the fraud-address reference list."""
    return [
        LoadStep("fraud_addresses", "reference", FRAUD_ADDRESSES,
                 parquet_rows(work / "fraud_addresses.parquet", transform=lambda r: r if r.get("address_key") else None)),
        LoadStep("calls", "call_transcript", CALLS, parquet_rows(work / TRANSCRIPTS_FILE, transform=call_row), 500),
        LoadStep("parcels", "parcel_ocr", PARCELS, parquet_rows(work / LABEL_READS_FILE, transform=parcel_row), 1000),
    ]
