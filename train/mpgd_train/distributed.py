"""Scale-out on Ray: dataset builds as shards and `mpgd compare` sweeps, one `mpgd` process per task.

    python -m mpgd_train.distributed dataset --config C --out DIR --shards N [--address ADDR] [--mpgd PATH]
    python -m mpgd_train.distributed compare --plan PLAN.toml [--out DIR] [--address ADDR] [--mpgd PATH]

`dataset` runs `mpgd dataset --shard I/N` for I = 1..N as Ray tasks, writes each shard's files
into DIR/shards as it finishes, then runs `mpgd dataset --merge` here: DIR/dataset.parquet and
DIR/manifest.json are byte-identical to a single-process build. `compare` runs
`mpgd compare ... --out DIR/<entry>` for every design × variant × mode of a plan and collects the
rows of every compare.json into DIR/sweep.csv and DIR/sweep.md.

Each task declares `--cpus-per-task` CPUs to Ray and passes the same number to `mpgd --threads`.
A task whose `mpgd` fails (exit status, crash, kill) is retried `--retries` times (Ray's
`max_retries` with `retry_exceptions`). Tasks run `mpgd` in a temporary folder and return the
files it wrote, so the worker nodes need the `mpgd` binary and the design files at the same paths,
but no shared output folder. Without `--address` a local Ray is started. Ray is the scheduler;
nothing here schedules. docs/scale.md has the Ray cluster and Slurm recipes.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import ray
from tqdm import tqdm

REPO = Path(__file__).resolve().parents[2]


class RunnerError(Exception):
    """A failure a user can fix (bad plan, missing binary) or a task that failed after its retries."""


class TaskFailed(RuntimeError):
    """An `mpgd` process that did not succeed; raised inside a task, so Ray retries it."""


def find_mpgd(explicit: str | None = None) -> str:
    """The `mpgd` binary: --mpgd, else $MPGD_BIN (either must exist), else target/release/mpgd or
    target/debug/mpgd of this repository, else `mpgd` on PATH."""
    for given in (explicit, os.environ.get("MPGD_BIN")):
        if given:
            if Path(given).is_file() and os.access(given, os.X_OK):
                return str(Path(given).resolve())
            raise RunnerError(f"{given}: no such executable (the mpgd binary)")
    for built in (REPO / "target" / "release" / "mpgd", REPO / "target" / "debug" / "mpgd"):
        if built.is_file():
            return str(built)
    found = shutil.which("mpgd")
    if not found:
        raise RunnerError("mpgd binary not found: pass --mpgd PATH, set MPGD_BIN, or run `cargo build --release`")
    return found


def _worker_env() -> dict[str, str]:
    """The environment variables of this process that `mpgd` reads, with absolute paths."""
    env = {}
    if "MPGD_DESIGNS" in os.environ:
        env["MPGD_DESIGNS"] = str(Path(os.environ["MPGD_DESIGNS"]).resolve())
    return env


def _run_mpgd(cmd: list[str], env: dict[str, str], label: str) -> tuple[dict[str, bytes], float]:
    """Runs `cmd` with `{OUT}` replaced by a fresh temporary folder; returns the files written
    there (relative path -> bytes) and the seconds it took. Raises TaskFailed on any failure."""
    with tempfile.TemporaryDirectory(prefix="mpgd-task-") as tmp:
        out = Path(tmp) / "out"
        start = time.monotonic()
        proc = subprocess.run(
            [str(out) if a == "{OUT}" else a for a in cmd],
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        seconds = time.monotonic() - start
        if proc.returncode != 0:
            lines = [line for line in proc.stderr.splitlines() if line.strip()]
            why = lines[-1] if lines else f"exit status {proc.returncode}"
            if proc.returncode < 0:
                why = f"killed by signal {-proc.returncode}" + (f" ({why})" if lines else "")
            raise TaskFailed(f"{label}: {why}")
        files = {}
        if out.is_dir():
            for p in sorted(out.rglob("*")):
                if p.is_file():
                    files[str(p.relative_to(out))] = p.read_bytes()
        return files, seconds


@ray.remote
def _task(cmd: list[str], env: dict[str, str], label: str) -> dict:
    files, seconds = _run_mpgd(cmd, env, label)
    return {"label": label, "files": files, "seconds": seconds, "node": ray.util.get_node_ip_address()}


def _ensure_ray(address: str | None, num_cpus: int | None) -> None:
    if ray.is_initialized():
        return
    if address:
        ray.init(address=address, include_dashboard=False, log_to_driver=False)
    else:
        ray.init(num_cpus=num_cpus, include_dashboard=False, log_to_driver=False)


def _run_tasks(
    tasks: list[tuple[str, list[str]]],
    cpus: int,
    retries: int,
    on_done,
    desc: str,
) -> list[str]:
    """Submits one Ray task per (label, command), calls `on_done(result)` as each finishes (with a
    tqdm bar), and returns the failure messages of tasks that failed after their retries."""
    env = _worker_env()
    remote = _task.options(num_cpus=cpus, max_retries=retries, retry_exceptions=[TaskFailed])
    pending = {remote.remote(cmd, env, label): label for label, cmd in tasks}
    failures = []
    with tqdm(total=len(pending), desc=desc, unit="task", file=sys.stderr) as bar:
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            label = pending.pop(ready[0])
            try:
                on_done(ray.get(ready[0]))
            except (TaskFailed, ray.exceptions.RayError) as e:
                cause = e.cause if isinstance(e, ray.exceptions.RayTaskError) and e.cause else e
                failures.append(f"{label} failed after {retries} retries: {str(cause).splitlines()[0]}")
            bar.update(1)
    return failures


# ---------------------------------------------------------------------------------------- dataset


def run_dataset(
    config: str,
    out: str,
    shards: int,
    *,
    mpgd: str | None = None,
    address: str | None = None,
    cpus_per_task: int = 1,
    retries: int = 2,
    num_cpus: int | None = None,
) -> dict:
    """Builds the dataset of `config` into `out` as `shards` Ray tasks, then merges. Returns
    {"shards": [{"label", "seconds", "node"}...], "merge_seconds"}. Raises RunnerError when a
    shard still fails after its retries (nothing is merged then)."""
    if shards < 1:
        raise RunnerError(f"--shards {shards}: need at least 1")
    if not Path(config).is_file():
        raise RunnerError(f"{config}: no such configuration file")
    binary = find_mpgd(mpgd)
    shard_dir = Path(out) / "shards"
    _clear_shards(shard_dir)
    _ensure_ray(address, num_cpus)
    cfg_abs = str(Path(config).resolve())
    tasks = [
        (
            f"shard {i}/{shards}",
            [binary, "--threads", str(cpus_per_task), "dataset", "--quiet", "--config", cfg_abs,
             "--out", "{OUT}", "--shard", f"{i}/{shards}"],
        )
        for i in range(1, shards + 1)
    ]
    done = []

    def keep(result: dict) -> None:
        _write_files(Path(out), result["files"])
        done.append({k: result[k] for k in ("label", "seconds", "node")})

    failures = _run_tasks(tasks, cpus_per_task, retries, keep, "dataset shards")
    if failures:
        raise RunnerError("; ".join(sorted(failures)) + " (nothing merged)")
    start = time.monotonic()
    merge = subprocess.run(
        [binary, "dataset", "--quiet", "--config", config, "--out", out, "--merge"],
        env={**os.environ, **_worker_env()},
        stderr=subprocess.PIPE,
        text=True,
    )
    if merge.returncode != 0:
        raise RunnerError(merge.stderr.strip().splitlines()[-1] if merge.stderr.strip() else "merge failed")
    sys.stderr.write(merge.stderr)
    return {"shards": sorted(done, key=lambda d: d["label"]), "merge_seconds": time.monotonic() - start}


def _clear_shards(shard_dir: Path) -> None:
    """Removes shard files of an earlier run (they would make the merge refuse a different N)."""
    if shard_dir.is_dir():
        for p in shard_dir.glob("shard-*-of-*.*"):
            if p.suffix in (".json", ".parquet"):
                p.unlink()


def _write_files(root: Path, files: dict[str, bytes]) -> None:
    """Writes a task's files under `root`, each through a temporary name and a rename."""
    for rel, data in files.items():
        dest = root / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".part")
        tmp.write_bytes(data)
        tmp.replace(dest)


# ---------------------------------------------------------------------------------------- compare


@dataclass
class Entry:
    """One run of a sweep: a design in a variant with a steering mode."""

    name: str
    design: str
    variant: str
    mode: str
    args: list[str] = field(default_factory=list)


def load_plan(path: str) -> tuple[list[Entry], dict]:
    """Reads a sweep plan (TOML): `[[design]]` (name, lefs, def), `[[variant]]` (name, args),
    optional `modes`, `models`, `args`, `out`, `designs_dir`. Returns the entries (designs ×
    variants × modes, in that order) and the plan's top-level settings."""
    p = Path(path)
    try:
        plan = tomllib.loads(p.read_text())
    except OSError as e:
        raise RunnerError(f"{path}: cannot read: {e.strerror or e}") from None
    except tomllib.TOMLDecodeError as e:
        raise RunnerError(f"{path}: {e}") from None
    known = {"design", "variant", "modes", "models", "args", "out", "designs_dir"}
    unknown = sorted(set(plan) - known)
    if unknown:
        raise RunnerError(f"{path}: unknown key '{unknown[0]}' (known: {', '.join(sorted(known))})")
    base = p.resolve().parent
    if "designs_dir" in plan:
        designs_dir = base / plan["designs_dir"]
    else:
        designs_dir = Path(os.environ.get("MPGD_DESIGNS", REPO.parent / "shared" / "designs"))
    designs = plan.get("design") or []
    variants = plan.get("variant") or [{"name": "default", "args": []}]
    modes = plan.get("modes") or [""]
    if not designs:
        raise RunnerError(f"{path}: no [[design]] entries")
    models = [str((base / m).resolve()) for m in plan.get("models", [])]
    common = [a for m in models for a in ("--model", m)] + [str(a) for a in plan.get("args", [])]
    entries = []
    for d in designs:
        for key in ("name", "lefs", "def"):
            if key not in d:
                raise RunnerError(f"{path}: design {d.get('name', '?')!r} has no '{key}'")
        files = []
        for f in [*d["lefs"], d["def"]]:
            full = designs_dir / f
            if not full.is_file():
                raise RunnerError(f"{path}: design '{d['name']}': file not found: {full}")
            files.append(str(full.resolve()))
        design_args = [a for lef in files[:-1] for a in ("--lef", lef)] + ["--def", files[-1]]
        for v in variants:
            if "name" not in v:
                raise RunnerError(f"{path}: a [[variant]] has no 'name'")
            for mode in modes:
                mode_args = ["--mode", mode] if mode else []
                name = "-".join(x for x in (d["name"].replace("/", "_"), v["name"], mode) if x)
                entries.append(Entry(name, d["name"], v["name"], mode,
                                     design_args + [str(a) for a in v.get("args", [])] + mode_args + common))
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        dup = next(n for n in names if names.count(n) > 1)
        raise RunnerError(f"{path}: entry '{dup}' appears twice (design, variant and mode names must be unique)")
    return entries, plan


def run_compare(
    plan_path: str,
    out: str | None = None,
    *,
    mpgd: str | None = None,
    address: str | None = None,
    cpus_per_task: int = 1,
    retries: int = 2,
    num_cpus: int | None = None,
) -> dict:
    """Runs every entry of a sweep plan as a Ray task (`mpgd compare ... --out OUT/<entry>`) and
    writes OUT/sweep.csv and OUT/sweep.md (one line per compare row, prefixed with the entry).
    Returns {"rows", "csv", "md", "failures"}; failed entries are listed, not fatal to the others."""
    entries, plan = load_plan(plan_path)
    out_dir = Path(out or plan.get("out") or "out/sweep")
    binary = find_mpgd(mpgd)
    _ensure_ray(address, num_cpus)
    by_label = {e.name: e for e in entries}
    tasks = [
        (e.name, [binary, "--threads", str(cpus_per_task), "compare", *e.args, "--out", "{OUT}"])
        for e in entries
    ]
    collected: dict[str, list[dict]] = {}

    def keep(result: dict) -> None:
        name = result["label"]
        _write_files(out_dir / name, result["files"])
        raw = result["files"].get("compare.json")
        if raw is None:
            raise TaskFailed(f"{name}: mpgd compare wrote no compare.json")
        rows = json.loads(raw)
        if isinstance(rows, dict):
            rows = rows.get("rows", [rows])
        collected[name] = rows

    failures = _run_tasks(tasks, cpus_per_task, retries, keep, "compare runs")
    table = []
    for e in entries:  # plan order, whatever the finishing order
        for row in collected.get(e.name, []):
            table.append({"entry": e.name, "design": e.design, "variant": e.variant, "plan_mode": e.mode, **row})
    csv_path, md_path = _write_table(out_dir, table)
    return {"rows": table, "csv": str(csv_path), "md": str(md_path), "failures": failures}


def _columns(rows: list[dict]) -> list[str]:
    """Scalar columns in first-seen order (lists and objects stay in each compare.json)."""
    cols: list[str] = []
    for r in rows:
        for k, v in r.items():
            if k not in cols and not isinstance(v, (list, dict)):
                cols.append(k)
    return cols


def _write_table(out_dir: Path, rows: list[dict]) -> tuple[Path, Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    cols = _columns(rows)
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    w.writeheader()
    w.writerows(rows)
    csv_path = out_dir / "sweep.csv"
    csv_path.write_text(buf.getvalue())

    def cell(v) -> str:
        if isinstance(v, float):
            return f"{v:.4g}"
        return "" if v is None else str(v).replace("|", "\\|")

    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    lines += ["| " + " | ".join(cell(r.get(c)) for c in cols) + " |" for r in rows]
    md_path = out_dir / "sweep.md"
    md_path.write_text("\n".join(lines) + "\n")
    return csv_path, md_path


# ---------------------------------------------------------------------------------------- command line


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--address", help="Ray cluster address (default: start a local Ray)")
    p.add_argument("--mpgd", help="the mpgd binary (default: $MPGD_BIN, target/release/mpgd, PATH)")
    p.add_argument("--cpus-per-task", type=int, default=1, help="CPUs each task declares and mpgd --threads (default 1)")
    p.add_argument("--retries", type=int, default=2, help="retries of a failed task (default 2)")
    p.add_argument("--num-cpus", type=int, help="CPUs of the local Ray (default: all; ignored with --address)")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m mpgd_train.distributed", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    d = sub.add_parser("dataset", help="build a dataset as N shards on Ray, then merge")
    d.add_argument("--config", required=True)
    d.add_argument("--out", required=True)
    d.add_argument("--shards", type=int, required=True)
    _common(d)
    c = sub.add_parser("compare", help="run an mpgd compare sweep on Ray and collect one table")
    c.add_argument("--plan", required=True)
    c.add_argument("--out", help="output folder (default: the plan's `out`, else out/sweep)")
    _common(c)
    args = ap.parse_args(argv)
    opts = dict(mpgd=args.mpgd, address=args.address, cpus_per_task=args.cpus_per_task,
                retries=args.retries, num_cpus=args.num_cpus)
    try:
        if args.command == "dataset":
            res = run_dataset(args.config, args.out, args.shards, **opts)
            print(json.dumps(res, indent=2))
            return 0
        res = run_compare(args.plan, args.out, **opts)
        print(json.dumps({k: res[k] for k in ("csv", "md", "failures")} | {"rows": len(res["rows"])}, indent=2))
        for f in res["failures"]:
            print(f"mpgd_train.distributed: {f}", file=sys.stderr)
        return 1 if res["failures"] else 0
    except RunnerError as e:
        print(f"mpgd_train.distributed: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
