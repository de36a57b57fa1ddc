"""Benchmark: training and inference time and peak memory of the account scorer.

    python -m bench.gnn_scale --accounts 100000 1000000 --threads 2 [--rings]            # graphboost (the nightly's)
    python -m bench.gnn_scale --scorer gnn --accounts 100000 --epochs 3 [--batch-size 1024] [--device cuda]

--scorer graphboost (default, what the nightly build runs, gnn/account_scorer.py): times the
account view (ego + thing aggregates + shared-thing pairs), the fit (which also scores every
account) and inference with the fitted model (view + design matrix + trees), as the nightly's
`--model-version` path does. --scorer gnn: the HeteroSAGE model (gnn/train.py).

Each size runs in its own subprocess so that its peak RSS is its own. Training is FULL-BATCH (the
whole graph in one forward/backward) unless --batch-size is given: then one epoch is a pass over
the labelled accounts in mini-batches of that many seeds, each on its neighbour-sampled 2-hop
subgraph (gnn/sampler.py, fanouts --fanouts). Inference is always full-batch under no_grad.
Exports are synthetic (testing/synthetic.py): ~3 edges per account per relation family, the same
schema as graph/'s export.
--rings also times ring finding (evidence graph + Leiden + order loops; needs igraph/leidenalg).
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time


def _one_boost(n: int, threads: int, rings: bool, inference_runs: int, fit_accounts: int,
               self_train: bool = False) -> dict[str, float]:
    """Fit on a world of `fit_accounts` (the cost of a fit grows with labels, not with the night),
    then score a world of `n` accounts with that model, as the nightly's `--model-version` path does.
    `self_train`: the fit also takes the pseudo-labels of the rings found without a model, as the
    nightly's fresh fit does (`DetectConfig.self_train`); their ring search is timed as `pseudo_s`."""
    import numpy as np

    from gnn.account_scorer import ScorerConfig, account_view, fit_account_scorer
    from testing.synthetic import make_export

    sc = ScorerConfig()  # fits on one thread, as the nightly does; `threads` is for scoring
    out: dict[str, float] = {"accounts": n, "fit_accounts": min(n, fit_accounts)}
    fit_export = make_export(min(n, fit_accounts), seed=1)[0]
    pseudo = None
    if self_train:
        from gnn.detect import DetectConfig, ring_pseudo_labels

        t = time.perf_counter()
        pseudo = ring_pseudo_labels(fit_export, DetectConfig())
        out["pseudo_s"] = time.perf_counter() - t
    t = time.perf_counter()
    model, p, _ = fit_account_scorer(fit_export, sc, pseudo=pseudo)
    out["fit_s"] = time.perf_counter() - t
    t = time.perf_counter()
    export, _ = make_export(n, seed=0)
    out["generate_s"] = time.perf_counter() - t
    out["edges"] = float(sum(len(e.src) for e in export.edges))
    y = export.account_labels.astype(np.int64)
    out["labelled"] = float((y >= 0).sum())
    inf, view_s = [], []
    for _ in range(inference_runs):
        t = time.perf_counter()
        view = account_view(export, frozenset(), sc.hub_cap)
        view_s.append(time.perf_counter() - t)
        q = model.trees.predict(model.design(view.x, view.names, view.relations, y, sc.seed), threads)
        inf.append(time.perf_counter() - t)
    out["view_s_median"] = statistics.median(view_s)
    out["inference_s_median"] = statistics.median(inf)
    out["inference_accounts_per_s"] = n / out["inference_s_median"]
    assert np.isfinite(q).all() and len(q) == n
    if rings:
        from gnn.detect import DetectConfig, find_rings

        t = time.perf_counter()
        out["rings_found"] = float(len(find_rings(export, q, DetectConfig(), "bench", "")))
        out["rings_s"] = time.perf_counter() - t
    out["peak_rss_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return out


def _one(n: int, epochs: int, threads: int, device: str, rings: bool, batch_size: int = 0,
         fanouts: tuple[int, ...] = (10, 10), inference_runs: int = 3) -> dict[str, float]:
    import numpy as np
    import torch

    torch.set_num_threads(threads)
    from gnn.data import to_hetero_data
    from gnn.model import ModelConfig, account_logits, build_model, metadata_of
    from gnn.sampler import build_csr
    from gnn.train import TrainConfig, train_epoch_sampled, train_step
    from testing.synthetic import make_export

    out: dict[str, float] = {"accounts": n}
    t = time.perf_counter()
    export, _ = make_export(n, seed=0)
    out["generate_s"] = time.perf_counter() - t
    out["edges"] = float(sum(len(e.src) for e in export.edges))
    t = time.perf_counter()
    data, _ = to_hetero_data(export)
    out["to_hetero_s"] = time.perf_counter() - t
    data = data.to(device)
    torch.manual_seed(0)
    model = build_model(metadata_of(data), ModelConfig()).to(device)
    with torch.no_grad():
        account_logits(model, data)
    opt = torch.optim.Adam(model.parameters(), lr=0.01)
    y = data["account"].y
    idx = torch.nonzero(y >= 0).view(-1)
    out["labelled"] = float(len(idx))
    cfg = TrainConfig(batch_size=batch_size, fanouts=fanouts)
    if batch_size:
        t = time.perf_counter()
        csr = build_csr(data.cpu())
        out["csr_s"] = time.perf_counter() - t
    rng = np.random.default_rng(0)
    times = []
    for _ in range(epochs + 1):  # the first epoch is a warm-up
        if device == "cuda":
            torch.cuda.synchronize()
        t = time.perf_counter()
        model.train()
        if batch_size:
            train_epoch_sampled(model, opt, data, csr, idx.cpu().numpy(), cfg, rng)
        else:
            train_step(model, opt, data, idx)
        if device == "cuda":
            torch.cuda.synchronize()
        times.append(time.perf_counter() - t)
    out["epoch_s_median"] = statistics.median(times[1:])
    out["epoch_s_max"] = max(times[1:])
    model.eval()
    inf = []
    for _ in range(inference_runs):
        t = time.perf_counter()
        with torch.no_grad():
            p = torch.sigmoid(account_logits(model, data)).cpu().numpy()
        inf.append(time.perf_counter() - t)
    out["inference_s_median"] = statistics.median(inf)
    out["inference_accounts_per_s"] = n / out["inference_s_median"]
    assert np.isfinite(p).all()
    if device == "cuda":
        out["gpu_peak_gib"] = torch.cuda.max_memory_allocated() / 2**30
    if rings:
        from gnn.detect import DetectConfig, find_rings

        t = time.perf_counter()
        found = find_rings(export, p, DetectConfig(), "bench", "")
        out["rings_s"] = time.perf_counter() - t
        out["rings_found"] = float(len(found))
    out["peak_rss_gib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--accounts", type=int, nargs="+", default=[100_000])
    ap.add_argument("--scorer", choices=("graphboost", "gnn"), default="graphboost")
    ap.add_argument("--fit-accounts", type=int, default=50_000, help="graphboost: the world the model is fitted on")
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--rings", action="store_true")
    ap.add_argument("--self-train", action="store_true", help="graphboost: fit on pseudo-labels too (the nightly's default)")
    ap.add_argument("--batch-size", type=int, default=0, help="sampled mini-batch training (0: full-batch)")
    ap.add_argument("--fanouts", type=int, nargs="+", default=[10, 10])
    ap.add_argument("--inference-runs", type=int, default=3, help="full inference passes timed (median)")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child and args.scorer == "graphboost":
        print(json.dumps(_one_boost(args.child, args.threads, args.rings, args.inference_runs, args.fit_accounts,
                                    args.self_train)))
        return
    if args.child:
        print(json.dumps(_one(args.child, args.epochs, args.threads, args.device, args.rings, args.batch_size,
                              tuple(args.fanouts), args.inference_runs)))
        return
    if args.scorer == "graphboost":
        print(f"graphboost (the nightly's scorer), threads={args.threads}")
        for n in args.accounts:
            r = _child([sys.executable, "-m", "bench.gnn_scale", "--scorer", "graphboost", "--child", str(n), "--threads",
                        str(args.threads), "--inference-runs", str(args.inference_runs),
                        "--fit-accounts", str(args.fit_accounts)] + (["--rings"] if args.rings else [])
                       + (["--self-train"] if args.self_train else []), n)
            if r:
                print(f"{n:>9} accounts, {r['edges']:.0f} edges, {r['labelled']:.0f} labelled: fit {r['fit_s']:.1f} s "
                      f"(on {r['fit_accounts']:.0f} accounts"
                      + (f"; + pseudo-label ring search {r['pseudo_s']:.1f} s" if "pseudo_s" in r else "") + "), "
                      f"inference {r['inference_s_median']:.1f} s (view {r['view_s_median']:.1f} s; "
                      f"{r['inference_accounts_per_s']:.0f} accounts/s), peak RSS {r['peak_rss_gib']:.2f} GiB"
                      + (f", rings {r['rings_s']:.1f} s ({r['rings_found']:.0f})" if "rings_s" in r else "")
                      + f" [generate {r['generate_s']:.1f} s]")
        return
    mode = (f"sampled training (batch {args.batch_size} seeds, fanouts {args.fanouts})" if args.batch_size
            else "full-batch training")
    print(f"{mode}, full-batch inference, device={args.device}, threads={args.threads}, epochs timed={args.epochs}")
    for n in args.accounts:
        cmd = [sys.executable, "-m", "bench.gnn_scale", "--scorer", "gnn", "--child", str(n), "--epochs", str(args.epochs),
               "--threads", str(args.threads), "--device", args.device, "--batch-size", str(args.batch_size),
               "--fanouts", *map(str, args.fanouts), "--inference-runs", str(args.inference_runs)]
        cmd += ["--rings"] if args.rings else []
        r = _child(cmd, n)
        if not r:
            continue
        print(f"{n:>9} accounts, {r['edges']:.0f} edges, {r['labelled']:.0f} labelled: epoch {r['epoch_s_median']:.3f} s (max {r['epoch_s_max']:.3f}), "
              f"inference {r['inference_s_median']:.3f} s ({r['inference_accounts_per_s']:.0f} accounts/s), "
              f"peak RSS {r['peak_rss_gib']:.2f} GiB"
              + (f", GPU peak {r['gpu_peak_gib']:.2f} GiB" if "gpu_peak_gib" in r else "")
              + (f", rings {r['rings_s']:.1f} s ({r['rings_found']:.0f})" if "rings_s" in r else "")
              + f" [generate {r['generate_s']:.1f} s, to_hetero {r['to_hetero_s']:.1f} s]")


def _child(cmd: list[str], n: int) -> dict[str, float] | None:
    """One size in its own process, so that its peak RSS is its own."""
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        print(f"{n:>9} accounts: FAILED (exit {proc.returncode}): {proc.stderr.strip().splitlines()[-1:]}")
        return None
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


if __name__ == "__main__":
    main()
