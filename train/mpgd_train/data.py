"""The dataset contract, normalisation, training crops and a synthetic dataset generator.

Dataset file (written by `mpgd dataset`): one Parquet file, one row per sample, columns
`id`, `design`, `technology`, `variant` (JSON), `split` ("train" | "test"), `nx`, `ny` (int32), `gcell_um`
(float64), and one `list<float32>` column per channel holding the map row-major as [ny, nx] with row 0 at
the bottom (`FEATURE_CHANNELS`, `LABEL_CHANNELS`; `drv` is optional). Values are raw (absolute scale).

Tasks (`TASKS`):
* `congestion` (GPDL): inputs `macro_region`, `rudy`, `rudy_pin` (CircuitNet: macro_region, RUDY, RUDY_pin);
  label `congestion` (= congestion_h + congestion_v). `TrainConfig.inputs` replaces the inputs by any
  dataset feature columns, e.g. the routing resources `capacity_h`, `capacity_v`, `rudy_over_capacity`,
  `rudy_pin_over_capacity`, the early-routing maps `egr_overflow_h`, `egr_overflow_v` and the maps after
  the router's first rip-up round `r1_overflow_h`, `r1_overflow_v` (same definition, a later snapshot).
* `drv` (RouteNet): 9 inputs in CircuitNet's order, mapped to our channel names:
    macro_region                       -> macro_region
    cell_density                       -> cell_density
    RUDY_long                          -> rudy_long
    RUDY_short                         -> rudy_short
    RUDY_pin_long                      -> rudy_pin_long
    congestion_eGR_horizontal_overflow -> egr_overflow_h
    congestion_eGR_vertical_overflow   -> egr_overflow_v
    congestion_GR_horizontal_overflow  -> congestion_h   (our global router's overflow map)
    congestion_GR_vertical_overflow    -> congestion_v
  label `drv`.

Normalisation (`Normalizer`):
* `fixed` (default, SPEC "Scale of features and labels"): each input channel is divided by one scale
  computed on the training split (`feature_stat`: `max`, or a percentile such as `p99.9`, over all pixels
  of all training samples); the label is divided by the maximum label value of the training split and
  clipped to [0, 1] (the model ends in a sigmoid). A scale of 0 is replaced by 1. The scales go into the
  ONNX metadata and the Rust side applies them identically: `x_c / scale_c`, prediction * label_scale.
* `minmax`: CircuitNet's per-sample min-max of every feature and of the label ((x - min) / (max - min),
  left as is when max == min). Only for comparison with published numbers.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

__all__ = [
    "FEATURE_CHANNELS",
    "LABEL_CHANNELS",
    "HISTORY_LABELS",
    "TASKS",
    "Task",
    "Sample",
    "Normalizer",
    "load_samples",
    "hold_out",
    "file_sha256",
    "CropBatcher",
    "make_synthetic",
]

FEATURE_CHANNELS: tuple[str, ...] = (
    "macro_region",
    "cell_density",
    "rudy",
    "rudy_long",
    "rudy_short",
    "rudy_pin",
    "rudy_pin_long",
    "pin_density",
    "egr_overflow_h",
    "egr_overflow_v",
    "capacity_h",
    "capacity_v",
    "rudy_over_capacity",
    "rudy_pin_over_capacity",
    "r1_overflow_h",
    "r1_overflow_v",
    "egr_utilization_h",
    "egr_utilization_v",
)
LABEL_CHANNELS: tuple[str, ...] = ("congestion_h", "congestion_v", "congestion", "drv", "history_h", "history_v", "history")
# The router's history cost when its negotiation ended (per GCell, as `mpgd compare --oracle history`
# reads it): a cost in tracks of overflow summed over the rip-up rounds, not a ratio. A model of one of
# these labels is exported with task "history", and `mpgd compare --model` steers with it as a history prior.
HISTORY_LABELS: tuple[str, ...] = ("history", "history_h", "history_v")
TASK_LABELS: dict[str, tuple[str, ...]] = {"congestion": ("congestion", "congestion_h", "congestion_v", *HISTORY_LABELS), "drv": ("drv",)}
META_COLUMNS: tuple[str, ...] = ("id", "design", "technology", "variant", "split", "nx", "ny", "gcell_um")


@dataclass(frozen=True)
class Task:
    name: str
    model: str
    inputs: tuple[str, ...]
    label: str


TASKS: dict[str, Task] = {
    "congestion": Task("congestion", "gpdl", ("macro_region", "rudy", "rudy_pin"), "congestion"),
    "drv": Task(
        "drv",
        "routenet",
        (
            "macro_region",
            "cell_density",
            "rudy_long",
            "rudy_short",
            "rudy_pin_long",
            "egr_overflow_h",
            "egr_overflow_v",
            "congestion_h",
            "congestion_v",
        ),
        "drv",
    ),
}


def get_task(name: str, inputs: str | Sequence[str] = "", label: str = "") -> Task:
    """The task `name`; `inputs` (a list, or names joined by commas) replaces its input channels, `label`
    (one of `TASK_LABELS[name]`) its label. A history label makes the task "history" (what the exported
    model's `mpgd.task` says: the router's history cost, not a congestion map)."""
    try:
        task = TASKS[name]
    except KeyError:
        raise ValueError(f"unknown task {name!r}; choose one of {sorted(TASKS)}") from None
    if label:
        if label not in TASK_LABELS[name]:
            raise ValueError(f"unknown label {label!r} for task {name!r}; choose one of {list(TASK_LABELS[name])}")
        task = Task("history" if label in HISTORY_LABELS else task.name, task.model, task.inputs, label)
    names = [c.strip() for c in inputs.split(",") if c.strip()] if isinstance(inputs, str) else list(inputs)
    if not names:
        return task
    unknown = [c for c in names if c not in FEATURE_CHANNELS]
    if unknown:
        raise ValueError(f"unknown input channel(s) {unknown}; choose from {list(FEATURE_CHANNELS)}")
    return Task(task.name, task.model, tuple(names), task.label)


@dataclass
class Sample:
    """One map of one design variant: raw inputs x [C, ny, nx] and raw label y [1, ny, nx] (float32)."""

    id: str
    design: str
    split: str
    x: np.ndarray
    y: np.ndarray


def file_sha256(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _column_maps(table: pa.Table, name: str, ny: np.ndarray, nx: np.ndarray) -> list[np.ndarray]:
    col = table.column(name).combine_chunks()
    offsets = col.offsets.to_numpy()
    values = col.values.to_numpy(zero_copy_only=False).astype(np.float32, copy=False)
    out = []
    for i in range(len(col)):
        a, b = int(offsets[i]), int(offsets[i + 1])
        if b - a != int(ny[i]) * int(nx[i]):
            raise ValueError(
                f"column {name!r} row {i}: {b - a} values, expected ny*nx = {int(ny[i])}*{int(nx[i])}"
            )
        out.append(values[a:b].reshape(int(ny[i]), int(nx[i])))
    return out


def _plain_strings(table: pa.Table) -> pa.Table:
    """polars writes `string_view` columns; some pyarrow versions cannot compare or filter them."""
    for i, field in enumerate(table.schema):
        if str(field.type) == "string_view":
            table = table.set_column(i, field.name, table.column(i).cast(pa.string()))
    return table


def load_samples(path: str | Path, task: str | Task, split: str | None = None) -> list[Sample]:
    """Read the samples of one split (or all when `split` is None) with the task's inputs and label."""
    task = get_task(task) if isinstance(task, str) else task
    path = Path(path)
    schema = pq.read_schema(path)
    needed = ["id", "design", "split", "nx", "ny", *task.inputs, task.label]
    missing = [c for c in needed if c not in schema.names]
    if missing:
        raise ValueError(f"{path}: dataset lacks column(s) {missing} needed by task {task.name!r}")
    table = _plain_strings(pq.read_table(path, columns=needed))
    if split is not None:
        mask = pc.equal(table.column("split"), split)
        table = table.filter(mask)
    ny = table.column("ny").to_numpy()
    nx = table.column("nx").to_numpy()
    maps = {c: _column_maps(table, c, ny, nx) for c in (*task.inputs, task.label)}
    ids = table.column("id").to_pylist()
    designs = table.column("design").to_pylist()
    splits = table.column("split").to_pylist()
    samples = []
    for i in range(table.num_rows):
        x = np.stack([maps[c][i] for c in task.inputs]).astype(np.float32)
        y = maps[task.label][i][None].astype(np.float32)
        samples.append(Sample(ids[i], designs[i], splits[i], x, y))
    return samples


def hold_out(samples: Sequence[Sample], designs: str | Sequence[str]) -> tuple[list[Sample], list[Sample]]:
    """Split `samples` (the training split) by design: (kept, held out). `designs` are exact design names
    (a list, or joined by commas); a name that matches no sample, or holding out every sample, is an error."""
    names = [d.strip() for d in designs.split(",") if d.strip()] if isinstance(designs, str) else list(designs)
    present = {s.design for s in samples}
    unknown = [d for d in names if d not in present]
    if unknown:
        raise ValueError(f"validation design(s) {unknown} not in the training split; it holds {sorted(present)}")
    held = [s for s in samples if s.design in names]
    kept = [s for s in samples if s.design not in names]
    if not kept:
        raise ValueError(f"holding out {names} leaves no training sample")
    return kept, held


def _stat(values: np.ndarray, stat: str) -> float:
    if values.size == 0:
        return 0.0
    if stat == "max":
        return float(values.max())
    if stat.startswith("p"):
        return float(np.percentile(values, float(stat[1:])))
    raise ValueError(f"unknown scale statistic {stat!r}; use 'max' or a percentile such as 'p99.9'")


@dataclass
class Normalizer:
    mode: str = "fixed"
    channels: list[str] = field(default_factory=list)
    scales: list[float] = field(default_factory=list)
    label: str = ""
    label_scale: float = 1.0
    feature_stat: str = "max"

    @classmethod
    def fit(cls, samples: Sequence[Sample], task: Task, mode: str = "fixed", feature_stat: str = "max", label_scale: float = 0.0) -> "Normalizer":
        if mode not in ("fixed", "minmax"):
            raise ValueError(f"unknown normalisation {mode!r}; use 'fixed' or 'minmax'")
        if not samples:
            raise ValueError("cannot fit the normalisation on an empty training split")
        scales = []
        for c in range(len(task.inputs)):
            s = _stat(np.concatenate([smp.x[c].ravel() for smp in samples]), feature_stat)
            scales.append(s if s > 0 else 1.0)
        ls = float(label_scale) if label_scale > 0 else float(max(float(smp.y.max()) for smp in samples))
        return cls(mode, list(task.inputs), scales, task.label, ls if ls > 0 else 1.0, feature_stat)

    def apply(self, x: np.ndarray, y: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray | None]:
        if self.mode == "minmax":
            xn = np.stack([_minmax(c) for c in x]).astype(np.float32)
            yn = None if y is None else np.stack([_minmax(c) for c in y]).astype(np.float32)
            return xn, yn
        s = np.asarray(self.scales, dtype=np.float32).reshape(-1, 1, 1)
        xn = (x / s).astype(np.float32)
        yn = None if y is None else np.clip(y / np.float32(self.label_scale), 0.0, 1.0).astype(np.float32)
        return xn, yn

    def to_dict(self) -> dict:
        return {
            "mode": self.mode,
            "channels": list(self.channels),
            "scales": [float(v) for v in self.scales],
            "label": self.label,
            "label_scale": float(self.label_scale),
            "feature_stat": self.feature_stat,
        }

    @classmethod
    def from_dict(cls, d: dict) -> "Normalizer":
        return cls(d["mode"], list(d["channels"]), [float(v) for v in d["scales"]], d["label"], float(d["label_scale"]), d.get("feature_stat", "max"))


def _minmax(a: np.ndarray) -> np.ndarray:
    lo, hi = float(a.min()), float(a.max())
    if hi == lo:
        return a
    return (a - lo) / (hi - lo)


class CropBatcher:
    """Endless random training batches: pick a sample uniformly, cut a random `crop` x `crop` window (a
    smaller map is zero-padded at the end of each axis), flip horizontally (the width axis) with
    probability 0.5 when `hflip`. Inputs and labels must already be normalised. Deterministic per seed."""

    def __init__(self, samples: Sequence[tuple[np.ndarray, np.ndarray]], crop: int, batch_size: int, hflip: bool, seed: int):
        if not samples:
            raise ValueError("no training samples")
        if crop % 4 != 0 or crop <= 0:
            raise ValueError(f"crop must be a positive multiple of 4, got {crop}")
        self.samples = samples
        self.crop = crop
        self.batch_size = batch_size
        self.hflip = hflip
        self.rng = np.random.default_rng(seed)

    def _one(self) -> tuple[np.ndarray, np.ndarray]:
        x, y = self.samples[int(self.rng.integers(len(self.samples)))]
        c = self.crop
        h, w = x.shape[-2:]
        i0 = int(self.rng.integers(h - c + 1)) if h > c else 0
        j0 = int(self.rng.integers(w - c + 1)) if w > c else 0
        xs = np.zeros((x.shape[0], c, c), np.float32)
        ys = np.zeros((y.shape[0], c, c), np.float32)
        hh, ww = min(c, h), min(c, w)
        xs[:, :hh, :ww] = x[:, i0 : i0 + hh, j0 : j0 + ww]
        ys[:, :hh, :ww] = y[:, i0 : i0 + hh, j0 : j0 + ww]
        if self.hflip and self.rng.random() < 0.5:
            xs = xs[:, :, ::-1]
            ys = ys[:, :, ::-1]
        return xs, ys

    def next(self) -> tuple[np.ndarray, np.ndarray]:
        xs, ys = zip(*(self._one() for _ in range(self.batch_size)))
        return np.ascontiguousarray(np.stack(xs)), np.ascontiguousarray(np.stack(ys))


# ----------------------------------------------------------------------------------------------------
# Synthetic datasets in the contract's format
# ----------------------------------------------------------------------------------------------------


def _blur(a: np.ndarray, sigma: float) -> np.ndarray:
    from scipy.ndimage import gaussian_filter

    return gaussian_filter(a, sigma, mode="nearest")


def _synthetic_maps(rng: np.random.Generator, ny: int, nx: int, with_drv: bool, gcell_um: float = 2.0) -> dict[str, np.ndarray]:
    macro = np.zeros((ny, nx), np.float32)
    for _ in range(int(rng.integers(0, 4))):
        h, w = int(rng.integers(ny // 8 + 1, ny // 3 + 2)), int(rng.integers(nx // 8 + 1, nx // 3 + 2))
        i, j = int(rng.integers(0, max(1, ny - h))), int(rng.integers(0, max(1, nx - w)))
        macro[i : i + h, j : j + w] = 1.0
    free = 1.0 - macro
    # cells: a smooth random density with a few dense clusters, none under macros
    dens = _blur(rng.random((ny, nx)), 3.0)
    for _ in range(int(rng.integers(1, 5))):
        ci, cj, r = rng.integers(0, ny), rng.integers(0, nx), rng.uniform(2, max(3, min(nx, ny) / 6))
        yy, xx = np.mgrid[0:ny, 0:nx]
        dens += rng.uniform(1, 3) * np.exp(-((yy - ci) ** 2 + (xx - cj) ** 2) / (2 * r * r))
    cell_density = np.round(4 * dens * free).astype(np.float32)
    pins = cell_density * rng.uniform(2.5, 4.0)
    pin_density = np.round(pins + rng.poisson(0.3, (ny, nx)) * free).astype(np.float32)
    # RUDY: demand spreads wider than the cells; long nets add a broad component
    rudy_short = (0.004 * _blur(cell_density, 1.0)).astype(np.float32)
    rudy_long = (0.006 * _blur(cell_density, 4.0) * rng.uniform(0.5, 1.5)).astype(np.float32)
    rudy = rudy_short + rudy_long
    rudy_pin = (0.003 * _blur(pin_density, 1.0)).astype(np.float32)
    rudy_pin_long = (0.6 * rudy_pin * _blur(cell_density, 4.0) / (1e-6 + _blur(cell_density, 4.0).max())).astype(np.float32)
    # a rough router: capacity drops over macros; overflow where demand exceeds it
    cap = 0.07 * (1.0 - 0.5 * _blur(macro, 1.0))
    demand_h = _blur(rudy + 0.5 * rudy_pin, 1.0) * rng.uniform(0.9, 1.3)
    demand_v = _blur(rudy + 0.3 * rudy_pin, 1.5) * rng.uniform(0.9, 1.3)
    cong_h = np.maximum(0.0, demand_h - cap) / cap
    cong_v = np.maximum(0.0, demand_v - cap) / cap
    egr_h = np.maximum(0.0, 0.9 * demand_h - cap) / cap
    egr_v = np.maximum(0.0, 0.9 * demand_v - cap) / cap
    cap_tracks = 20.0 * cap / 0.07
    maps = {
        "capacity_h": cap_tracks,
        "capacity_v": cap_tracks,
        "rudy_over_capacity": rudy * gcell_um / (2 * cap_tracks),
        "rudy_pin_over_capacity": rudy_pin * gcell_um / (2 * cap_tracks),
        "macro_region": macro,
        "cell_density": cell_density,
        "rudy": rudy,
        "rudy_long": rudy_long,
        "rudy_short": rudy_short,
        "rudy_pin": rudy_pin,
        "rudy_pin_long": rudy_pin_long,
        "pin_density": pin_density,
        "egr_overflow_h": egr_h,
        "egr_overflow_v": egr_v,
        "congestion_h": cong_h,
        "congestion_v": cong_v,
        "congestion": cong_h + cong_v,
        # after one rip-up round: between the early route and the final one (no random draw, so the
        # other columns stay as they were before these were added)
        "r1_overflow_h": 0.5 * (egr_h + cong_h),
        "r1_overflow_v": 0.5 * (egr_v + cong_v),
        # the early route's usage over capacity, unclipped (1 + egr where it overflows)
        "egr_utilization_h": 0.9 * demand_h / cap,
        "egr_utilization_v": 0.9 * demand_v / cap,
    }
    if with_drv:
        maps["drv"] = np.round(3.0 * _blur(np.maximum(0.0, cong_h + cong_v - 0.5), 1.0) + rng.poisson(0.02, (ny, nx))).astype(np.float32)
    return {k: np.asarray(v, np.float32) for k, v in maps.items()}


def make_synthetic(
    path: str | Path,
    n: int,
    *,
    size: tuple[int, int] | int = (48, 80),
    designs: Sequence[str] = ("syn_a", "syn_b", "syn_c", "syn_d"),
    test_designs: Sequence[str] | None = None,
    technology: str = "synthetic",
    gcell_um: float = 2.0,
    with_drv: bool = True,
    seed: int = 0,
    with_history: bool = False,
) -> Path:
    """Write `n` synthetic samples in the dataset contract's format to `path` and return it.

    Each sample gets random nx, ny in [size[0], size[1]] (or exactly `size` if an int), macros, cell
    clusters, RUDY/pin-RUDY maps derived from them and overflow labels from a crude capacity model, so the
    labels are learnable from the inputs. Samples are assigned to designs round-robin; the split is
    design-wise: `test_designs` (default: the last design) are "test", the others "train". `with_history` adds
    the `history_h`, `history_v`, `history` columns, made from the overflow labels without a random draw
    (10 x congestion per direction, a stand-in for a cost), so the other columns stay as they were."""
    if n <= 0:
        raise ValueError("n must be > 0")
    rng = np.random.default_rng(seed)
    lo, hi = (size, size) if isinstance(size, int) else size
    test_designs = list(test_designs) if test_designs is not None else [designs[-1]]
    rows: dict[str, list] = {c: [] for c in META_COLUMNS}
    channels = (*FEATURE_CHANNELS, *LABEL_CHANNELS[:3], *(("drv",) if with_drv else ()), *(HISTORY_LABELS if with_history else ()))
    maps_by_channel: dict[str, list[np.ndarray]] = {c: [] for c in channels}
    for i in range(n):
        design = designs[i % len(designs)]
        ny, nx = int(rng.integers(lo, hi + 1)), int(rng.integers(lo, hi + 1))
        variant = {"seed": int(i), "derate": round(float(rng.uniform(0.0, 0.3)), 3)}
        maps = _synthetic_maps(rng, ny, nx, with_drv, gcell_um)
        if with_history:
            maps["history_h"] = (10.0 * maps["congestion_h"]).astype(np.float32)
            maps["history_v"] = (10.0 * maps["congestion_v"]).astype(np.float32)
            maps["history"] = maps["history_h"] + maps["history_v"]
        rows["id"].append(f"{design}-{i:04d}")
        rows["design"].append(design)
        rows["technology"].append(technology)
        rows["variant"].append(json.dumps(variant, sort_keys=True))
        rows["split"].append("test" if design in test_designs else "train")
        rows["nx"].append(nx)
        rows["ny"].append(ny)
        rows["gcell_um"].append(float(gcell_um))
        for c in channels:
            maps_by_channel[c].append(maps[c].ravel())
    arrays: dict[str, pa.Array] = {
        "id": pa.array(rows["id"], pa.utf8()),
        "design": pa.array(rows["design"], pa.utf8()),
        "technology": pa.array(rows["technology"], pa.utf8()),
        "variant": pa.array(rows["variant"], pa.utf8()),
        "split": pa.array(rows["split"], pa.utf8()),
        "nx": pa.array(rows["nx"], pa.int32()),
        "ny": pa.array(rows["ny"], pa.int32()),
        "gcell_um": pa.array(rows["gcell_um"], pa.float64()),
    }
    for c in channels:
        parts = maps_by_channel[c]
        offsets = np.concatenate([[0], np.cumsum([len(p) for p in parts])]).astype(np.int32)
        values = pa.array(np.concatenate(parts).astype(np.float32), pa.float32())
        arrays[c] = pa.ListArray.from_arrays(pa.array(offsets, pa.int32()), values)
    table = pa.table(arrays)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path)
    return path
