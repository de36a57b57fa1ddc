"""`riskgraph vision train-detector | read`: parcel photos into label reads."""

from __future__ import annotations

import json
import shutil
import sys
import time
from pathlib import Path

import typer
from rich.console import Console

from riskgraph.context import settings_from
from riskgraph.executors import media_executor
from vision import DEFAULT_WEIGHTS

app = typer.Typer(help="Parcel-label photos: train the label detector, read a day's returns.", no_args_is_help=True)
console = Console()

WEIGHTS = DEFAULT_WEIGHTS


@app.command("train-detector")
def train_detector_cmd(ctx: typer.Context,
                       seed: int = typer.Option(0, help="seed of the rendered dataset and of training"),
                       n_train: int = typer.Option(240, help="training photos"),
                       n_val: int = typer.Option(30, help="validation photos"),
                       hard_share: float = typer.Option(0.33, help="share of photos rendered at hard difficulty"),
                       templates: str = typer.Option("classic", help='label templates: "classic" (the original '
                                                     'label), "tune" (every template but the held-out ones) or a '
                                                     'comma-separated list'),
                       wild_share: float = typer.Option(0.0, help="with templates: share of photos at wild difficulty "
                                                        "(any orientation, folds, stickers)"),
                       device: str = typer.Option("cpu", help='"cpu" or a CUDA device index such as "0"'),
                       epochs: int = typer.Option(30),
                       imgsz: int = typer.Option(320, help="training image size, pixels"),
                       from_weights: Path | None = typer.Option(None, "--from", help="fine-tune these weights "
                                                                "(e.g. a copy of the committed ones) instead of "
                                                                "training yolov8n.yaml from scratch"),
                       out: Path = typer.Option(WEIGHTS, help="where the best weights are copied")) -> None:
    """Render a seeded YOLO dataset with the simulator, train YOLOv8n from its yaml, copy best.pt to OUT."""
    from simulate.detector_data import TUNE_TEMPLATES, DatasetSpec, existing_dataset, write_yolo_dataset
    from simulate.media.labels import TEMPLATES
    from vision.detector import TrainConfig, train_detector

    settings = settings_from(ctx)
    names = () if templates == "classic" else TUNE_TEMPLATES if templates == "tune" else tuple(templates.split(","))
    unknown = [n for n in names if n not in TEMPLATES]
    if unknown:
        raise typer.BadParameter(f"unknown templates {unknown}; known: {', '.join(TEMPLATES)}", param_hint="--templates")
    work = settings.var_dir / "vision" / f"detector-seed{seed}"
    spec = DatasetSpec(work / "dataset", n_train, n_val, seed, hard_share=hard_share, templates=names,
                       wild_share=wild_share)
    data = existing_dataset(spec)  # rendering is a pure function of the spec: reuse an identical one
    if work.exists():
        for child in work.iterdir():
            if data is None or child != spec.root:
                shutil.rmtree(child) if child.is_dir() else child.unlink()
    if data is None:
        with console.status(f"rendering {n_train}+{n_val} parcel photos"):
            data = write_yolo_dataset(spec)
    if from_weights is not None and not from_weights.is_file():
        raise typer.BadParameter(f"{from_weights} not found", param_hint="--from")
    init = None
    if from_weights is not None:  # a private copy: OUT may be the very file being fine-tuned
        init = work / "init.pt"
        shutil.copyfile(from_weights, init)
    started = time.monotonic()
    result = train_detector(TrainConfig(data, work / "runs", epochs=epochs, imgsz=imgsz, seed=seed, device=device,
                                        init_weights=init))
    train_s = time.monotonic() - started
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(".tmp")
    shutil.copyfile(result.weights, tmp)
    tmp.replace(out)
    summary = {"weights": str(out), "val_map50": round(result.map50, 4), "val_map50_95": round(result.map50_95, 4),
               "epochs": epochs, "imgsz": imgsz, "n_train": n_train, "n_val": n_val, "seed": seed,
               "hard_share": hard_share, "device": device, "templates": list(names), "wild_share": wild_share,
               "size_mb": round(out.stat().st_size / 2**20, 2), "train_s": round(train_s),
               "init_weights": str(from_weights) if from_weights else None}
    (work / "summary.json").write_text(json.dumps(summary, indent=2))
    card = out.parent / "MODEL_CARD.md"
    card.write_text(_model_card(summary, sys.argv))
    console.print(summary)
    console.print(f"model card: {card}")


def _model_card(s: dict[str, object], argv: list[str]) -> str:
    command = "riskgraph " + " ".join(argv[1:]) if argv else "riskgraph vision train-detector"
    names = s["templates"]
    templates = ", ".join(str(n) for n in names) if isinstance(names, list) else ""
    origin = (f"fine-tuned from `{s['init_weights']}` (no other pretrained weights)" if s.get("init_weights")
              else "trained from scratch: no pretrained weights")
    return f"""# label_detector.pt

YOLOv8n (ultralytics `yolov8n.yaml`), {origin}, 2 classes:
0 = `label` (the shipping label), 1 = `address_block` (the printed recipient address lines).

- **Data**: {s["n_train"]} training + {s["n_val"]} validation photos rendered by
  `simulate.detector_data.write_yolo_dataset` (label templates: {templates or "classic"};
  the held-out templates of `simulate.detector_data.HELD_OUT_TEMPLATES` never), seed {s["seed"]};
  {float(str(s["wild_share"])):.0%} at `wild` difficulty (any orientation, folds, stickers),
  {float(str(s["hard_share"])):.0%} at `hard`, the rest `default`; 640x480 JPEG.
- **Training**: {s["epochs"]} epochs, image size {s["imgsz"]}, batch 16, device {s["device"]},
  `deterministic=True`, AMP off, no plots, no network.
- **Validation** (the {s["n_val"]} validation photos): mAP50 {s["val_map50"]}, mAP50-95 {s["val_map50_95"]}.
  Held-out numbers (photos from another seed stream): see docs/vision.md.
- **Training time**: {s["train_s"]} s wall clock (render not included).
- **Size**: {s["size_mb"]} MB.
- **Reproduce**: `{command}`
"""


@app.command("read")
def read_cmd(ctx: typer.Context,
             day_dir: Path = typer.Argument(..., help="a day folder holding returns.csv and the photos"),
             out: Path = typer.Option(..., "--out", help="work folder for label_reads.parquet and quarantine/"),
             fraud_csv: Path | None = typer.Option(None, help="default: DAY_DIR/reference/fraud_addresses.csv "
                                                              "or DAY_DIR/../reference/fraud_addresses.csv"),
             workers: int = typer.Option(2, help="processes (one Tesseract thread each)"),
             weights: Path = typer.Option(WEIGHTS, help="label detector weights"),
             sender: bool = typer.Option(True, "--sender/--no-sender",
                                         help="write the sender fields too (--no-sender: recipient only; the whole label is read either way)"),
             executor: str | None = typer.Option(None, help="local | ray (default: ray when RAY_ADDRESS is set; "
                                                            "--workers applies to local)")) -> None:
    """OCR every return photo of a day into WORK_DIR/label_reads.parquet; bad photos go to quarantine."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from riskgraph.wiring import read_spec
    from vision.batch import ReaderSpec, read_day

    settings = settings_from(ctx)
    if fraud_csv is None:
        candidates = [day_dir / "reference" / "fraud_addresses.csv", day_dir.parent / "reference" / "fraud_addresses.csv"]
        fraud_csv = next((c for c in candidates if c.is_file()), None)
        if fraud_csv is None:
            console.print("[yellow]no reference/fraud_addresses.csv found: fraud matching is off[/yellow]")
    spec = ReaderSpec(weights=weights, fraud_csv=fraud_csv, read_sender=sender, detector=settings.vision_detector,
                      ocr=settings.vision_ocr)
    with Progress(TextColumn("reading labels"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  console=console) as progress:
        task = progress.add_task("labels", total=None)
        with media_executor(settings, executor, local_processes=workers) as runner:
            result = read_day(day_dir, out, spec, workers=workers,
                              on_total=lambda n: progress.update(task, total=n),
                              on_done=lambda n: progress.advance(task, n),
                              read=read_spec(settings, day_dir), executor=runner)
    console.print(f"{result.reads} label reads -> {result.out}; {result.quarantined} quarantined -> "
                  f"{result.quarantine}; {result.reused} reused from checkpoints")
