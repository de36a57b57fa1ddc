"""The ring-alert contract: RingAlert <-> JSON, validated against ring_alert.v1.schema.json."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

import jsonschema

from alerts.errors import AlertSchemaError, AlertsError
from alerts.model import (
    SCHEMA_ID,
    SCHEMA_VERSION,
    AlertEvidence,
    AlertMember,
    Indicators,
    RingAlert,
)

SCHEMA_PATH = Path(__file__).resolve().parent / f"ring_alert.v{SCHEMA_VERSION}.schema.json"


@lru_cache(maxsize=1)
def _validator() -> jsonschema.protocols.Validator:
    schema = json.loads(SCHEMA_PATH.read_text())
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def validate(doc: dict[str, Any]) -> None:
    """Raise AlertSchemaError naming the first failing field if `doc` is not a valid v1 alert."""
    error = jsonschema.exceptions.best_match(_validator().iter_errors(doc))
    if error is not None:
        where = "/".join(str(p) for p in error.absolute_path) or "(top level)"
        raise AlertSchemaError(f"ring alert {doc.get('ring_id', '?')!r} breaks {SCHEMA_PATH.name} at {where}: "
                               f"{error.message}")


def to_dict(alert: RingAlert) -> dict[str, Any]:
    """The JSON document of one alert (evidence grouped by modality, in input order)."""
    evidence: dict[str, list[dict[str, Any]]] = {}
    for e in alert.evidence:
        evidence.setdefault(e.modality, []).append({"kind": e.kind, "value": e.value, "accounts": list(e.accounts),
                                                    "confidence": e.confidence, "detail": e.detail})
    return {
        "schema": SCHEMA_ID, "version": SCHEMA_VERSION,
        "ring_id": alert.ring_id, "kind": alert.kind, "score": alert.score,
        "members": [{"account_id": m.account_id, "score": m.score, "role": m.role} for m in alert.members],
        "evidence": evidence,
        "indicators": {"devices": list(alert.indicators.devices), "address_keys": list(alert.indicators.address_keys),
                       "phones": list(alert.indicators.phones)},
        "model_version": alert.model_version, "build_id": alert.build_id, "detected_at": alert.detected_at,
    }


def from_dict(doc: dict[str, Any]) -> RingAlert:
    """Validate, then build the typed alert."""
    validate(doc)
    ind = doc["indicators"]
    return RingAlert(
        ring_id=doc["ring_id"], kind=doc["kind"], score=float(doc["score"]),
        members=tuple(AlertMember(m["account_id"], float(m["score"]), m["role"]) for m in doc["members"]),
        evidence=tuple(AlertEvidence(modality, e["kind"], e["value"], tuple(e["accounts"]), float(e["confidence"]),
                                     e["detail"])
                       for modality, items in doc["evidence"].items() for e in items),
        indicators=Indicators(tuple(ind["devices"]), tuple(ind["address_keys"]), tuple(ind["phones"])),
        model_version=doc["model_version"], build_id=doc["build_id"], detected_at=doc["detected_at"])


def dumps(alert: RingAlert) -> str:
    """One JSON line (UTF-8 text, no trailing newline)."""
    return json.dumps(to_dict(alert), ensure_ascii=False, separators=(",", ":"))


def json_object(raw: str | bytes, what: str, error: type[AlertsError]) -> dict[str, Any]:
    """Parse one JSON object, or raise `error` saying why `what` ("an event") is not one."""
    try:
        doc = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise error(f"not valid JSON: {e}") from e
    if not isinstance(doc, dict):
        raise error(f"{what} must be a JSON object, got {type(doc).__name__}")
    return doc


def loads(line: str | bytes) -> RingAlert:
    return from_dict(json_object(line, "a ring alert", AlertSchemaError))
