"""The egr residual wrapper: starts as the scaled egr map, fits its gains, exports to ONNX, trains and reloads."""

import numpy as np
import onnxruntime as ort
import pytest
import torch

from mpgd_train.config import load_config
from mpgd_train.data import get_task, load_samples
from mpgd_train.export import export_onnx, export_trained, write_model_card
from mpgd_train.models import build_residual
from mpgd_train.models.residual import gaussian_taps
from mpgd_train.study import parse_input_set
from mpgd_train.train import load_checkpoint, train

INPUTS = ("rudy", "capacity_h", "egr_overflow_h", "egr_overflow_v")


@pytest.mark.parametrize("name", ["fcn", "gpdl"])
@pytest.mark.parametrize("sigma", [0.0, 1.0])
def test_step_zero_is_the_scaled_egr_map(name, sigma):
    torch.manual_seed(0)
    m = build_residual(name, INPUTS, sigma)
    with torch.no_grad():
        m.gain.copy_(torch.tensor([0.3, 0.5]))
    x = torch.rand(2, len(INPUTS), 21, 26)
    egr = x[:, 2:4].numpy()
    if sigma:
        from scipy.ndimage import convolve1d

        t = gaussian_taps(sigma)
        egr = convolve1d(convolve1d(egr, t, axis=2, mode="nearest"), t, axis=3, mode="nearest")
    expected = np.clip(0.3 * egr[:, 0] + 0.5 * egr[:, 1], 0, 1)[:, None]
    with torch.no_grad():
        got = m.eval()(x).numpy()
    assert got.shape == (2, 1, 21, 26)
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_fit_gains_recovers_a_linear_label():
    m = build_residual("fcn", INPUTS)
    rng = np.random.default_rng(0)
    data = []
    for _ in range(3):
        x = rng.random((len(INPUTS), 12, 14), dtype=np.float32)
        data.append((x, (0.2 * x[2] + 0.7 * x[3])[None]))
    assert m.fit_gains(data) == pytest.approx((0.2, 0.7), abs=1e-5)


def test_residual_needs_the_egr_channels():
    with pytest.raises(ValueError, match="egr_overflow_v"):
        build_residual("fcn", ("rudy", "egr_overflow_h"))


def test_parse_input_set():
    assert parse_input_set("a,b") == ("", "", 0.0, "a,b")
    assert parse_input_set("fcn:a,b") == ("fcn", "", 0.0, "a,b")
    assert parse_input_set("fcn+egr@1.5:a,b") == ("fcn", "egr", 1.5, "a,b")


def test_onnx_round_trip_of_a_trained_residual(tiny_dataset, tmp_path):
    cfg = load_config(
        None, dataset=str(tiny_dataset), out=str(tmp_path / "run"), steps=2, batch_size=2, crop=16, eval_every=0,
        checkpoint_every=0, progress=False, threads=2, model="fcn", residual="egr", residual_sigma=1.0,
        inputs=",".join(INPUTS),
    )
    res = train(cfg)
    assert len(res.metrics["egr_gains"]) == 2
    model, norm, cfg2, _ = load_checkpoint(tmp_path / "run" / "final.pt")
    assert torch.equal(model.gain, res.model.gain.cpu())
    summary = export_trained(model, norm, cfg2, tiny_dataset, tmp_path / "m.onnx")
    assert summary["parity_max_abs_diff"] <= 1e-5
    assert summary["metadata"]["mpgd.model"] == "fcn+egr_residual"
    # onnxruntime on a grid size never seen, against PyTorch
    sample = load_samples(tiny_dataset, get_task("congestion", INPUTS), "test")[0]
    x, _ = norm.apply(sample.x)
    x = np.ascontiguousarray(x[:, :17, :19])[None]
    got = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"]).run(["prediction"], {"features": x})[0]
    with torch.no_grad():
        ref = model(torch.from_numpy(x)).numpy()
    assert got.shape == (1, 1, 17, 19)
    assert np.max(np.abs(got - ref)) <= 1e-5
    assert 0.0 <= got.min() and got.max() <= 1.0


def test_export_of_an_untrained_residual_is_the_egr_map(tmp_path):
    from test_export import _meta

    m = build_residual("gpdl", INPUTS)
    with torch.no_grad():
        m.gain.copy_(torch.tensor([0.25, 0.4]))
    rng = np.random.default_rng(1)
    x = rng.random((1, len(INPUTS), 30, 22), dtype=np.float32)
    export_onnx(m, tmp_path / "r.onnx", _meta("congestion", "gpdl+egr_residual", list(INPUTS)), [x])
    got = ort.InferenceSession(str(tmp_path / "r.onnx"), providers=["CPUExecutionProvider"]).run(["prediction"], {"features": x})[0]
    np.testing.assert_allclose(got[0, 0], np.clip(0.25 * x[0, 2] + 0.4 * x[0, 3], 0, 1), atol=1e-6)


# ---- --per-direction: one correction per direction, summed inside the module (and the ONNX graph) ----


def test_per_direction_trains_on_two_maps_and_outputs_their_sum():
    torch.manual_seed(0)
    m = build_residual("fcn", INPUTS, per_direction=True)
    assert m.inner.out_channels == 2
    with torch.no_grad():
        m.gain.copy_(torch.tensor([0.3, 0.5]))
        m.inner.head[2].bias.copy_(torch.tensor([0.01, -0.02]))  # a known correction per direction
    x = torch.rand(2, len(INPUTS), 13, 17)
    with torch.no_grad():
        per = m.train()(x)
        out = m.eval()(x)
    assert per.shape == (2, 2, 13, 17) and out.shape == (2, 1, 13, 17)
    np.testing.assert_allclose(per[:, 0].numpy(), 0.3 * x[:, 2].numpy() + 0.01, atol=1e-6)
    np.testing.assert_allclose(per[:, 1].numpy(), 0.5 * x[:, 3].numpy() - 0.02, atol=1e-6)
    np.testing.assert_allclose(out.numpy(), np.clip(per.sum(1, keepdim=True).numpy(), 0, 1), atol=1e-6)


def test_per_direction_gains_fit_each_direction_alone():
    m = build_residual("fcn", INPUTS, per_direction=True)
    rng = np.random.default_rng(0)
    data = []
    for _ in range(3):
        x = rng.random((len(INPUTS), 12, 14), dtype=np.float32)
        # v's label also correlates with egr_h: a joint fit would give it weight, a per-direction one must not
        data.append((x, np.stack([0.2 * x[2], 0.7 * x[3]])))
    assert m.fit_gains(data) == pytest.approx((0.2, 0.7), abs=1e-5)


def test_per_direction_needs_the_egr_residual(tiny_dataset, tmp_path):
    cfg = load_config(None, dataset=str(tiny_dataset), out=str(tmp_path / "run"), steps=1, model="fcn", per_direction=True,
                      inputs=",".join(INPUTS))
    with pytest.raises(ValueError, match="--per-direction needs --residual egr"):
        train(cfg)


def test_per_direction_trains_exports_and_keeps_the_contract(tiny_dataset, tmp_path):
    from mpgd_train.train import per_direction_targets, _normalised
    from mpgd_train.data import Normalizer

    cfg = load_config(
        None, dataset=str(tiny_dataset), out=str(tmp_path / "run"), steps=3, batch_size=2, crop=16, eval_every=0,
        checkpoint_every=0, progress=False, threads=2, model="fcn", residual="egr", per_direction=True, loss="mpgd",
        top_q=0.5, inputs=",".join(INPUTS),
    )
    # the training targets are congestion_h and congestion_v on the summed label's scale
    task = cfg.resolved_task()
    samples = load_samples(tiny_dataset, task, "train")
    norm = Normalizer.fit(samples, task)
    pairs = per_direction_targets(cfg, samples, _normalised(samples, norm), norm)
    for s, (_, y) in zip(samples, pairs):
        assert y.shape == (2, *s.y.shape[1:])
        np.testing.assert_allclose(y.sum(0), np.clip(s.y[0] / norm.label_scale, 0, 1), atol=1e-6)
    res = train(cfg)
    assert 0 <= res.metrics["pearson"] <= 1 and len(res.metrics["egr_gains"]) == 2
    model, norm2, cfg2, _ = load_checkpoint(tmp_path / "run" / "final.pt")
    assert cfg2.per_direction and model.per_direction
    summary = export_trained(model, norm2, cfg2, tiny_dataset, tmp_path / "m.onnx")
    assert summary["parity_max_abs_diff"] <= 1e-5
    write_model_card(summary, cfg2, tiny_dataset, "cmd", tmp_path / "m.md")
    assert "one correction per direction" in (tmp_path / "m.md").read_text()
    sess = ort.InferenceSession(str(tmp_path / "m.onnx"), providers=["CPUExecutionProvider"])
    assert [i.name for i in sess.get_inputs()] == ["features"] and [o.name for o in sess.get_outputs()] == ["prediction"]
    x, _ = norm2.apply(load_samples(tiny_dataset, task, "test")[0].x)
    got = sess.run(["prediction"], {"features": np.ascontiguousarray(x)[None]})[0]
    assert got.shape == (1, 1, *x.shape[1:]) and 0.0 <= got.min() and got.max() <= 1.0


# ---- --residual r1: the same correction over the map after the router's first rip-up round ----

INPUTS_R1 = ("rudy", "egr_overflow_h", "egr_overflow_v", "r1_overflow_h", "r1_overflow_v")


def test_r1_residual_starts_from_the_r1_channels():
    torch.manual_seed(0)
    m = build_residual("fcn", INPUTS_R1, base="r1")
    assert m.egr_index == [3, 4]
    with torch.no_grad():
        m.gain.copy_(torch.tensor([0.3, 0.5]))
    x = torch.rand(2, len(INPUTS_R1), 15, 18)
    with torch.no_grad():
        got = m.eval()(x).numpy()
    np.testing.assert_allclose(got[:, 0], np.clip(0.3 * x[:, 3].numpy() + 0.5 * x[:, 4].numpy(), 0, 1), atol=1e-6)
    with pytest.raises(ValueError, match="r1_overflow_v"):
        build_residual("fcn", ("rudy", "r1_overflow_h"), base="r1")
    with pytest.raises(ValueError, match="unknown residual 'r2'"):
        build_residual("fcn", INPUTS_R1, base="r2")


def test_r1_residual_trains_reloads_and_exports(tiny_dataset, tmp_path):
    cfg = load_config(
        None, dataset=str(tiny_dataset), out=str(tmp_path / "run"), steps=2, batch_size=2, crop=16, eval_every=0,
        checkpoint_every=0, progress=False, threads=1, model="fcn", residual="r1", inputs=",".join(INPUTS_R1),
    )
    res = train(cfg)
    # the gains start at the r1 map's least-squares fit, not the egr map's
    samples = load_samples(tiny_dataset, get_task("congestion", INPUTS_R1), "train")
    model, norm, cfg2, _ = load_checkpoint(tmp_path / "run" / "final.pt")
    assert cfg2.residual == "r1" and model.egr_index == [3, 4]
    fresh = build_residual("fcn", INPUTS_R1, base="r1")
    g = fresh.fit_gains([norm.apply(s.x, s.y) for s in samples])
    egr = build_residual("fcn", INPUTS_R1).fit_gains([norm.apply(s.x, s.y) for s in samples])
    assert g != pytest.approx(egr)
    assert len(res.metrics["egr_gains"]) == 2
    summary = export_trained(model, norm, cfg2, tiny_dataset, tmp_path / "m.onnx")
    assert summary["parity_max_abs_diff"] <= 1e-5
    assert summary["metadata"]["mpgd.model"] == "fcn+r1_residual"


# ---- --residual-gate: the prediction is 0 wherever the pattern stage did not overflow ----


def test_gated_residual_is_zero_where_the_egr_map_is_and_untouched_elsewhere(tmp_path):
    from test_export import _meta

    torch.manual_seed(0)
    m = build_residual("fcn", INPUTS, gate=True)
    plain = build_residual("fcn", INPUTS)
    with torch.no_grad():
        for net in (m, plain):
            net.gain.copy_(torch.tensor([0.3, 0.5]))
            net.inner.head[2].bias.fill_(0.05)  # a correction that is positive everywhere
    x = torch.rand(1, len(INPUTS), 19, 23)
    x[:, 2:4, :, :10] = 0.0  # no pattern-stage overflow on the left
    x[:, 2, 0, 0] = 0.4  # except one GCell, H only
    with torch.no_grad():
        got, ref = m.eval()(x), plain.eval()(x)
        got_train = m.train()(x)
    off = (x[:, 2:4].sum(1, keepdim=True) == 0)
    assert off.sum() == 19 * 10 - 1
    assert torch.all(got[off] == 0) and torch.all(got_train[off] == 0)
    assert torch.all(ref[off] > 0), "ungated, the correction reaches those GCells"
    torch.testing.assert_close(got[~off], ref[~off])
    # The exported graph carries the gate.
    xn = x.numpy()
    export_onnx(m.eval(), tmp_path / "g.onnx", _meta("congestion", "fcn+egr_residual", list(INPUTS)), [xn])
    onnx_out = ort.InferenceSession(str(tmp_path / "g.onnx"), providers=["CPUExecutionProvider"]).run(["prediction"], {"features": xn})[0]
    np.testing.assert_allclose(onnx_out, got.numpy(), atol=1e-6)


def test_gate_needs_a_residual(tiny_dataset, tmp_path):
    cfg = load_config(None, dataset=str(tiny_dataset), out=str(tmp_path / "run"), steps=1, model="fcn", residual_gate=True,
                      inputs=",".join(INPUTS))
    with pytest.raises(ValueError, match="--residual-gate needs --residual egr"):
        train(cfg)


def test_the_model_card_names_the_gate():
    from mpgd_train.config import TrainConfig
    from mpgd_train.export import _residual_note

    plain = _residual_note(TrainConfig(residual="egr"), {})
    gated = _residual_note(TrainConfig(residual="egr", residual_gate=True), {})
    assert plain.startswith(": prediction = clamp(g_h egr_h + g_v egr_v + network, 0, 1), ")
    assert "· [egr_h + egr_v > 0]" in gated and "zero wherever the egr map is" in gated
