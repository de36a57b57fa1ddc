"""The graph one day's work folder makes in an empty database, as node and relationship tables.

The offline importer (`graph/bulk.py`) writes these tables; the MERGE plan (`graph/plan.py`)
writes the same graph statement by statement. This module restates every load step's effect for
a first load (no earlier day in the graph), vectorized with polars: which nodes each step
MERGEs, which properties its SETs leave (the last write wins, a null removes), and which links
it creates. Media rows (calls, parcel reads: small tables) go through the load steps' own row
transforms, so they carry the very values the MERGE statements would get.

A first load is only equivalent when keys are unique per file (ingest/ guarantees that for
accounts, orders and returns); `build_tables` raises `NotBulkLoadable` otherwise, and the
caller falls back to the MERGE plan.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from asr.tables import TRANSCRIPTS_FILE
from graph.errors import GraphError
from graph.schema import NODE_KEYS, build_id_for
from graph.steps_ingest import FINGERPRINT_PROPS
from graph.steps_media import call_row, parcel_row
from vision.tables import LABEL_READS_FILE


class NotBulkLoadable(GraphError):
    """The work folder has a shape whose MERGE result the bulk tables do not reproduce."""


@dataclass(frozen=True)
class NodeTable:
    label: str
    frame: pl.DataFrame  # first column: the label's key (NODE_KEYS); the rest its properties (null = absent)


@dataclass(frozen=True)
class RelTable:
    rel_type: str
    start: str  # label of the start node
    end: str  # label of the end node
    frame: pl.DataFrame  # columns "start", "end" (node keys), then the relationship's properties


@dataclass(frozen=True)
class BulkTables:
    nodes: tuple[NodeTable, ...]
    rels: tuple[RelTable, ...]
    # (label, property) pairs that the MERGE path stores as an empty list where the importer would
    # store nothing (the importer cannot write an empty array): set after the import
    empty_lists: tuple[tuple[str, str], ...] = ()


def _read(work: Path, name: str) -> pl.DataFrame | None:
    path = work / f"{name}.parquet"
    return pl.read_parquet(path) if path.exists() else None


def _step_rows(df: pl.DataFrame, transform: Callable[[dict[str, Any]], dict[str, Any] | None], key: str,
               file: str) -> list[dict[str, Any]]:
    """A media file's rows as its MERGE load step shapes them; a key twice is not bulk-loadable
    (MERGE would fold the rows, last write winning per property, which the tables do not restate)."""
    rows = [r for r in (transform(x) for x in df.to_dicts()) if r is not None]
    if len({r[key] for r in rows}) != len(rows):
        raise NotBulkLoadable(f"{file}: duplicate {key}")
    return rows


def _iso(col: str) -> pl.Expr:
    """A timestamp the MERGE path stores with Cypher's datetime() (the writer formats it in UTC)."""
    return pl.col(col).dt.convert_time_zone("UTC")


def _unique(df: pl.DataFrame, keys: list[str], what: str) -> None:
    if df.height and df.select(pl.struct(keys).is_duplicated().any()).item():
        raise NotBulkLoadable(f"{what}: duplicate {', '.join(keys)}; the MERGE path handles repeats, the importer "
                              "does not")


def _lit(value: Any, name: str) -> pl.Expr:
    return pl.lit(value).alias(name)


def build_tables(work: Path, date: str) -> BulkTables:
    """Node and relationship tables equal to a MERGE load of `work` for `date` into an empty graph."""
    b = _Builder(date)
    b.accounts(_read(work, "accounts"))
    orders = _read(work, "orders")
    b.orders(orders)
    if orders is not None:
        b.usage("orders", orders.rename({"buyer_id": "a"}))
        b.flows(orders, _read(work, "flows"))
    b.returns(_read(work, "returns"))
    sessions = _read(work, "sessions")
    if sessions is not None:
        b.usage("clicks", sessions.rename({"account_id": "a"}))
    b.fingerprints(_read(work, "fingerprints"))
    b.similar(_read(work, "similar_pairs"))
    b.labels(_read(work, "labels"))
    b.fraud_addresses(_read(work, "fraud_addresses"))
    b.calls(_read(work, "transcripts"))
    b.parcels(_read(work, "label_reads"))
    return b.finish()


class _Builder:
    """Collects node property frames and relationship frames in load-step order."""

    def __init__(self, date: str) -> None:
        self.date = date
        self.build_id = build_id_for(date)
        self.keys: dict[str, list[pl.DataFrame]] = {label: [] for label in NODE_KEYS}  # every key a step MERGEs
        self.props: dict[str, list[pl.DataFrame]] = {label: [] for label in NODE_KEYS}  # key + props, in step order
        self.rels: list[RelTable] = []
        self.address_examples: list[pl.DataFrame] = []  # key, example: ON CREATE, so the first step wins
        self.fraud_match: list[pl.DataFrame] = []  # key, score: parcels raise max_fraud_match
        self.empty_lists: list[tuple[str, str]] = []
        self.has_parcel: list[pl.Series] = []  # return ids: returns with a photo, then parcel reads

    # --- helpers -------------------------------------------------------------------------------------
    def key(self, label: str, series: pl.Series) -> None:
        col = NODE_KEYS[label]
        self.keys[label].append(series.drop_nulls().alias(col).to_frame())

    def set_props(self, label: str, frame: pl.DataFrame) -> None:
        """`frame`: the key column then properties a step SETs on that node (in step order)."""
        self.key(label, frame.get_column(NODE_KEYS[label]))
        self.props[label].append(frame)

    def rel(self, rel_type: str, start: str, end: str, frame: pl.DataFrame) -> None:
        """`frame`: columns start, end then properties; rows with a null endpoint are skipped (the
        MERGE statements' `WHERE x IS NOT NULL`)."""
        frame = frame.drop_nulls(["start", "end"])
        self.key(start, frame.get_column("start"))
        self.key(end, frame.get_column("end"))
        self.rels.append(RelTable(rel_type, start, end, frame))

    def prov(self, source: str) -> list[pl.Expr]:
        return [_lit(source, "source"), _lit(self.build_id, "build_id"), _lit(1.0, "confidence")]

    # --- steps ---------------------------------------------------------------------------------------
    def accounts(self, df: pl.DataFrame | None) -> None:
        if df is None:
            return
        _unique(df, ["account_id"], "accounts.parquet")
        self.set_props("Account", df.select(
            "account_id", _iso("created_at").alias("created_at"), "phone_raw",
            pl.lit([self.date]).alias("days")))
        self.rel("HAS_PHONE", "Account", "Phone", df.select(
            pl.col("account_id").alias("start"), pl.col("phone").alias("end"), _lit("accounts", "source"),
            _lit(self.build_id, "build_id"), pl.col("phone_raw").alias("raw"), _lit(1.0, "confidence")))
        for rel, label, col in (("USES_DEVICE", "Device", "register_device"), ("USES_IP", "IP", "register_ip")):
            self.rel(rel, "Account", label, df.select(
                pl.col("account_id").alias("start"), pl.col(col).alias("end"), _lit("registration", "source"),
                _lit(self.build_id, "build_id"), _lit(1, "n"), _lit(1.0, "confidence")))

    def orders(self, df: pl.DataFrame | None) -> None:
        if df is None:
            return
        _unique(df, ["order_id"], "orders.parquet")
        self.set_props("Order", df.select(
            "order_id", "amount", "coupon_id", _iso("created_at").alias("created_at"), _lit(self.date, "date"),
            _lit(self.build_id, "build_id")))
        self.rel("PLACED", "Account", "Order", df.select(
            pl.col("buyer_id").alias("start"), pl.col("order_id").alias("end"), _lit("orders", "source"),
            _lit(self.build_id, "build_id"), _lit(1.0, "confidence")))
        self.rel("SOLD_BY", "Order", "Account", df.select(
            pl.col("order_id").alias("start"), pl.col("seller_id").alias("end"), *self.prov("orders")))
        self.address_examples.append(df.select(pl.col("address_key").alias("key"),
                                               pl.col("ship_address").alias("example")).drop_nulls("key"))
        self.rel("SHIPS_TO", "Order", "Address", df.select(
            pl.col("order_id").alias("start"), pl.col("address_key").alias("end"), _lit("orders", "source"),
            pl.col("ship_address").alias("raw"), _lit(self.build_id, "build_id"), _lit(1.0, "confidence")))
        self.rel("CONTACT_PHONE", "Order", "Phone", df.select(
            pl.col("order_id").alias("start"), pl.col("ship_phone").alias("end"), _lit("orders", "source"),
            pl.col("ship_phone_raw").alias("raw"), _lit(self.build_id, "build_id"), _lit(1.0, "confidence")))

    def usage(self, source: str, df: pl.DataFrame) -> None:
        """orders.devices/ips and clicks.devices/ips: one link per (account, device|ip) with its count."""
        for rel, label, col in (("USES_DEVICE", "Device", "device_id"), ("USES_IP", "IP", "ip")):
            grouped = df.select("a", col).drop_nulls().group_by("a", col).agg(pl.len().cast(pl.Int64).alias("n"))
            self.rel(rel, "Account", label, grouped.select(
                pl.col("a").alias("start"), pl.col(col).alias("end"), _lit(source, "source"), "n",
                _lit(self.build_id, "build_id"), _lit(1.0, "confidence"), pl.lit([self.date]).alias("days")))

    def flows(self, orders: pl.DataFrame, flows: pl.DataFrame | None) -> None:
        """BUYS_FROM totals over the day's orders, for the pairs flows.parquet names (FLOWS MATCHes them)."""
        if flows is None:
            return
        pairs = flows.select(pl.col("src_account").alias("start"), pl.col("dst_account").alias("end")).unique()
        totals = orders.group_by(pl.col("buyer_id").alias("start"), pl.col("seller_id").alias("end")).agg(
            pl.len().cast(pl.Int64).alias("n_orders"), pl.col("amount").sum().alias("amount"),
            pl.col("coupon_id").is_not_null().sum().cast(pl.Int64).alias("n_coupon_orders"))
        self.rel("BUYS_FROM", "Account", "Account", pairs.join(totals, on=["start", "end"]).select(
            "start", "end", _lit("orders", "source"), "n_orders", "amount", "n_coupon_orders",
            _lit(self.build_id, "build_id"), _lit(1.0, "confidence")))

    def returns(self, df: pl.DataFrame | None) -> None:
        if df is None:
            return
        _unique(df, ["return_id"], "returns.parquet")
        self.set_props("Return", df.select("return_id", "reason", _iso("created_at").alias("created_at"),
                                           _lit(self.date, "date"), _lit(self.build_id, "build_id")))
        self.rel("REQUESTED", "Account", "Return", df.select(
            pl.col("account_id").alias("start"), pl.col("return_id").alias("end"), *self.prov("returns")))
        self.rel("FOR_ORDER", "Return", "Order", df.select(
            pl.col("return_id").alias("start"), pl.col("order_id").alias("end"), *self.prov("returns")))
        photo = df.filter(pl.col("photo").is_not_null())
        self.set_props("Parcel", photo.select(pl.col("return_id").alias("parcel_id"), "photo"))
        self.has_parcel.append(photo.get_column("return_id"))

    def fingerprints(self, df: pl.DataFrame | None) -> None:
        if df is None:
            return
        _unique(df, ["account_id"], "fingerprints.parquet")
        cols = [pl.col(k).alias(f"fp_{k}") for k in FINGERPRINT_PROPS if k in df.columns]
        self.set_props("Account", df.select("account_id", *cols, _lit(self.date, "fp_date")))

    def similar(self, df: pl.DataFrame | None) -> None:
        if df is None:
            return
        _unique(df, ["account_a", "account_b"], "similar_pairs.parquet")
        self.rel("BEHAVES_LIKE", "Account", "Account", df.select(
            pl.col("account_a").alias("start"), pl.col("account_b").alias("end"), _lit("clicks", "source"),
            "weight", "jaccard", "timing_sim", "shared_devices", "shared_ips", pl.col("weight").alias("confidence"),
            _lit(self.build_id, "build_id"), pl.lit([self.date]).alias("days")))

    def labels(self, df: pl.DataFrame | None) -> None:
        if df is None:
            return
        last = df.unique("account_id", keep="last", maintain_order=True)  # a repeated account: the last SET wins
        self.set_props("Account", last.select("account_id", "label", pl.col("source").alias("label_source")))

    def fraud_addresses(self, df: pl.DataFrame | None) -> None:
        if df is None:
            return
        df = df.filter(pl.col("address_key").is_not_null() & (pl.col("address_key") != ""))
        self.address_examples.append(df.select(pl.col("address_key").alias("key"), pl.col("address").alias("example")))
        last = df.unique("address_key", keep="last", maintain_order=True)
        self.set_props("Address", last.select(pl.col("address_key").alias("key"), _lit(True, "fraud_listed"),
                                              pl.col("source").alias("fraud_source"), _lit(1.0, "max_fraud_match")))

    def calls(self, df: pl.DataFrame | None) -> None:
        if df is None:
            return
        rows = _step_rows(df, call_row, "call_id", TRANSCRIPTS_FILE)
        if not rows:
            return
        b = self.build_id
        self.set_props("Call", pl.DataFrame([{
            "call_id": r["call_id"], "language": r["language"], "text": r["text"], "intents": r["intents"],
            "keywords": r["keywords"], "started_at": r["started_at"], "date": self.date, "audio": r["audio"],
            "duration_s": r["duration_s"], "confidence": r["confidence"], "model": r["model"], "backend": r["backend"],
            "build_id": b} for r in rows], schema_overrides={"intents": pl.List(pl.Utf8), "keywords": pl.List(pl.Utf8),
                                                             "duration_s": pl.Float64, "confidence": pl.Float64},
            infer_schema_length=None))
        self.empty_lists += [("Call", "intents"), ("Call", "keywords")]
        src = "call_transcript"
        link = {"source": pl.Utf8, "build_id": pl.Utf8, "confidence": pl.Float64}
        self.rel("FROM_PHONE", "Call", "Phone", pl.DataFrame(
            [{"start": r["call_id"], "end": r["caller_phone"], "source": src, "build_id": b, "confidence": 1.0}
             for r in rows], schema={"start": pl.Utf8, "end": pl.Utf8, **link}))
        self.rel("MADE_CALL", "Account", "Call", pl.DataFrame(
            [{"start": r["account_id"], "end": r["call_id"], "source": src, "build_id": b, "confidence": 1.0}
             for r in rows], schema={"start": pl.Utf8, "end": pl.Utf8, **link}))
        mention = {"start": pl.Utf8, "end": pl.Utf8, "source": pl.Utf8, "kind": pl.Utf8, "text": pl.Utf8,
                   "confidence": pl.Float64, "build_id": pl.Utf8}
        for kind, label, field in (("phone", "Phone", "phones"), ("order", "Order", "orders")):
            last: dict[tuple[str, str], dict[str, Any]] = {}  # a value mentioned twice: one link, the last text
            for r in rows:
                for m in r[field]:
                    last[(r["call_id"], m["value"])] = {"start": r["call_id"], "end": m["value"], "source": src,
                                                        "kind": kind, "text": m.get("text"),
                                                        "confidence": r["confidence"], "build_id": b}
            frame = pl.DataFrame(list(last.values()), schema=mention)
            if label == "Order":  # MATCH, not MERGE: a misheard number must not invent an order
                frame = frame.join(self._all_keys("Order").rename({"order_id": "end"}), on="end", how="semi")
            self.rel("MENTIONS", "Call", label, frame)
        self.rel("MENTIONS", "Call", "Keyword", pl.DataFrame(
            [{"start": r["call_id"], "end": w, "source": src, "kind": "keyword", "confidence": r["confidence"],
              "build_id": b} for r in rows for w in r["keywords"]],
            schema={k: v for k, v in mention.items() if k != "text"}))

    def parcels(self, df: pl.DataFrame | None) -> None:
        if df is None:
            return
        rows = _step_rows(df, parcel_row, "return_id", LABEL_READS_FILE)
        if not rows:
            return
        b = self.build_id
        self.set_props("Parcel", pl.DataFrame([{
            "parcel_id": r["return_id"], "photo": r["photo"], "content_hash": r["content_hash"],
            "ocr_text": r["ocr_text"], "language": r["language"], "tracking_no": r["tracking_no"],
            "recipient_name": r["recipient_name"], "skew_deg": r["skew_deg"], "label_box": r["label_box"],
            "ocr_confidence": r["confidence"], "build_id": b} for r in rows],
            schema_overrides={"label_box": pl.List(pl.Float64), "skew_deg": pl.Float64, "ocr_confidence": pl.Float64},
            infer_schema_length=None))
        self.key("Return", pl.Series([r["return_id"] for r in rows]))
        self.has_parcel.append(pl.Series([r["return_id"] for r in rows]))
        with_key = [r for r in rows if r["address_key"] is not None]
        self.address_examples.append(pl.DataFrame(
            [{"key": r["address_key"], "example": r["recipient_address"]} for r in with_key],
            schema={"key": pl.Utf8, "example": pl.Utf8}))
        self.fraud_match.append(pl.DataFrame([{"key": r["address_key"], "score": r["fraud_match_score"]}
                                              for r in with_key], schema={"key": pl.Utf8, "score": pl.Float64}))
        self.rel("LABEL_ADDRESS", "Parcel", "Address", pl.DataFrame(
            [{"start": r["return_id"], "end": r["address_key"], "source": "parcel_ocr", "raw": r["recipient_address"],
              "confidence": r["confidence"], "build_id": b, "fraud_score": r["fraud_score"],
              "fraud_entry": r["fraud_entry"]} for r in with_key],
            schema={"start": pl.Utf8, "end": pl.Utf8, "source": pl.Utf8, "raw": pl.Utf8, "confidence": pl.Float64,
                    "build_id": pl.Utf8, "fraud_score": pl.Float64, "fraud_entry": pl.Utf8}))
        self.rel("LABEL_PHONE", "Parcel", "Phone", pl.DataFrame(
            [{"start": r["return_id"], "end": r["recipient_phone"], "source": "parcel_ocr",
              "raw": r["recipient_phone_raw"], "confidence": r["confidence"], "build_id": b} for r in rows],
            schema={"start": pl.Utf8, "end": pl.Utf8, "source": pl.Utf8, "raw": pl.Utf8, "confidence": pl.Float64,
                    "build_id": pl.Utf8}))

    # --- assembly ------------------------------------------------------------------------------------
    def _all_keys(self, label: str) -> pl.DataFrame:
        col = NODE_KEYS[label]
        frames = self.keys[label]
        return pl.concat(frames).unique() if frames else pl.DataFrame(schema={col: pl.Utf8})

    def finish(self) -> BulkTables:
        if self.has_parcel:  # returns' photos and parcel reads MERGE the same (Return)-[:HAS_PARCEL]->(Parcel)
            ids = pl.concat([s.to_frame("start") for s in self.has_parcel]).unique(maintain_order=True)
            self.rel("HAS_PARCEL", "Return", "Parcel", ids.select(
                "start", pl.col("start").alias("end"), *self.prov("returns")))
        nodes = tuple(NodeTable(label, self._node_frame(label)) for label in NODE_KEYS if self.keys[label])
        return BulkTables(nodes, tuple(r for r in self.rels if r.frame.height), tuple(self.empty_lists))

    def _node_frame(self, label: str) -> pl.DataFrame:
        col = NODE_KEYS[label]
        out = self._all_keys(label).sort(col)
        for frame in self.props[label]:  # later steps overwrite earlier ones' properties
            props = [c for c in frame.columns if c != col]
            if not props:
                continue
            out = out.join(frame, on=col, how="left", suffix="__new")
            for p in props:
                if f"{p}__new" in out.columns:  # set again by a later step: that step's value (null removes)
                    hit = out.get_column(col).is_in(frame.get_column(col).implode())
                    out = out.with_columns(pl.when(hit).then(pl.col(f"{p}__new")).otherwise(pl.col(p)).alias(p))
                    out = out.drop(f"{p}__new")
        if label == "Address":
            out = self._address(out)
        return out

    def _address(self, out: pl.DataFrame) -> pl.DataFrame:
        if self.address_examples:  # ON CREATE SET ad.example: the first step (and row) to name the key
            ex = pl.concat(self.address_examples).unique("key", keep="first", maintain_order=True)
            out = out.join(ex, on="key", how="left")
        if self.fraud_match:
            raised = pl.concat(self.fraud_match).group_by("key").agg(pl.col("score").max().alias("__m"))
            out = out.join(raised, on="key", how="left")
            if "max_fraud_match" not in out.columns:
                out = out.with_columns(pl.lit(None, pl.Float64).alias("max_fraud_match"))
            out = out.with_columns(pl.when(pl.col("__m").is_not_null())
                                   .then(pl.max_horizontal(pl.col("max_fraud_match").fill_null(0.0), pl.col("__m")))
                                   .otherwise(pl.col("max_fraud_match")).alias("max_fraud_match")).drop("__m")
        return out


def property_types(frame: pl.DataFrame) -> Mapping[str, str]:
    """The importer's header type of each column (`name:type`); strings need none."""
    out: dict[str, str] = {}
    for name, dtype in frame.schema.items():
        if dtype == pl.Utf8:
            out[name] = ""
        elif dtype == pl.Boolean:
            out[name] = "boolean"
        elif isinstance(dtype, pl.Datetime):
            out[name] = "datetime"
        elif dtype.is_integer():
            out[name] = "long"
        elif dtype.is_float():
            out[name] = "double"
        elif isinstance(dtype, pl.List):
            inner = dtype.inner
            out[name] = "string[]" if inner == pl.Utf8 else "double[]" if inner is not None and inner.is_float() \
                else "long[]" if inner is not None and inner.is_integer() else "string[]"
        elif dtype == pl.Null:
            out[name] = ""
        else:
            raise NotBulkLoadable(f"column {name!r} has type {dtype}, which the bulk writer does not map")
    return out
