"""`riskgraph gnn detect | eval | fit`: score a saved GraphExport, measure against simulator truth, fit any labelled graph."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from graph.export_types import GraphExport
from riskgraph.context import settings_from

app = typer.Typer(help="Score accounts and find rings in a graph export; evaluate against truth.",
                  no_args_is_help=True)
console = Console()


def _models(ctx: typer.Context, models: Path | None) -> Path:
    return models or settings_from(ctx).var_dir / "models"


@app.command("detect")
def detect_cmd(ctx: typer.Context,
               export: Path = typer.Option(..., "--export", help="folder written by GraphExport.save"),
               models: Path | None = typer.Option(None, "--models", help="model artefacts (default var/models)"),
               build_id: str = typer.Option("adhoc", "--build-id"),
               seed: int = typer.Option(7, "--seed"),
               scorer: str = typer.Option("graphboost", "--scorer", help="account scorer: graphboost | gnn"),
               top: int = typer.Option(20, "--top", help="rings to print")) -> None:
    """Train on the export's labels, score every account, print the top rings with their evidence."""
    from gnn.detect import DetectConfig, detect  # torch and PyG: imported only when the command runs
    from gnn.train import TrainConfig

    ex = GraphExport.load(export)
    with console.status("training and detecting"):
        det = detect(ex, DetectConfig(train=TrainConfig(seed=seed), threads=settings_from(ctx).gnn_threads,
                                      scorer=scorer),
                     _models(ctx, models), build_id)
    console.print(f"model {det.model_version}: {len(det.rings)} rings, threshold {det.threshold:.3f}")
    for r in det.rings[:top]:
        console.print(f"[bold]{r.ring_id}[/bold] {r.kind} score {r.score:.3f} members {len(r.members)}")
        for e in r.evidence[:5]:
            console.print(f"    {e.modality}/{e.kind}: {e.value} ({len(e.accounts)} accounts) {e.detail}")


@app.command("eval")
def eval_cmd(ctx: typer.Context,
             export: Path = typer.Option(..., "--export", help="folder written by GraphExport.save"),
             truth: Path = typer.Option(..., "--truth", help="truth folder of the same day (rings.csv ...)"),
             out: Path = typer.Option(Path("eval"), "--out", help="where evaluation.json and pr_curves.png go"),
             models: Path | None = typer.Option(None, "--models"),
             seed: int = typer.Option(7, "--seed"),
             scorer: str = typer.Option("graphboost", "--scorer", help="account scorer: graphboost | gnn"),
             ablation: bool = typer.Option(True, "--ablation/--no-ablation")) -> None:
    """Full model, ablations and baselines against the truth; prints a table, writes JSON + PNG."""
    from gnn.detect import DetectConfig  # torch and PyG: imported only when the command runs
    from gnn.evaluate import evaluate
    from gnn.report import SUMMARY_HEADERS, summary_rows, write_report
    from gnn.train import TrainConfig
    from gnn.truth import read_truth

    ex = GraphExport.load(export)
    with console.status("evaluating (trains one model per ablation)"):
        config = DetectConfig(train=TrainConfig(seed=seed), threads=settings_from(ctx).gnn_threads, scorer=scorer)
        report = evaluate(ex, read_truth(truth), config, _models(ctx, models), "eval", ablation=ablation)
    table = Table(*SUMMARY_HEADERS)
    for row in summary_rows(report):
        table.add_row(*row)
    console.print(table)
    js, png = write_report(report, out)
    console.print(f"wrote {js} and {png}")


@app.command("fit")
def fit_cmd(ctx: typer.Context,
            nodes: Path = typer.Option(..., "--nodes", help="nodes.parquet: node_id, label (1/0/null), features, [split]"),
            edges: Path = typer.Option(..., "--edges", help="edges.parquet: relation, src, dst"),
            out: Path = typer.Option(..., "--out", help="folder for model/, scores.parquet, evaluation.json"),
            model: str = typer.Option("graphboost", "--model", help="graphboost | trees_agg | trees | gnn | sage"),
            seed: int = typer.Option(7, "--seed", help="drives the split (when none ships) and the model")) -> None:
    """Train, score and evaluate on any labelled graph, with the scorer the nightly build uses."""
    import torch  # torch, PyG and LightGBM: imported only when the command runs

    from gnn.external import read_graph
    from gnn.fit import FitConfig, fit_graph, write_fit

    torch.set_num_threads(settings_from(ctx).gnn_threads)
    graph = read_graph(nodes, edges, out / "quarantine", seed)
    config = FitConfig(model=model, seed=seed)
    with console.status(f"fitting {model}"):
        result = fit_graph(graph, config)
    paths = write_fit(result, graph, out, config)
    m = result.metrics
    table = Table("split", "nodes", "fraud", "AUC", "F1-macro", "G-mean", "AP")
    for part in ("val", "test"):
        table.add_row(part, f"{m[part + '_n']:.0f}", f"{m[part + '_n_fraud']:.0f}", f"{m[part + '_auc']:.3f}",
                      f"{m[part + '_f1_macro']:.3f}", f"{m[part + '_gmean']:.3f}", f"{m[part + '_ap']:.3f}")
    console.print(table)
    console.print(f"threshold {result.threshold:.4f} (F1-macro on val); wrote {paths['scores']}, "
                  f"{paths['evaluation']} and {paths['model']}")
