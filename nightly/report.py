"""The nightly run report: `report.md` and `report.html` in the day's work folder.

What ran (per-stage counts and durations), what was quarantined and why (with examples), how the
graph grew, the top rings, and, when the simulator's truth was available, the evaluation table
and PR curves. Facts are gathered first (`gather_*`), then one small document model is rendered
twice (Markdown and HTML), so the two files always say the same thing.
"""

from __future__ import annotations

import base64
import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl

from graph import analyst
from graph.store import GraphStore
from ingest.atomic import atomic_write
from ingest.errors import RiskgraphError
from nightly.run import NightlyRun

log = logging.getLogger(__name__)

Counts = tuple[dict[str, int], dict[str, int]]  # node counts per label, relationship counts per type
COUNTS_BEFORE = "graph_counts_before"  # NightlyRun.artefacts key the graph stage fills


@dataclass(frozen=True)
class QuarantineGroup:
    stage: str
    reason: str
    count: int
    examples: tuple[tuple[str, str, str], ...]  # (source:line, item, detail)


@dataclass(frozen=True)
class RingLine:
    ring_id: str
    kind: str
    score: float
    size: int
    evidence: tuple[str, ...]  # "modality/kind: value (n accounts)", strongest first


@dataclass(frozen=True)
class GraphFacts:
    after: Counts
    before: Counts | None  # None when the graph stage did not run in this build
    rings: tuple[RingLine, ...]


@dataclass(frozen=True)
class Evaluation:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # gnn.report.summary_rows
    png: Path | None  # the PR curves


@dataclass
class Document:
    """Blocks: ("h", level, text) | ("p", text) | ("table", headers, rows) | ("img", path, alt)."""

    blocks: list[tuple[object, ...]] = field(default_factory=list)

    def h(self, level: int, text: str) -> None:
        self.blocks.append(("h", level, text))

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def table(self, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        self.blocks.append(("table", tuple(headers), tuple(tuple(str(c) for c in r) for r in rows)))

    def img(self, path: Path, alt: str) -> None:
        self.blocks.append(("img", path, alt))


def quarantine_summary(work_dir: Path, examples: int = 3) -> list[QuarantineGroup]:
    """Quarantined items of every stage (WORK/D/quarantine/*.parquet) grouped by stage and reason."""
    frames = [pl.read_parquet(p) for p in sorted((work_dir / "quarantine").glob("*.parquet"))]
    frames = [f for f in frames if f.height]
    if not frames:
        return []
    df = pl.concat(frames, how="diagonal_relaxed")
    out = []
    for (stage, reason), g in df.group_by(["stage", "reason"], maintain_order=True):
        ex = tuple((f"{r.get('source', '')}:{r.get('line', '')}", str(r.get("item", "")), str(r.get("detail", ""))[:120])
                   for r in g.head(examples).to_dicts())
        out.append(QuarantineGroup(str(stage), str(reason), g.height, ex))
    return sorted(out, key=lambda q: (q.stage, -q.count, q.reason))


def gather_graph(store: GraphStore, build_id: str, before: Counts | None, top: int = 10) -> GraphFacts:
    rings = []
    for r in analyst.top_rings(store, build_id, limit=top):
        view = analyst.ring_view(store, r.ring_id)
        ev = view.evidence if view else ()
        rings.append(RingLine(r.ring_id, r.kind, r.score, r.size, tuple(
            f"{e['modality']}/{e['kind']}: {str(e['value'])[:40]} ({len(e['accounts'])} accounts)" for e in ev[:3])))
    return GraphFacts(analyst.counts(store), before, tuple(rings))


def build_document(run: NightlyRun, quarantine: Sequence[QuarantineGroup], graph: GraphFacts | None,
                   evaluation: Evaluation | None, graph_note: str = "", now: datetime | None = None) -> Document:
    plan = run.plan
    doc = Document()
    status = "FAILED" if run.failed else "ok"
    doc.h(1, f"riskgraph nightly build {plan.date}: {status}")
    stamp = (now or datetime.now(UTC)).isoformat(timespec="seconds")
    doc.p(f"build {run.artefacts.get('build_id', '?')}, raw {plan.day_dir}, work {plan.work_dir}, written {stamp}")
    doc.h(2, "Stages")
    doc.table(("stage", "status", "seconds", "counts", "error"),
              [(o.name, o.status, f"{o.seconds:.1f}", ", ".join(f"{k}={v:,}" for k, v in o.counts.items()), o.error)
               for o in run.outcomes])
    doc.h(2, "Quarantine")
    if not quarantine:
        doc.p("Nothing was quarantined.")
    else:
        doc.p(f"{sum(q.count for q in quarantine):,} items set aside; each stage went on without them.")
        doc.table(("stage", "reason", "items", "examples (source:line, item, detail)"),
                  [(q.stage, q.reason, q.count, "; ".join(f"{s} {i} {d}".strip() for s, i, d in q.examples))
                   for q in quarantine])
    doc.h(2, "Graph growth")
    if graph is None:
        doc.p(graph_note or "The graph was not available for this report.")
    else:
        _growth(doc, graph)
        doc.h(2, "Top rings")
        if graph.rings:
            doc.table(("ring", "kind", "score", "members", "evidence"),
                      [(r.ring_id, r.kind, f"{r.score:.3f}", r.size, "; ".join(r.evidence)) for r in graph.rings])
        else:
            doc.p("No ring was detected in this build.")
    if evaluation is not None:
        doc.h(2, "Evaluation against the simulator's truth")
        doc.table(evaluation.headers, evaluation.rows)
        if evaluation.png is not None and evaluation.png.exists():
            doc.img(evaluation.png, "account-level precision-recall curves")
    return doc


def _growth(doc: Document, graph: GraphFacts) -> None:
    rows = []
    for kind, after, before in (("node", graph.after[0], graph.before[0] if graph.before else None),
                                ("relationship", graph.after[1], graph.before[1] if graph.before else None)):
        for name, n in after.items():
            b = before.get(name, 0) if before is not None else None
            if n or b:
                rows.append((kind, name, "–" if b is None else f"{b:,}", f"{n:,}", "–" if b is None else f"{n - b:+,}"))
    doc.table(("", "label / type", "before", "after", "added"), rows)


def render_markdown(doc: Document, base: Path) -> str:
    out: list[str] = []
    for b in doc.blocks:
        if b[0] == "h":
            out.append(f"{'#' * int(b[1])} {b[2]}\n")  # type: ignore[call-overload]
        elif b[0] == "p":
            out.append(f"{b[1]}\n")
        elif b[0] == "table":
            headers, rows = b[1], b[2]
            assert isinstance(headers, tuple) and isinstance(rows, tuple)
            cell = lambda s: str(s).replace("|", "\\|").replace("\n", " ")  # noqa: E731
            out.append("| " + " | ".join(cell(h) for h in headers) + " |")
            out.append("|" + "---|" * len(headers))
            out += ["| " + " | ".join(cell(c) for c in r) + " |" for r in rows]
            out.append("")
        elif b[0] == "img":
            assert isinstance(b[1], Path)
            out.append(f"![{b[2]}]({_relative(b[1], base)})\n")
    return "\n".join(out)


def render_html(doc: Document) -> str:
    """Self-contained HTML (images embedded), so the report can be mailed or archived as one file."""
    out = ["<!doctype html><html><head><meta charset='utf-8'><title>riskgraph nightly report</title><style>"
           "body{font-family:sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;margin:1em 0}"
           "td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px;text-align:left;vertical-align:top}"
           "th{background:#f3f3f3}</style></head><body>"]
    for b in doc.blocks:
        if b[0] == "h":
            out.append(f"<h{b[1]}>{html.escape(str(b[2]))}</h{b[1]}>")
        elif b[0] == "p":
            out.append(f"<p>{html.escape(str(b[1]))}</p>")
        elif b[0] == "table":
            headers, rows = b[1], b[2]
            assert isinstance(headers, tuple) and isinstance(rows, tuple)
            out.append("<table><tr>" + "".join(f"<th>{html.escape(str(h))}</th>" for h in headers) + "</tr>")
            out += ["<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows]
            out.append("</table>")
        elif b[0] == "img":
            assert isinstance(b[1], Path)
            data = base64.b64encode(b[1].read_bytes()).decode()
            out.append(f"<img alt='{html.escape(str(b[2]))}' src='data:image/png;base64,{data}' style='max-width:100%'>")
    out.append("</body></html>")
    return "\n".join(out)


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.resolve().relative_to(base.resolve()))
    except ValueError:
        return str(path)


def write_documents(doc: Document, work_dir: Path) -> tuple[Path, Path]:
    """Write report.md and report.html into `work_dir` (each atomically)."""
    work_dir.mkdir(parents=True, exist_ok=True)
    md, page = work_dir / "report.md", work_dir / "report.html"
    for path, text in ((md, render_markdown(doc, work_dir)), (page, render_html(doc))):
        with atomic_write(path) as fh:
            fh.write(text.encode("utf-8"))
    return md, page


def write_run_report(run: NightlyRun, store: GraphStore | None, evaluation: Evaluation | None = None,
                     ) -> tuple[Path, Path]:
    """Gather the facts of a finished nightly run and write its report; returns (report.md, report.html).

    `store` is the graph the run wrote to, or None when it is not reachable; a graph query that
    fails is reported in the document rather than raised (the report must not fail the night)."""
    graph, note = None, ""
    if store is not None:
        try:
            before = run.artefacts.get(COUNTS_BEFORE)
            graph = gather_graph(store, str(run.artefacts.get("build_id", "")),
                                 before if isinstance(before, tuple) else None)
        except RiskgraphError as e:
            note = f"The graph could not be read: {e}"
    doc = build_document(run, quarantine_summary(run.plan.work_dir), graph, evaluation, note)
    paths = write_documents(doc, run.plan.work_dir)
    log.info("nightly report: %s", paths[0])
    return paths
