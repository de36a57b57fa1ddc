"""Atomic Parquet writing: a crash never leaves a half-written file a later stage would trust."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq

from ingest.atomic import atomic_write


def write_table(frame: pl.DataFrame, path: Path, schema: pa.Schema,
                metadata: dict[str, str] | None = None) -> None:
    """Cast `frame` to `schema` (column order and types exactly) and write it to `path` atomically.

    The file is written next to its destination under a temporary name, fsynced, then moved into
    place with os.replace; readers see either the old complete file or the new complete one.
    """
    table = frame.select(schema.names).to_arrow().cast(schema)
    if metadata:
        table = table.replace_schema_metadata({**(schema.metadata or {}), **metadata})
    with atomic_write(path) as fh:
        pq.write_table(table, fh, compression="zstd")
