"""Two-step training smoke tests, CLI round trip and a tiny report (all on a synthetic dataset)."""

import csv
import json

import numpy as np
import pytest

from mpgd_train.__main__ import main
from mpgd_train.config import load_config
from mpgd_train.export import read_metadata
from mpgd_train.report import REPORT_KEYS, steps_to_reach
from mpgd_train.train import cosine_lr, load_checkpoint, train


def _cfg(dataset, out, **kw):
    base = dict(dataset=str(dataset), out=str(out), steps=2, batch_size=2, crop=16, eval_every=1, checkpoint_every=1, progress=False, threads=2)
    base.update(kw)
    return load_config(None, **base)


def test_cosine_schedule_endpoints():
    assert cosine_lr(0, 100, 2e-4, 1e-7) == pytest.approx(2e-4)
    assert cosine_lr(50, 100, 2e-4, 1e-7) == pytest.approx(1e-7 + 0.5 * (2e-4 - 1e-7))
    assert cosine_lr(100, 100, 2e-4, 1e-7) == pytest.approx(1e-7)


@pytest.mark.parametrize("task, loss", [("congestion", "mpgd"), ("drv", "mse")])
def test_two_step_training_writes_a_run(task, loss, tiny_dataset, tmp_path):
    res = train(_cfg(tiny_dataset, tmp_path / "run", task=task, loss=loss))
    run = tmp_path / "run"
    for name in ("config.yaml", "steps.csv", "eval.csv", "checkpoint_1.pt", "checkpoint_2.pt", "final.pt", "metrics.json"):
        assert (run / name).exists(), name
    rows = list(csv.DictReader(open(run / "steps.csv")))
    assert [r["step"] for r in rows] == ["1", "2"]
    assert set(rows[0]) == {"step", "loss", "selected_fraction", "lr", "seconds"}
    assert all(0.0 <= float(r["selected_fraction"]) <= 1.0 and np.isfinite(float(r["loss"])) for r in rows)
    assert float(rows[0]["lr"]) == pytest.approx(res.config.lr)
    for key in ("nrms", "ssim", "emd", "peak_nrmse", "r2", "hotspot_precision", "hotspot_recall"):
        assert key in res.metrics
    if task == "drv":
        assert "roc_auc" in res.metrics
    model, norm, cfg, ck = load_checkpoint(run / "final.pt")
    assert ck["step"] == 2 and cfg.task == task and norm.channels == list(res.normalizer.channels)


def test_same_seed_same_losses(tiny_dataset, tmp_path):
    a = train(_cfg(tiny_dataset, tmp_path / "a", eval_every=0, checkpoint_every=0))
    b = train(_cfg(tiny_dataset, tmp_path / "b", eval_every=0, checkpoint_every=0))
    assert [r["loss"] for r in a.steps] == [r["loss"] for r in b.steps]


def test_cli_train_eval_export(tiny_dataset, tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["train", "--dataset", str(tiny_dataset), "--out", str(run), "--steps", "2", "--batch-size", "2", "--crop", "16",
                 "--eval-every", "1", "--progress", "false", "--loss", "shrinkage"]) == 0
    capsys.readouterr()
    assert main(["eval", "--checkpoint", str(run / "final.pt")]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["split"] == "test" and "nrms" in out["metrics"]
    onnx_path = tmp_path / "m.onnx"
    assert main(["export", "--checkpoint", str(run / "final.pt"), "--out", str(onnx_path), "--card"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["parity_max_abs_diff"] <= 1e-5
    meta = read_metadata(onnx_path)
    assert meta["mpgd.loss"] == "shrinkage" and json.loads(meta["mpgd.input_channels"]) == ["macro_region", "rudy", "rudy_pin"]
    assert len(meta["mpgd.dataset_sha256"]) == 64 and "nrms" in json.loads(meta["mpgd.metrics"])
    assert (tmp_path / "m.md").exists()


def test_cli_reports_a_missing_dataset(tmp_path, capsys):
    assert main(["train", "--out", str(tmp_path / "r"), "--steps", "1"]) == 1
    assert "dataset" in capsys.readouterr().err


def test_steps_to_reach():
    evals = [{"step": 0, "nrms": 0.5}, {"step": 10, "nrms": 0.2}, {"step": 20, "nrms": 0.1}]
    assert steps_to_reach(evals, 0.2) == 10 and steps_to_reach(evals, 0.05) is None


def test_tiny_report(tiny_dataset, tmp_path, capsys):
    results = tmp_path / "results"
    assert main(["report", "--dataset", str(tiny_dataset), "--steps", "2", "--batch-size", "2", "--crop", "16", "--eval-every", "1",
                 "--progress", "false", "--results-dir", str(results), "--runs-dir", str(tmp_path / "runs")]) == 0
    rows = json.loads((results / "training.json").read_text())
    assert [r["loss"] for r in rows] == ["mse", "shrinkage", "mpgd"]
    for r in rows:
        assert set(REPORT_KEYS) <= set(r)
        assert r["command"].startswith("python -m mpgd_train report")
    assert rows[0]["steps_to_mse_final_nrms"] is not None  # MSE reaches its own final NRMS
    md = (results / "training.md").read_text()
    assert "| mpgd |" in md and "peakNRMSE" in md
    for png in ("curve_loss.png", "curve_selected_fraction.png", "curve_nrms.png", "curve_peak_nrmse.png"):
        assert (results / png).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_val_designs_hold_out_training_designs(tiny_dataset, tmp_path):
    from mpgd_train.data import Normalizer, get_task, hold_out, load_samples

    train_samples = load_samples(tiny_dataset, "congestion", "train")
    kept, held = hold_out(train_samples, "syn_c")
    assert {s.design for s in held} == {"syn_c"} and "syn_c" not in {s.design for s in kept}
    assert len(kept) + len(held) == len(train_samples)
    res = train(_cfg(tiny_dataset, tmp_path / "run", val_designs="syn_c", eval_every=0, checkpoint_every=0))
    saved = json.load(open(tmp_path / "run" / "metrics.json"))
    assert res.split == "val" and "val" in saved and "test" not in saved
    assert res.metrics["samples"] == len(held)
    # the normalisation is fitted on the kept designs only
    assert res.normalizer.to_dict() == Normalizer.fit(kept, get_task("congestion")).to_dict()
    with pytest.raises(ValueError, match="syn_x"):
        hold_out(train_samples, "syn_x")
    with pytest.raises(ValueError, match="leaves no training sample"):
        hold_out(train_samples, "syn_a,syn_b,syn_c")


def test_mpgd_variants_reach_the_training_loop(tiny_dataset, tmp_path):
    # 4 steps, warm-up 0.5: steps 1-2 (progress 0, 1/3) are MSE (|S|/N = 1), steps 3-4 AMSE over the top 10%
    res = train(_cfg(tiny_dataset, tmp_path / "v", steps=4, eval_every=0, checkpoint_every=0, loss="mpgd", mse_warmup=0.5, top_q=0.1))
    fractions = [r["selected_fraction"] for r in res.steps]
    assert fractions[:2] == [1.0, 1.0]
    assert all(0.1 <= f < 0.11 for f in fractions[2:]), fractions
    # a λ schedule from 1.0 (nothing selected: MSE fallback, |S|/N 0) to 0 (everything but exact hits)
    res = train(_cfg(tiny_dataset, tmp_path / "s", steps=3, eval_every=0, checkpoint_every=0, loss="mpgd", lam=1.0, lam_schedule="linear", lam_end=0.0))
    fractions = [r["selected_fraction"] for r in res.steps]
    assert fractions[0] == 0.0 and fractions[2] > 0.9, fractions
    _, _, cfg, _ = load_checkpoint(tmp_path / "s" / "final.pt")
    assert (cfg.lam_schedule, cfg.lam_end) == ("linear", 0.0)


def test_cli_takes_the_mpgd_variant_flags(tiny_dataset, tmp_path):
    run = tmp_path / "cli"
    assert main(["train", "--dataset", str(tiny_dataset), "--out", str(run), "--steps", "2", "--batch-size", "2", "--crop", "16",
                 "--eval-every", "0", "--progress", "false", "--loss", "mpgd", "--lam-schedule", "cosine", "--lam", "0.02",
                 "--lam-end", "0.002", "--mse-warmup", "0.25", "--threads", "1"]) == 0
    cfg = load_config(run / "config.yaml")
    assert (cfg.lam_schedule, cfg.lam, cfg.lam_end, cfg.mse_warmup, cfg.top_q) == ("cosine", 0.02, 0.002, 0.25, 0.0)
