"""ONNX export: checker, metadata and onnxruntime parity on any grid size."""

import json

import numpy as np
import onnxruntime as ort
import pytest
import torch

from mpgd_train.export import build_metadata, export_onnx, read_metadata
from mpgd_train.models import build_model


def _meta(task, model, channels):
    norm = {"mode": "fixed", "channels": channels, "scales": [1.0] * len(channels), "label": "congestion", "label_scale": 2.5, "feature_stat": "max"}
    return build_metadata(task=task, model=model, normalization=norm, loss="mpgd", lam=0.007, per_sample=False,
                          dataset_sha256="ab" * 32, metrics={"nrms": 0.1}, config={"steps": 2})


@pytest.mark.parametrize("name, cin", [("gpdl", 3), ("routenet", 9)])
def test_export_parity_and_metadata(name, cin, tmp_path):
    torch.manual_seed(0)
    model = build_model(name, cin)
    if name == "routenet":  # give BatchNorm non-trivial running statistics
        model.train()
        with torch.no_grad():
            for _ in range(3):
                model(torch.rand(4, cin, 16, 16))
    rng = np.random.default_rng(0)
    inputs = [rng.random((cin, 32, 32), dtype=np.float32), rng.random((cin, 30, 42), dtype=np.float32), rng.random((2, cin, 17, 23), dtype=np.float32)]
    channels = [f"c{i}" for i in range(cin)]
    path = tmp_path / f"{name}.onnx"
    worst = export_onnx(model, path, _meta("congestion", name, channels), inputs)
    assert worst <= 1e-5
    meta = read_metadata(path)
    assert meta["mpgd.task"] == "congestion"
    assert json.loads(meta["mpgd.input_channels"]) == channels
    assert json.loads(meta["mpgd.normalization"])["label_scale"] == 2.5
    assert float(meta["mpgd.lambda"]) == 0.007
    assert meta["mpgd.dataset_sha256"] == "ab" * 32
    assert json.loads(meta["mpgd.metrics"]) == {"nrms": 0.1}
    # dynamic axes: a size never seen during export
    sess = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    x = rng.random((1, cin, 45, 27), dtype=np.float32)
    with torch.no_grad():
        ref = model.eval()(torch.from_numpy(x)).numpy()
    got = sess.run(["prediction"], {"features": x})[0]
    assert got.shape == (1, 1, 45, 27)
    assert np.max(np.abs(got - ref)) <= 1e-5


def test_model_card_names_the_mpgd_variant():
    from mpgd_train.config import load_config
    from mpgd_train.export import _variant_note

    assert _variant_note(load_config(None, loss="mpgd", lam=0.007)) == ""
    assert _variant_note(load_config(None, loss="mse", top_q=0.25)) == ""
    assert _variant_note(load_config(None, loss="mpgd", top_q=0.25)) == "; selection: top 25% of |error|"
    assert _variant_note(load_config(None, loss="mpgd", lam=0.002, mse_warmup=0.5)) == "; selection: λ 0.002, after an MSE warm-up of 50% of the steps"
