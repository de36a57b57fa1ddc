"""One settings object, parsed once from the environment and an optional TOML file.

Precedence: environment variables > TOML file (RISKGRAPH_CONFIG, default ./riskgraph.toml)
> defaults. Nothing below riskgraph/ reads os.environ; stages get what they need from here.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from ingest.errors import RiskgraphError

ROOT = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Settings:
    var_dir: Path = ROOT / "var"  # everything riskgraph writes by default (server data, caches, runs)
    # Neo4j: an external server when neo4j_uri is set, else the local one from services/neo4j-local.
    neo4j_uri: str | None = None
    neo4j_user: str = "neo4j"
    neo4j_password: str | None = None
    neo4j_database: str = "neo4j"
    neo4j_port: int = 7687
    neo4j_data_dir: Path | None = None  # default: var_dir / "neo4j"
    neo4j_heap_mb: int = 1024
    neo4j_pagecache_mb: int = 512
    java: str = "java"
    # ASR (asr/): models default to the packaged wheels (tiny.en for English, base for the rest).
    asr_backend: str = "faster-whisper"  # faster-whisper | openai-whisper
    asr_compute_type: str = "int8"  # faster-whisper: int8 | float32
    asr_language: str | None = None  # default language when calls.csv gives none; None = detect
    asr_english_model: Path | None = None  # CTranslate2 folder replacing the packaged tiny.en
    asr_multilingual_model: Path | None = None  # CTranslate2 folder replacing the packaged base
    asr_workers: int = 1  # decoding processes on this machine (local executor); each runs asr_threads threads
    asr_threads: int = 2
    asr_beam_size: int = 5  # 1 = greedy (the English model; the multilingual one too unless set below)
    asr_multilingual_beam_size: int | None = None  # the multilingual model (Mandarin); None = asr_beam_size
    asr_max_seconds: int = 600  # longer recordings are quarantined
    asr_languages: str = "en,zh"  # comma list: language detection picks among these ("" = any)
    asr_order_pattern: str = r"\d{10}"  # regex a whole order id of this shop matches (spoken ids are found by it)
    graph_batch_size: int = 5000  # rows per Neo4j transaction in loads
    graph_workers: int = 2  # write transactions of one load step in flight at once (bench: +23% on 2 cores)
    # auto: an empty local graph is built by the offline bulk importer, any later day by MERGE;
    # merge: always MERGE; bulk: the importer even over an existing graph (a full rebuild of the day)
    graph_load: str = "auto"
    graph_import_memory_mb: int = 1024  # off-heap memory of the offline importer (its heap is 1 GiB)
    vision_weights: Path | None = None  # label detector weights (default: vision/weights/label_detector.pt)
    vision_workers: int = 2  # OCR processes (one Tesseract thread each)
    vision_detector: str = "yolo"  # a name in vision.engines.DETECTORS
    vision_ocr: str = "tesseract"  # a name in vision.engines.OCR_ENGINES
    # Where the media stages run (riskgraph/executors.py): "local", "ray", or "" = ray when ray_address is set.
    executor: str = ""
    ray_address: str | None = None  # host:port of a running Ray cluster (`ray start --head`)
    ray_workers: int = 0  # Ray actors per media stage; 0 = one per ray_cpus_per_worker cluster CPUs
    ray_cpus_per_worker: int = 1  # CPUs Ray reserves per actor; ASR threads per actor follow it
    ray_max_retries: int = 3  # a lost Ray worker's items are re-run on its restarted actor this many times
    gnn_threads: int = 1  # torch threads for training/scoring (more is slower when the other core is busy)
    # Kafka: an external cluster when kafka_bootstrap is set, else the local one from services/kafka-local.
    kafka_bootstrap: str | None = None
    kafka_port: int = 9092
    kafka_controller_port: int = 9093
    kafka_data_dir: Path | None = None  # default: var_dir / "kafka"
    kafka_heap_mb: int = 512
    extra: Mapping[str, Any] = field(default_factory=dict)  # [section] tables later stages read

    @property
    def external_neo4j(self) -> bool:
        return self.neo4j_uri is not None

    @property
    def neo4j_home(self) -> Path:
        return self.neo4j_data_dir or self.var_dir / "neo4j"

    @property
    def kafka_home(self) -> Path:
        return self.kafka_data_dir or self.var_dir / "kafka"


# environment variable -> Settings field
_ENV = {
    "RISKGRAPH_VAR_DIR": "var_dir",
    "NEO4J_URI": "neo4j_uri",
    "NEO4J_USER": "neo4j_user",
    "NEO4J_PASSWORD": "neo4j_password",
    "NEO4J_DATABASE": "neo4j_database",
    "NEO4J_PORT": "neo4j_port",
    "NEO4J_DATA_DIR": "neo4j_data_dir",
    "NEO4J_HEAP_MB": "neo4j_heap_mb",
    "NEO4J_PAGECACHE_MB": "neo4j_pagecache_mb",
    "RISKGRAPH_JAVA": "java",
    "RISKGRAPH_ASR_BACKEND": "asr_backend",
    "RISKGRAPH_ASR_COMPUTE_TYPE": "asr_compute_type",
    "RISKGRAPH_ASR_LANGUAGE": "asr_language",
    "RISKGRAPH_ASR_ENGLISH_MODEL": "asr_english_model",
    "RISKGRAPH_ASR_MULTILINGUAL_MODEL": "asr_multilingual_model",
    "RISKGRAPH_ASR_WORKERS": "asr_workers",
    "RISKGRAPH_ASR_THREADS": "asr_threads",
    "RISKGRAPH_ASR_BEAM_SIZE": "asr_beam_size",
    "RISKGRAPH_ASR_MULTILINGUAL_BEAM_SIZE": "asr_multilingual_beam_size",
    "RISKGRAPH_ASR_MAX_SECONDS": "asr_max_seconds",
    "RISKGRAPH_ASR_LANGUAGES": "asr_languages",
    "RISKGRAPH_ASR_ORDER_PATTERN": "asr_order_pattern",
    "RISKGRAPH_GRAPH_BATCH_SIZE": "graph_batch_size",
    "RISKGRAPH_GRAPH_WORKERS": "graph_workers",
    "RISKGRAPH_GRAPH_LOAD": "graph_load",
    "RISKGRAPH_GRAPH_IMPORT_MEMORY_MB": "graph_import_memory_mb",
    "RISKGRAPH_GNN_THREADS": "gnn_threads",
    "RISKGRAPH_EXECUTOR": "executor",
    "RAY_ADDRESS": "ray_address",
    "RISKGRAPH_RAY_WORKERS": "ray_workers",
    "RISKGRAPH_RAY_CPUS_PER_WORKER": "ray_cpus_per_worker",
    "RISKGRAPH_RAY_MAX_RETRIES": "ray_max_retries",
    "RISKGRAPH_VISION_WEIGHTS": "vision_weights",
    "RISKGRAPH_VISION_WORKERS": "vision_workers",
    "RISKGRAPH_VISION_DETECTOR": "vision_detector",
    "RISKGRAPH_VISION_OCR": "vision_ocr",
    "KAFKA_BOOTSTRAP": "kafka_bootstrap",
    "KAFKA_PORT": "kafka_port",
    "KAFKA_CONTROLLER_PORT": "kafka_controller_port",
    "KAFKA_DATA_DIR": "kafka_data_dir",
    "KAFKA_HEAP_MB": "kafka_heap_mb",
}


def load_settings(env: Mapping[str, str] | None = None, config_file: Path | None = None) -> Settings:
    """Build Settings from TOML then environment; a bad value raises a RiskgraphError naming it."""
    env = os.environ if env is None else env
    path = config_file or Path(env.get("RISKGRAPH_CONFIG", "riskgraph.toml"))
    values: dict[str, Any] = {}
    extra: dict[str, Any] = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text())
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as e:
            raise RiskgraphError(f"config file {path} is not valid TOML: {e}") from e
        for key, value in data.items():
            (extra if isinstance(value, dict) else values)[key] = value
    for var, name in _ENV.items():
        if env.get(var):
            values[name] = env[var]
    return _coerce(values, extra)


def _coerce(values: dict[str, Any], extra: dict[str, Any]) -> Settings:
    types = {f.name: f.type for f in fields(Settings)}
    out: dict[str, Any] = {}
    for name, raw in values.items():
        if name not in types:
            raise RiskgraphError(f"unknown setting {name!r}; known: {', '.join(sorted(types))}")
        kind = str(types[name])
        try:
            if "int" in kind:
                out[name] = int(raw)
            elif "Path" in kind:
                out[name] = Path(raw).expanduser()
            else:
                out[name] = str(raw)
        except ValueError as e:
            raise RiskgraphError(f"setting {name} has an invalid value {raw!r}: {e}") from e
    return Settings(**out, extra=extra)
