"""Command line: `python -m mpgd_train {train,eval,export,report} ...` (`--help` on each)."""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path

from .config import add_config_flags, config_from_args


def _command(args: argparse.Namespace) -> str:
    """The command line that reproduces this run (the arguments `main` was given)."""
    return "python -m mpgd_train " + " ".join(shlex.quote(a) for a in args.argv)


def _print(obj) -> None:
    print(json.dumps(obj, indent=2, default=str))


def cmd_train(args: argparse.Namespace) -> int:
    from .train import train

    res = train(config_from_args(args))
    _print({"run_dir": str(res.run_dir), res.split: res.metrics})
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .data import load_samples
    from .train import evaluate, load_checkpoint, pick_device

    device = pick_device(args.device or "")
    model, norm, cfg, _ = load_checkpoint(args.checkpoint, device)
    dataset = args.dataset or cfg.dataset
    samples = load_samples(dataset, cfg.resolved_task(), None if args.split == "all" else args.split)
    data = [norm.apply(s.x, s.y) for s in samples]
    _print({"checkpoint": args.checkpoint, "dataset": dataset, "split": args.split, "metrics": evaluate(model, data, device, cfg.task)})
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from .export import export_trained, write_model_card
    from .train import load_checkpoint

    model, norm, cfg, _ = load_checkpoint(args.checkpoint)
    dataset = args.dataset or cfg.dataset
    summary = export_trained(model, norm, cfg, dataset, args.out)
    if args.card:
        baselines = None
        if args.baselines:
            from .study import baseline_scores

            baselines = baseline_scores(dataset, norm.label_scale)
        write_model_card(summary, cfg, dataset, _command(args), Path(args.out).with_suffix(".md"), baselines)
    _print({k: v for k, v in summary.items() if k != "metadata"})
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .report import run_report

    base = config_from_args(args)
    lams = [float(v) for v in args.sweep_lambdas.split(",") if v] if args.sweep_lambdas else []
    rows = run_report(
        base,
        results_dir=args.results_dir,
        runs_dir=args.runs_dir,
        losses=[v for v in args.losses.split(",") if v],
        sweep_lambdas=lams,
        sweep_per_sample=args.sweep_per_sample,
        export_dir=args.export_dir,
        command=_command(args),
    )
    _print(rows)
    return 0


def cmd_study(args: argparse.Namespace) -> int:
    from .study import baseline_scores, run_ablation, run_seeds, summarise_runs

    if args.what == "runs":
        print(summarise_runs(args.run_dirs), end="")
        return 0
    base = config_from_args(args)
    if args.what == "merge-seeds":
        from .study import merge_seeds

        _print(merge_seeds(args.run_dirs, base, args.results_dir, _command(args)))
        return 0
    if args.what == "baselines":
        _print(baseline_scores(base.dataset, base.label_scale, base.val_designs))
    elif args.what == "egr-samples":
        from .study import baseline_per_sample

        _print(baseline_per_sample(base.dataset))
    elif args.what == "regimes":
        from .study import regime_pearson

        _print(regime_pearson(base.dataset, args.run_dirs))
    elif args.what == "ablation":
        sets = dict(item.split("=", 1) for item in args.input_sets.split(";") if item)
        _print(run_ablation(base, sets, args.results_dir, args.runs_dir, _command(args)))
    else:
        seeds = [int(v) for v in args.seeds.split(",") if v]
        lams = [float(v) for v in args.sweep_lambdas.split(",") if v]
        mse_rows = json.loads(Path(args.reuse_mse).read_text()) if args.reuse_mse else []
        _print(run_seeds(base, seeds, args.results_dir, args.runs_dir, lams, _command(args), mse_rows))
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m mpgd_train", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)

    t = sub.add_parser("train", help="train one model (YAML --config sets options, flags win)")
    add_config_flags(t)
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("eval", help="evaluate a checkpoint on a split")
    e.add_argument("--checkpoint", required=True)
    e.add_argument("--dataset", help="default: the checkpoint's dataset")
    e.add_argument("--split", default="test", choices=["train", "test", "all"])
    e.add_argument("--device", default="")
    e.set_defaults(func=cmd_eval)

    x = sub.add_parser("export", help="export a checkpoint to ONNX with metadata, checked against onnxruntime")
    x.add_argument("--checkpoint", required=True)
    x.add_argument("--dataset", help="default: the checkpoint's dataset (for the hash, metrics and parity)")
    x.add_argument("--out", required=True, help="the .onnx file to write")
    x.add_argument("--card", action="store_true", help="also write a model card (.md beside the .onnx)")
    x.add_argument("--baselines", action="store_true", help="with --card: score the egr and RUDY maps beside the model")
    x.set_defaults(func=cmd_export)

    r = sub.add_parser("report", help="train MSE, shrinkage and MPGD alike and compare them")
    add_config_flags(r)
    r.add_argument("--results-dir", default="docs/results", help="where training.json/.md and the PNGs go")
    r.add_argument("--runs-dir", default="out/train-report", help="where the training runs go")
    r.add_argument("--losses", default="mse,shrinkage,mpgd")
    r.add_argument("--sweep-lambdas", default="", help="comma-separated extra MPGD lambdas, e.g. 0.001,0.003,0.02")
    r.add_argument("--sweep-per-sample", action="store_true", help="also run MPGD with the other selection mode")
    r.add_argument("--export-dir", default=None, help="export the MSE and MPGD models (ONNX + model card) here")
    r.set_defaults(func=cmd_report)

    s = sub.add_parser("study", help="baselines (egr-samples: the egr map's per-sample Pearson), an input ablation, or MSE vs MPGD over seeds")
    add_config_flags(s)
    s.add_argument("what", choices=["baselines", "egr-samples", "regimes", "ablation", "seeds", "runs", "merge-seeds"])
    s.add_argument("run_dirs", nargs="*", help="runs: finished run folders to tabulate (grouped by name without _s<seed>); merge-seeds: seeds.json files to join; regimes: run folders (or checkpoints) to score by regime")
    s.add_argument("--input-sets", default="", help="ablation: NAME=ch1,ch2;NAME2=model:ch1,... (empty inputs: the task's)")
    s.add_argument("--seeds", default="0,1,2,3,4", help="seeds: comma-separated seeds")
    s.add_argument("--sweep-lambdas", default="", help="seeds: extra MPGD lambdas run on the first seed")
    s.add_argument("--reuse-mse", default="", help="seeds: take the MSE runs from this seeds.json (same settings) and train MPGD only")
    s.add_argument("--results-dir", default="docs/results")
    s.add_argument("--runs-dir", default="out/study")
    s.set_defaults(func=cmd_study)
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.argv = argv
    try:
        return args.func(args)
    except (ValueError, FileNotFoundError) as err:
        print(f"mpgd_train: {err}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
