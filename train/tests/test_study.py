"""`study runs`: the table of finished run folders (grouped by name without _s<seed>)."""

import json

import pytest

from mpgd_train.__main__ import main
from mpgd_train.study import summarise_runs


def _run(d, split, pearson, sel):
    d.mkdir()
    (d / "metrics.json").write_text(json.dumps({"dataset_sha256": "x", split: {"pearson": pearson, "r2": 2 * pearson}}))
    (d / "steps.csv").write_text("step,loss,selected_fraction,lr,seconds\n" + "".join(f"{i},1,{sel},0.1,1\n" for i in range(150)))
    return d


def test_summarise_runs_groups_seeds(tmp_path, capsys):
    dirs = [_run(tmp_path / "mse_s0", "val", 0.5, 1.0), _run(tmp_path / "mse_s1", "val", 0.7, 1.0), _run(tmp_path / "mpgd_lam0.02", "test", 0.4, 0.25)]
    text = summarise_runs(dirs, metrics=("pearson", "r2"))
    lines = text.splitlines()
    assert lines[2] == "| mse | val | 0,1 | 0.6000 ± 0.1414 | 1.2000 ± 0.2828 | 1.0000 ± 0.0000 |"
    assert lines[3] == "| mpgd_lam0.02 | test | – | 0.4000 | 0.8000 | 0.2500 |"
    with pytest.raises(KeyError):
        summarise_runs(dirs)  # a metric the runs lack


def test_study_runs_cli_prints_the_table(tmp_path, capsys):
    d = tmp_path / "fcn"
    d.mkdir()
    metrics = {k: 0.5 for k in ("nrms", "ssim", "peak_nrmse", "r2", "pearson", "pearson_pooled", "top5_overlap", "hotspot_precision", "hotspot_recall")}
    (d / "metrics.json").write_text(json.dumps({"test": metrics}))
    (d / "steps.csv").write_text("step,loss,selected_fraction,lr,seconds\n1,1,0.5,0.1,1\n")
    assert main(["study", "runs", str(d)]) == 0
    assert capsys.readouterr().out.splitlines()[2].startswith("| fcn | test | – | 0.5000 |")


def test_baselines_on_a_validation_split(tiny_dataset):
    from mpgd_train.data import Task, hold_out, load_samples
    from mpgd_train.study import baseline_scores

    val = baseline_scores(str(tiny_dataset), val_designs="syn_c")
    test = baseline_scores(str(tiny_dataset))
    held = hold_out(load_samples(tiny_dataset, Task("b", "", ("rudy",), "congestion"), "train"), "syn_c")[1]
    assert val["egr"]["samples"] == len(held) and val["egr"]["pearson"] != test["egr"]["pearson"]


def test_seeds_reuse_mse_rows_trains_mpgd_only(tiny_dataset, tmp_path):
    from mpgd_train.config import load_config
    from mpgd_train.data import file_sha256
    from mpgd_train.study import run_seeds

    base = load_config(None, dataset=str(tiny_dataset), steps=2, batch_size=2, crop=16, eval_every=0, checkpoint_every=0, progress=False, threads=1)
    mse = {k: 0.5 for k in ("nrms", "ssim", "peak_nrmse", "r2", "pearson", "pearson_pooled", "top5_overlap", "hotspot_precision", "hotspot_recall")}
    mse.update(loss="mse", seed=0, steps_to_mse_final_nrms=None, selected_fraction=1.0, train_seconds=1.0, dataset_sha256=file_sha256(tiny_dataset))
    runs = run_seeds(base, [0], tmp_path / "res", tmp_path / "runs", mse_rows=[mse])
    assert [r["loss"] for r in runs] == ["mse", "mpgd"] and runs[0] == mse
    assert (tmp_path / "runs" / "mpgd_s0").is_dir() and not (tmp_path / "runs" / "mse_s0").exists()
    assert "| pearson | 0.5000 ± nan |" in (tmp_path / "res" / "seeds.md").read_text()
    with pytest.raises(ValueError, match="seed"):
        run_seeds(base, [1], tmp_path / "res", tmp_path / "runs", mse_rows=[mse])
    with pytest.raises(ValueError, match="another dataset"):
        run_seeds(base, [0], tmp_path / "res", tmp_path / "runs", mse_rows=[{**mse, "dataset_sha256": "x"}])


def test_merge_seeds_joins_runs_made_apart(tmp_path):
    from mpgd_train.config import load_config
    from mpgd_train.study import merge_seeds

    def row(loss, seed, v):
        r = {k: v for k in ("nrms", "ssim", "peak_nrmse", "r2", "pearson", "pearson_pooled", "top5_overlap", "hotspot_precision", "hotspot_recall")}
        return {**r, "loss": loss, "seed": seed, "steps_to_mse_final_nrms": None, "selected_fraction": 1.0, "dataset_sha256": "a"}

    a, b = tmp_path / "a.json", tmp_path / "b.json"
    a.write_text(json.dumps([row("mse", 0, 0.5), row("mpgd", 0, 0.4)]))
    b.write_text(json.dumps([row("mpgd", 1, 0.6), row("mse", 1, 0.7)]))
    runs = merge_seeds([a, b], load_config(None), tmp_path / "res")
    assert [(r["loss"], r["seed"]) for r in runs] == [("mse", 0), ("mpgd", 0), ("mse", 1), ("mpgd", 1)]
    assert "| pearson | 0.6000 ± 0.1414 | 0.5000 ± 0.1414 | -0.1000 |" in (tmp_path / "res" / "seeds.md").read_text()
    with pytest.raises(ValueError, match="twice"):
        merge_seeds([a, a], load_config(None), tmp_path / "res")
    b.write_text(json.dumps([{**row("mse", 2, 0.1), "dataset_sha256": "b"}]))
    with pytest.raises(ValueError, match="different datasets"):
        merge_seeds([a, b], load_config(None), tmp_path / "res")


def test_mpgd_setting_names_the_variant():
    from mpgd_train.config import load_config
    from mpgd_train.study import mpgd_setting

    assert mpgd_setting(load_config(None, lam=0.007)) == "λ 0.007"
    assert mpgd_setting(load_config(None, lam=0.02, lam_schedule="cosine", lam_end=0.002)) == "λ 0.02 → 0.002 (cosine)"
    assert mpgd_setting(load_config(None, top_q=0.25, mse_warmup=0.3)) == "top 25% of |error|, after an MSE warm-up of 30% of the steps"


def test_regimes_split_the_mean_pearson_and_match_the_run(tiny_dataset, tmp_path, capsys):
    from mpgd_train.config import load_config
    from mpgd_train.study import baseline_per_sample, regime_pearson
    from mpgd_train.train import train

    cfg = load_config(None, dataset=str(tiny_dataset), out=str(tmp_path / "run"), steps=2, batch_size=2, crop=16, eval_every=0,
                      checkpoint_every=0, progress=False, threads=1, model="fcn", residual="egr",
                      inputs="rudy,capacity_h,egr_overflow_h,egr_overflow_v")
    res = train(cfg)
    # a threshold that puts the synthetic samples on both sides
    egr = baseline_per_sample(str(tiny_dataset), "egr")
    counts = sorted(r["congested"] for r in egr["samples"])
    cut = counts[len(counts) // 2]
    out = regime_pearson(str(tiny_dataset), [tmp_path / "run"], min_congested=cut)
    few = sum(1 for c in counts if c < cut)
    assert out["samples"] == {"all": len(counts), "few": few, "many": len(counts) - few}
    egr_row, r1_row, run_row = out["rows"]
    assert egr_row["pearson_all"] == pytest.approx(egr["mean_pearson"])
    assert r1_row["name"] == "r1 map"
    assert r1_row["pearson_all"] == pytest.approx(baseline_per_sample(str(tiny_dataset), "r1")["mean_pearson"])
    assert run_row["pearson_all"] == pytest.approx(res.metrics["pearson"], abs=1e-9)  # the run's own metric
    n_few, n_many = out["samples"]["few"], out["samples"]["many"]
    mixed = (n_few * run_row["pearson_few"] + n_many * run_row["pearson_many"]) / (n_few + n_many)
    assert mixed == pytest.approx(run_row["pearson_all"])
    assert main(["study", "regimes", str(tmp_path / "run"), "--dataset", str(tiny_dataset)]) == 0
    assert json.loads(capsys.readouterr().out)["rows"][-1]["pearson_all"] == pytest.approx(res.metrics["pearson"], abs=1e-9)


def test_per_direction_flag_reaches_the_config():
    from mpgd_train.__main__ import build_parser
    from mpgd_train.config import config_from_args

    args = build_parser().parse_args(["train", "--residual", "egr", "--per-direction", "true"])
    assert config_from_args(args).per_direction is True
    assert config_from_args(build_parser().parse_args(["train"])).per_direction is False


def test_the_r1_baseline_needs_its_columns(tiny_dataset, tmp_path):
    import pyarrow.parquet as pq
    from mpgd_train.study import available_baselines, baseline_scores

    assert available_baselines(str(tiny_dataset)) == ["egr", "r1", "rudy"]
    with_r1 = baseline_scores(str(tiny_dataset))
    assert with_r1["r1"]["pearson"] != pytest.approx(with_r1["egr"]["pearson"])
    # a dataset built before the r1 columns: the other baselines, unchanged
    old = tmp_path / "old.parquet"
    t = pq.read_table(tiny_dataset)
    pq.write_table(t.drop_columns(["r1_overflow_h", "r1_overflow_v"]), old)
    without = baseline_scores(str(old))
    assert list(without) == ["egr", "rudy"]
    assert without["egr"] == with_r1["egr"]
