"""Build the outside-system adapters from Settings: the composition root's factory."""

from __future__ import annotations

import csv
import re
from collections.abc import Callable
from dataclasses import fields, replace
from functools import partial
from pathlib import Path

from asr.entities import EntityConfig
from asr.transcriber import AsrConfig, make_transcriber
from asr.transcript import Transcriber
from graph.store import GraphStore, Neo4jConnection
from ingest import IngestConfig
from ingest.errors import RiskgraphError
from ingest.pipeline import build_date_of
from ingest.rules import ReadSpec
from riskgraph.settings import Settings
from services import kafka_local
from services.kafka_local import LocalKafkaConfig
from services.neo4j_local import LocalNeo4jConfig, read_or_create_password
from services.neo4j_local import start as start_local


def local_neo4j_config(settings: Settings) -> LocalNeo4jConfig:
    return LocalNeo4jConfig(home=settings.neo4j_home, port=settings.neo4j_port,
                            heap_mb=settings.neo4j_heap_mb, pagecache_mb=settings.neo4j_pagecache_mb,
                            password=settings.neo4j_password, java=settings.java)


def open_store(settings: Settings, start_if_needed: bool = True) -> GraphStore:
    """A GraphStore on NEO4J_URI if set, else on the local server (started if it is down)."""
    if settings.neo4j_uri:
        return GraphStore(Neo4jConnection(settings.neo4j_uri, settings.neo4j_user,
                                          settings.neo4j_password or "", settings.neo4j_database))
    cfg = local_neo4j_config(settings)
    if start_if_needed:
        start_local(cfg)
    else:
        cfg.home.mkdir(parents=True, exist_ok=True)
    return GraphStore(Neo4jConnection(cfg.uri, "neo4j", read_or_create_password(cfg), settings.neo4j_database))


def asr_config(settings: Settings, backend: str | None = None, compute_type: str | None = None) -> AsrConfig:
    """The ASR configuration from Settings; CLI flags override the backend and compute type."""
    return AsrConfig(cache_dir=settings.var_dir / "cache" / "asr", backend=backend or settings.asr_backend,
                     compute_type=compute_type or settings.asr_compute_type,
                     english_model=settings.asr_english_model, multilingual_model=settings.asr_multilingual_model,
                     threads=settings.asr_threads, beam_size=settings.asr_beam_size,
                     multilingual_beam_size=settings.asr_multilingual_beam_size,
                     languages=tuple(x.strip() for x in settings.asr_languages.split(",") if x.strip()))


def transcriber_factory(settings: Settings, executor: str | None = None, backend: str | None = None,
                        compute_type: str | None = None) -> Callable[[], Transcriber]:
    """What builds the transcriber on each media worker (picklable). On Ray a worker is given
    `ray_cpus_per_worker` CPUs, so its decoder runs that many threads, not `asr_threads`."""
    from riskgraph.executors import executor_kind

    cfg = asr_config(settings, backend=backend, compute_type=compute_type)
    if executor_kind(settings, executor) == "ray":
        cfg = replace(cfg, threads=settings.ray_cpus_per_worker)
    return partial(make_transcriber, cfg)


def entity_config(settings: Settings, day_dir: Path | None = None) -> EntityConfig:
    """The shop's order-id pattern, and the order ids of `day_dir/orders.csv` so mentions link to them."""
    try:
        re.compile(settings.asr_order_pattern)
    except re.error as e:
        raise RiskgraphError(f"setting asr_order_pattern {settings.asr_order_pattern!r} is not a regular "
                             f"expression: {e}") from e
    known: set[str] = set()
    orders = day_dir / "orders.csv" if day_dir is not None else None
    if orders is not None and orders.is_file():
        with orders.open(newline="", encoding="utf-8-sig") as f:
            column = ingest_config(settings).renames("orders.csv").get("order_id", "order_id")
            known = {v for row in csv.DictReader(f) if (v := (row.get(column) or "").strip())}
    return EntityConfig(order_pattern=settings.asr_order_pattern, known_orders=frozenset(known))


def read_spec(settings: Settings, day: Path) -> ReadSpec:
    """How every stage reads the day's files: the `[ingest]` settings, bounded by the build date."""
    return ReadSpec.for_build(ingest_config(settings), build_date_of(day))


def ingest_config(settings: Settings) -> IngestConfig:
    """IngestConfig from the `[ingest]` table of the settings file; an unknown key is one clear error."""
    section = settings.extra.get("ingest", {})
    try:
        return IngestConfig(**section)
    except TypeError as e:
        known = ", ".join(f.name for f in fields(IngestConfig))
        raise RiskgraphError(f"settings file, table \"ingest\": {e}; known keys: {known}") from e
    except ValueError as e:
        raise RiskgraphError(f"settings file, table \"ingest\": {e}") from e


def local_kafka_config(settings: Settings) -> LocalKafkaConfig:
    return LocalKafkaConfig(home=settings.kafka_home, port=settings.kafka_port,
                            controller_port=settings.kafka_controller_port, heap_mb=settings.kafka_heap_mb,
                            java=settings.java)


def kafka_bootstrap(settings: Settings, bootstrap: str | None = None, start_if_needed: bool = True) -> str:
    """`bootstrap` if given, else KAFKA_BOOTSTRAP, else the local broker (started if it is down)."""
    if bootstrap:
        return bootstrap
    if settings.kafka_bootstrap:
        return settings.kafka_bootstrap
    cfg = local_kafka_config(settings)
    if start_if_needed:
        kafka_local.start(cfg)
    return cfg.bootstrap
