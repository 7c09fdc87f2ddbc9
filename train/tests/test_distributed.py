"""The Ray runner (mpgd_train.distributed) on a local 2-CPU Ray: the smoke dataset built as 2 shards
with the real `mpgd` binary merges into the bytes of a single-process build, a killed shard is
retried, a shard that keeps failing stops the build before the merge, and a compare sweep (with a
fake `mpgd` that records its arguments) collects one table."""

from __future__ import annotations

import csv
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import ray

from mpgd_train import distributed
from mpgd_train.distributed import REPO, RunnerError, load_plan, run_compare, run_dataset

SMOKE = str(REPO / "datasets" / "smoke.toml")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield
    ray.shutdown()


def real_mpgd() -> str:
    """The mpgd binary under test: $MPGD_BIN, else target/release or target/debug (scripts/test.sh
    builds it before the Python suite). Missing is a failure, not a skip."""
    try:
        return distributed.find_mpgd(None)
    except RunnerError as e:
        pytest.fail(f"{e} (scripts/test.sh builds it before the Python suite)")


def script(path: Path, text: str) -> str:
    path.write_text(text)
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return str(path)


def test_dataset_shards_merge_into_the_single_build_and_a_killed_shard_is_retried(local_ray, tmp_path):
    mpgd = real_mpgd()
    calls = tmp_path / "calls.log"
    marker = tmp_path / "killed-once"
    # Shard 2/2 is killed (SIGKILL) the first time it starts; every call is logged.
    wrapper = script(tmp_path / "mpgd-flaky", f"""#!/bin/sh
echo "$*" >> {calls}
case "$*" in *"--shard 2/2"*)
  if [ ! -e {marker} ]; then touch {marker}; kill -9 $$; fi;;
esac
exec {mpgd} "$@"
""")
    out = tmp_path / "sharded"
    res = run_dataset(SMOKE, str(out), 2, mpgd=wrapper, retries=1)
    assert [s["label"] for s in res["shards"]] == ["shard 1/2", "shard 2/2"]
    log = calls.read_text().splitlines()
    assert sum("--shard 1/2" in c for c in log) == 1
    assert sum("--shard 2/2" in c for c in log) == 2, "the killed shard ran again"
    assert sum("--merge" in c for c in log) == 1

    single = tmp_path / "single"
    subprocess.run([mpgd, "--threads", "2", "dataset", "--quiet", "--config", SMOKE, "--out", str(single)],
                   check=True, env={**os.environ, **distributed._worker_env()})
    for name in ("dataset.parquet", "manifest.json"):
        assert (out / name).read_bytes() == (single / name).read_bytes(), f"{name} differs from the single build"


def test_a_shard_that_keeps_failing_stops_before_the_merge(local_ray, tmp_path):
    calls = tmp_path / "calls.log"
    broken = script(tmp_path / "mpgd-broken", f"""#!/bin/sh
echo "$*" >> {calls}
case "$*" in *"--shard 1/2"*) echo "mpgd: no space left on device" >&2; exit 1;; esac
""")
    out = tmp_path / "out"
    with pytest.raises(RunnerError, match=r"shard 1/2 failed after 1 retries: shard 1/2: mpgd: no space left on device"):
        run_dataset(SMOKE, str(out), 2, mpgd=broken, retries=1)
    log = calls.read_text().splitlines()
    assert sum("--shard 1/2" in c for c in log) == 2
    assert not any("--merge" in c for c in log)
    assert not (out / "dataset.parquet").exists()


FAKE_COMPARE = """#!{python}
# A stand-in for `mpgd compare`: logs its arguments, fails the first run of one entry, writes a
# compare.json of two rows whose numbers come from its arguments.
import json, os, sys
args = sys.argv[1:]
with open({log!r}, "a") as f:
    f.write(json.dumps(args) + "\\n")
out = args[args.index("--out") + 1]
if "*=0.5" in args and "region" in args and not os.path.exists({marker!r}):
    open({marker!r}, "w").close()
    sys.exit("mpgd: simulated crash")
mode = args[args.index("--mode") + 1]
os.makedirs(out)
rows = [
    {{"run": run, "mode": mode, "total_overflow": float(len(args) * k), "layers": [{{"name": "metal2"}}],
      "overflowed_gcells": k}}
    for k, run in ((1, "none"), (2, "oracle"))
]
json.dump(rows, open(os.path.join(out, "compare.json"), "w"))
open(os.path.join(out, "compare.md"), "w").write("table\\n")
"""


def test_compare_sweep_runs_every_entry_and_collects_one_table(local_ray, tmp_path):
    log, marker = tmp_path / "calls.jsonl", tmp_path / "crashed-once"
    fake = script(tmp_path / "mpgd-fake", FAKE_COMPARE.format(python=sys.executable, log=str(log), marker=str(marker)))
    (tmp_path / "m.onnx").write_bytes(b"")
    plan = tmp_path / "plan.toml"
    plan.write_text(f"""
designs_dir = "{REPO / 'tests' / 'data'}"
modes = ["region", "prior"]
models = ["m.onnx"]
args = ["--iterations", "3"]

[[design]]
name = "nangate45/gcd"
lefs = ["nangate45/gcd/Nangate45.lef"]
def = "nangate45/gcd/gcd.def"

[[variant]]
name = "clean"

[[variant]]
name = "d50"
args = ["--layer-adjust", "*=0.5"]
""")
    res = run_compare(str(plan), str(tmp_path / "sweep"), mpgd=fake, retries=1)
    assert res["failures"] == []
    calls = [json.loads(line) for line in log.read_text().splitlines()]
    assert len(calls) == 5, "four entries, one retried"
    for c in calls:
        assert c[:3] == ["--threads", "1", "compare"]
        assert c[c.index("--model") + 1] == str(tmp_path / "m.onnx")
        assert c[c.index("--def") + 1].endswith("tests/data/nangate45/gcd/gcd.def")
        assert c[c.index("--iterations") + 1] == "3"
    names = ["nangate45_gcd-clean-region", "nangate45_gcd-clean-prior", "nangate45_gcd-d50-region", "nangate45_gcd-d50-prior"]
    for n in names:
        assert (tmp_path / "sweep" / n / "compare.json").is_file()
    with open(res["csv"]) as f:
        table = list(csv.DictReader(f))
    assert [r["entry"] for r in table] == [n for n in names for _ in range(2)], "plan order, two rows each"
    assert [r["run"] for r in table[:2]] == ["none", "oracle"]
    assert {r["mode"] for r in table} == {"region", "prior"}
    assert all(r["mode"] == r["plan_mode"] for r in table)
    assert "layers" not in table[0], "lists stay in compare.json"
    # Each row's numbers come from its own run's arguments (the fake's total_overflow = k * argc).
    for r in table:
        own = [c for c in calls if c[c.index("--mode") + 1] == r["plan_mode"] and ("*=0.5" in c) == (r["variant"] == "d50")]
        k = 1 if r["run"] == "none" else 2
        assert float(r["total_overflow"]) == k * len(own[-1])
    md = Path(res["md"]).read_text().splitlines()
    assert md[0].startswith("| entry | design | variant | plan_mode | run | mode | total_overflow")
    assert len(md) == 2 + 8


def test_a_bad_plan_is_one_line(tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text('[[design]]\nname = "x"\nlefs = ["a.lef"]\ndef = "x.def"\n')
    with pytest.raises(RunnerError, match="design 'x': file not found"):
        load_plan(str(plan))
    plan.write_text('mode = ["region"]\n')
    with pytest.raises(RunnerError, match="unknown key 'mode'"):
        load_plan(str(plan))
    plan.write_text("modes = [\n")
    with pytest.raises(RunnerError, match="plan.toml: "):
        load_plan(str(plan))
