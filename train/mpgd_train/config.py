"""Training configuration: typed dataclass; a YAML file sets values, command-line flags win; the resolved
configuration is written into the run folder (`config.yaml`)."""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import yaml

__all__ = ["TrainConfig", "load_config", "add_config_flags", "config_from_args", "save_config", "DEFAULT_CONFIGS"]

CONFIG_DIR = Path(__file__).resolve().parent / "configs"
DEFAULT_CONFIGS = {"congestion": CONFIG_DIR / "congestion.yaml", "drv": CONFIG_DIR / "drv.yaml"}


@dataclass
class TrainConfig:
    # data
    dataset: str = ""
    task: str = "congestion"  # congestion (GPDL) | drv (RouteNet)
    model: str = ""  # empty: the task's model
    inputs: str = ""  # input channels joined by commas; empty: the task's (GPDL: macro_region,rudy,rudy_pin)
    label: str = ""  # the label column to learn; empty: the task's (congestion: congestion). history, history_h, history_v: the router's history cost
    norm: str = "fixed"  # fixed (scales from the training split) | minmax (CircuitNet per-sample)
    feature_stat: str = "max"  # statistic for the fixed feature scales: max | pNN.N
    label_scale: float = 0.0  # fixed label scale (labels / scale, clipped to [0, 1]); 0: the training maximum
    crop: int = 64  # training crop side in GCells (multiple of 4)
    residual: str = ""  # "egr" / "r1": the model predicts a correction to the scaled egr (or round-1) map (models/residual.py)
    residual_sigma: float = 0.0  # Gaussian blur (GCells) of the egr map under the residual; 0: none
    per_direction: bool = False  # with residual egr: one correction per direction, trained on congestion_h/_v
    residual_gate: bool = False  # with a residual: the prediction is 0 wherever both base channels are 0
    hflip: bool = True
    val_designs: str = ""  # training designs held out as a validation split (names joined by commas); "": none
    # loss
    loss: str = "mpgd"  # mse | shrinkage | mpgd
    lam: float = 0.007
    per_sample: bool = False
    lam_schedule: str = "constant"  # MPGD: constant | linear | cosine, λ from `lam` to `lam_end`
    lam_end: float = 0.0
    mse_warmup: float = 0.0  # MPGD: share of the steps trained with plain MSE first
    top_q: float = 0.0  # MPGD: > 0 selects the top q share of |error| instead of |error| > λ
    loss_weight: float = 100.0
    shrink_a: float = 10.0
    shrink_c: float = 0.2
    # optimisation (CircuitNet's recipe: AdamW, cosine to 1e-7; lr 5e-3 instead of 2e-4 for short CPU budgets)
    steps: int = 2000
    batch_size: int = 16
    lr: float = 5e-3
    lr_min: float = 1e-7
    weight_decay: float = 0.0
    beta1: float = 0.9
    beta2: float = 0.999
    seed: int = 0
    # bookkeeping
    out: str = "runs/run"
    eval_every: int = 100  # steps between evaluations on the test split (learning curves)
    eval_max_samples: int = 32  # test samples used by the intermediate evaluations, evenly spaced over the split (the final one uses all)
    checkpoint_every: int = 500
    device: str = ""  # empty: TORCH_DEVICE, else cuda when present, else cpu
    threads: int = 0  # torch CPU threads; 0: all cores
    progress: bool = True

    def resolved_model(self) -> str:
        from .data import get_task

        return self.model or get_task(self.task).model

    def resolved_task(self):
        from .data import get_task

        return get_task(self.task, self.inputs, self.label)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


FIELD_HELP = {
    "dataset": "the dataset Parquet file",
    "task": "congestion (GPDL) or drv (RouteNet)",
    "model": "gpdl, routenet or fcn (default: the task's model)",
    "inputs": "input channels joined by commas (default: the task's)",
    "label": "label column to learn (default: the task's; congestion task: congestion, congestion_h, congestion_v, or history, history_h, history_v for the router's history cost, exported as task 'history')",
    "norm": "fixed (per-channel scales from the training split) or minmax (CircuitNet per-sample)",
    "feature_stat": "statistic of the fixed feature scales: max or a percentile such as p99.9",
    "label_scale": "fixed label scale; 0 = the training maximum",
    "crop": "training crop side in GCells (multiple of 4)",
    "residual": "'egr': predict a correction to the egr map scaled by gains fitted on the training split; 'r1': the same on the map after one rip-up round (r1_overflow_h + r1_overflow_v); '': none",
    "residual_sigma": "with --residual egr: Gaussian blur of the egr map in GCells (0 = none)",
    "residual_gate": "with --residual: multiply the prediction by 1 where the base map (egr_overflow_h + egr_overflow_v, or the r1 maps with --residual r1) is above 0 and 0 elsewhere, inside the model (so in the exported graph); 92 to 94 percent of the router's history cost and 96 percent of the congestion label lie where the pattern stage overflowed",
    "per_direction": "with --residual egr: one correction per direction, trained on congestion_h and congestion_v; the model's output (and the ONNX graph's) is still their sum",
    "hflip": "random horizontal flips (p = 0.5)",
    "val_designs": "training designs (exact names, joined by commas) held out of training as a validation split: the evaluations and metrics.json then use it instead of the test split (for choosing settings)",
    "loss": "mse, shrinkage or mpgd",
    "lam": "MPGD threshold lambda on |error|",
    "per_sample": "MPGD: select and average per sample instead of over the whole mini-batch",
    "lam_schedule": "MPGD: constant, linear or cosine: lambda moves from --lam (first step) to --lam-end (last step)",
    "lam_end": "MPGD: lambda at the last step of a --lam-schedule",
    "mse_warmup": "MPGD: share of the steps (0 to <1) trained with plain MSE before AMSE",
    "top_q": "MPGD: > 0 selects the top q share of |error| per batch (per sample with --per-sample) instead of |error| > lambda",
    "loss_weight": "loss multiplier (CircuitNet: 100)",
    "shrink_a": "shrinkage loss a",
    "shrink_c": "shrinkage loss c",
    "steps": "training steps (mini-batches)",
    "batch_size": "crops per mini-batch",
    "lr": "peak learning rate (cosine schedule)",
    "lr_min": "final learning rate",
    "weight_decay": "AdamW weight decay",
    "beta1": "AdamW beta1",
    "beta2": "AdamW beta2",
    "seed": "seed of random, numpy and torch",
    "out": "run folder",
    "eval_every": "steps between test evaluations (learning curves); 0 = only at the end",
    "eval_max_samples": "test samples in the intermediate evaluations, evenly spaced over the split (0 = all)",
    "checkpoint_every": "steps between checkpoints; 0 = only final.pt",
    "device": "cpu, cuda, cuda:1, ... (default: TORCH_DEVICE, else cuda when present, else cpu)",
    "threads": "torch CPU threads (0 = all cores)",
    "progress": "show a tqdm progress bar",
}


def _coerce(name: str, value: Any, typ: type) -> Any:
    if typ is bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("1", "true", "yes", "on"):
            return True
        if isinstance(value, str) and value.lower() in ("0", "false", "no", "off"):
            return False
        raise ValueError(f"config {name}: expected a boolean, got {value!r}")
    try:
        return typ(value)
    except (TypeError, ValueError):
        raise ValueError(f"config {name}: expected {typ.__name__}, got {value!r}") from None


_TYPES = {"bool": bool, "int": int, "float": float, "str": str}


def _field_types() -> dict[str, type]:
    return {f.name: _TYPES[f.type] if isinstance(f.type, str) else f.type for f in fields(TrainConfig)}


def load_config(path: str | Path | None = None, **overrides: Any) -> TrainConfig:
    """Defaults < YAML file < overrides (None values in overrides are ignored)."""
    values: dict[str, Any] = {}
    types = _field_types()
    if path:
        with open(path) as f:
            data = yaml.safe_load(f) or {}
        unknown = sorted(set(data) - set(types))
        if unknown:
            raise ValueError(f"{path}: unknown option(s) {unknown}")
        values.update(data)
    values.update({k: v for k, v in overrides.items() if v is not None})
    return TrainConfig(**{k: _coerce(k, v, types[k]) for k, v in values.items()})


def add_config_flags(parser: argparse.ArgumentParser) -> None:
    """One typed flag per option (default None so that the YAML value stays unless a flag is given)."""
    parser.add_argument("--config", help="YAML file with option values (flags win)")
    for f in fields(TrainConfig):
        typ = _field_types()[f.name]
        flag = "--" + f.name.replace("_", "-")
        if typ is bool:
            parser.add_argument(flag, dest=f.name, type=lambda s, n=f.name: _coerce(n, s, bool), default=None, metavar="BOOL", help=FIELD_HELP.get(f.name))
        else:
            parser.add_argument(flag, dest=f.name, type=typ, default=None, help=FIELD_HELP.get(f.name))


def config_from_args(args: argparse.Namespace) -> TrainConfig:
    overrides = {f.name: getattr(args, f.name, None) for f in fields(TrainConfig)}
    path = args.config
    if path is None and overrides.get("task") in DEFAULT_CONFIGS:
        path = DEFAULT_CONFIGS[overrides["task"]]
    elif path is None:
        path = DEFAULT_CONFIGS["congestion"]
    return load_config(path, **overrides)


def save_config(cfg: TrainConfig, path: str | Path) -> None:
    with open(path, "w") as f:
        yaml.safe_dump(cfg.to_dict(), f, sort_keys=False)
