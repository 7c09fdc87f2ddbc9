"""`--label`: a model of the router's history cost (the dataset's history columns), exported as task "history"."""

import json

import numpy as np
import pytest

from mpgd_train.__main__ import main
from mpgd_train.data import get_task, load_samples, make_synthetic
from mpgd_train.export import read_metadata


@pytest.fixture(scope="module")
def history_dataset(tmp_path_factory):
    return make_synthetic(tmp_path_factory.mktemp("hist") / "h.parquet", 8, size=(20, 28), seed=5, with_history=True)


def test_a_history_label_makes_a_history_task_and_an_unknown_label_is_refused():
    t = get_task("congestion", "rudy,egr_overflow_h", "history")
    assert (t.name, t.label, t.inputs) == ("history", "history", ("rudy", "egr_overflow_h"))
    assert get_task("congestion", "", "congestion_h").name == "congestion"
    assert get_task("congestion").label == "congestion"
    with pytest.raises(ValueError, match="'historie'"):
        get_task("congestion", "", "historie")
    with pytest.raises(ValueError, match="'history'"):
        get_task("drv", "", "history")


def test_history_samples_read_the_history_column(history_dataset):
    samples = load_samples(history_dataset, get_task("congestion", "", "history"), "train")
    cong = load_samples(history_dataset, get_task("congestion"), "train")
    assert samples and all(s.y.shape == c.y.shape for s, c in zip(samples, cong))
    # the synthetic history is 10 x congestion per direction, so its sum is 10 x the congestion label
    for s, c in zip(samples, cong):
        np.testing.assert_allclose(s.y, 10.0 * c.y, rtol=1e-6, atol=1e-6)


def test_cli_trains_and_exports_a_history_model(history_dataset, tmp_path, capsys):
    run = tmp_path / "run"
    assert main(["train", "--dataset", str(history_dataset), "--out", str(run), "--steps", "2", "--batch-size", "2", "--crop", "16",
                 "--eval-every", "0", "--progress", "false", "--label", "history", "--label-scale", "4", "--threads", "1",
                 "--model", "fcn", "--inputs", "rudy,rudy_pin,egr_overflow_h,egr_overflow_v"]) == 0
    capsys.readouterr()
    onnx_path = tmp_path / "h.onnx"
    assert main(["export", "--checkpoint", str(run / "final.pt"), "--out", str(onnx_path)]) == 0
    meta = read_metadata(onnx_path)
    assert (meta["mpgd.task"], meta["mpgd.label"]) == ("history", "history")
    norm = json.loads(meta["mpgd.normalization"])
    assert (norm["label"], norm["label_scale"]) == ("history", 4.0)
