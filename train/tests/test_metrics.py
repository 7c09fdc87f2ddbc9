"""Metrics against hand-computed arrays."""

import math

import numpy as np
import pytest
from scipy.stats import wasserstein_distance

from mpgd_train import metrics as M


def test_to_uint8_clamps_and_rounds_like_tensor2img():
    x = np.array([-0.1, 0.0, 0.25, 0.5, 1.0, 1.2])
    # 0.25 * 255 = 63.75 -> 64; 0.5 * 255 = 127.5 -> 128 (half to even)
    assert M.to_uint8(x).tolist() == [0, 0, 64, 128, 255, 255]
    assert M.to_uint8(x).dtype == np.uint8


def test_nrms_is_rmse_over_target_range_in_uint8():
    t = np.array([[0.0, 1.0], [0.0, 1.0]])
    p = np.array([[0.0, 1.0], [0.5, 1.0]])  # 128 vs 0 on one pixel
    assert M.circuitnet_nrms(t, p) == pytest.approx(64 / 255, rel=1e-15)


def test_nrms_constant_target_gives_005_or_nan_like_circuitnet():
    t = np.zeros((4, 4))
    assert M.circuitnet_nrms(t, np.full((4, 4), 0.5)) == 0.05
    assert math.isnan(M.circuitnet_nrms(t, t))


def test_gaussian_kernel_matches_cv2_formula():
    k = M.gaussian_kernel(11, 1.5).ravel()
    x = np.arange(-5, 6)
    g = np.exp(-(x**2) / (2 * 1.5**2))
    assert k.shape == (11,)
    assert k == pytest.approx(g / g.sum(), rel=1e-15)
    assert k.sum() == pytest.approx(1.0, abs=1e-15)
    assert k[5] == pytest.approx(0.26601172486179, rel=1e-12)


def test_ssim_identical_images_is_one():
    rng = np.random.default_rng(0)
    a = rng.random((20, 24))
    assert M.circuitnet_ssim(a, a) == 1.0


def test_ssim_of_constant_images():
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    # mu1 = 0, mu2 = 255, both variances 0: C1 C2 / ((255^2 + C1) C2)
    assert M.circuitnet_ssim(np.zeros((16, 16)), np.ones((16, 16))) == pytest.approx(c1 / (255**2 + c1), rel=1e-12)


def _ssim_bruteforce(t, p):
    """Direct transcription with explicit reflect-101 padding (cv2.BORDER_REFLECT_101 = numpy 'reflect')."""
    a = M.to_uint8(t).astype(np.float64)
    b = M.to_uint8(p).astype(np.float64)
    k = M.gaussian_kernel()
    w = np.outer(k, k.T)

    def f(img):
        pad = np.pad(img, 5, mode="reflect")
        out = np.zeros_like(img)
        for i in range(img.shape[0]):
            for j in range(img.shape[1]):
                out[i, j] = np.sum(pad[i : i + 11, j : j + 11] * w)
        return out[5:-5, 5:-5]

    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    m1, m2 = f(a), f(b)
    s1, s2, s12 = f(a * a) - m1**2, f(b * b) - m2**2, f(a * b) - m1 * m2
    return float((((2 * m1 * m2 + c1) * (2 * s12 + c2)) / ((m1**2 + m2**2 + c1) * (s1 + s2 + c2))).mean())


def test_ssim_matches_a_direct_transcription_with_reflect101_border():
    rng = np.random.default_rng(1)
    t = rng.random((18, 21))
    p = np.clip(t + rng.normal(0, 0.1, t.shape), 0, 1)
    assert M.circuitnet_ssim(t, p) == pytest.approx(_ssim_bruteforce(t, p), rel=1e-12)


def test_emd_hand_computed():
    # target [0,0,255,255] equalises to [127,127,255,255]; an all-0 prediction equalises to all 255.
    # Bin heights as samples: u = 254 x 0 + 2 x 0.5, v = 255 x 0 + 1 x 1 -> W1 = 1/256.
    t = np.array([[0.0, 0.0], [1.0, 1.0]])
    p = np.zeros((2, 2))
    assert M.circuitnet_emd(t, p) == pytest.approx(1 / 256, rel=1e-12)
    assert M.circuitnet_emd(t, t) == 0.0


def test_emd_all_zero_and_all_one_images_equalise_alike():
    # CircuitNet's quirk: any constant image equalises to all 255, so the distance is 0
    assert M.circuitnet_emd(np.zeros((3, 3)), np.ones((3, 3))) == 0.0


def test_emd_uses_scipy_on_the_equalised_histograms():
    rng = np.random.default_rng(2)
    t, p = rng.random((10, 10)), rng.random((10, 10))
    hist = lambda img: np.bincount(img.ravel(), minlength=256) / img.size  # noqa: E731
    eq = lambda img: np.uint8(255 * np.cumsum(hist(img)))[img]  # noqa: E731
    expected = wasserstein_distance(hist(eq(M.to_uint8(t))), hist(eq(M.to_uint8(p))))
    assert M.circuitnet_emd(t, p) == expected


@pytest.mark.parametrize(
    "values, expected",
    [([0.5, 1.0, 0.25], 0.25), ([1.0, 1.0], 0.0), ([0.2], 0.2), ([0.1, 0.3], 0.2)],
)
def test_circuitnet_average_skips_ones_but_counts_them(values, expected):
    assert M.circuitnet_average(values) == pytest.approx(expected, rel=1e-15)


def test_roc_auc_hand_computed():
    t = np.array([0.2, 0.0, 0.3, 0.05])  # >= 0.1: [1, 0, 1, 0]
    p = np.array([0.93, 0.13, 0.42, 0.63])
    # thresholds <= 0.13 and > 0.93 are skipped; (tpr, fpr) = (1, .5), (.5, .5), (.5, 0)
    # -> points (0, .5), (.5, 1), (1, 1): AUC = .375 + .5
    roc, prc = M.circuitnet_roc_prc([t], [p])
    assert roc == pytest.approx(0.875, rel=1e-15)
    assert math.isnan(prc)  # only two distinct TPRs: CircuitNet's spline needs four


def test_roc_auc_perfect_ranking_over_two_samples():
    rng = np.random.default_rng(5)
    ts, ps = [], []
    for _ in range(2):
        t = rng.random(400) * 0.2
        ts.append(t)
        ps.append(np.where(t >= 0.1, 0.6 + 0.3 * rng.random(400), 0.4 * rng.random(400)))
    roc, prc = M.circuitnet_roc_prc(ts, ps)
    assert roc == pytest.approx(1.0, abs=1e-12)
    assert math.isnan(prc) or prc > 0.9


def test_peak_nrmse_hand_computed():
    t = np.arange(200) / 200
    p = t + 0.01
    # k = 1 (0.5 %) -> range 0 -> 0.05; k = 2, 4, 10 -> ranges 1/200, 3/200, 9/200
    expected = (0.05 + 0.01 / (1 / 200) + 0.01 / (3 / 200) + 0.01 / (9 / 200)) / 4
    assert M.peak_nrmse(t, p) == pytest.approx(expected, rel=1e-9)


def test_peak_nrmse_only_looks_at_the_largest_targets():
    t = np.arange(200) / 200
    p = t.copy()
    p[:100] = 0.0  # errors on small targets only
    assert M.peak_nrmse(t, p) == 0.05 / 4


@pytest.mark.parametrize(
    "t, p, expected",
    [([1, 2, 3, 4], [1, 2, 3, 5], 0.8), ([1, 2, 3, 4], [1, 2, 3, 4], 1.0), ([1, 2, 3, 4], [2.5] * 4, 0.0), ([2, 2], [2, 2], 1.0)],
)
def test_r2(t, p, expected):
    assert M.r2(np.array(t, float), np.array(p, float)) == pytest.approx(expected, rel=1e-12)


def test_hotspot_precision_recall_hand_computed():
    t = np.zeros(40)
    t[-2:] = [4.0, 5.0]  # top 5 % of 40 = 2 pixels, tau = 4
    p = t.copy()
    p[-2] = 3.9  # the 4 is missed
    p[0] = 6.0  # a false hotspot
    assert M.hotspot_counts(t, p) == (1, 2, 2)
    empty = np.zeros(40)
    assert M.hotspot_counts(empty, empty) == (0, 0, 0)
    precision, recall = M.hotspot_precision_recall([t, empty], [p, empty])
    assert (precision, recall) == (0.5, 0.5)


def test_hotspot_ties_and_sparse_targets():
    t = np.zeros(40)
    t[:3] = 3.0  # k = 2, but three tied targets: all three are true hotspots; two are predicted
    assert M.hotspot_counts(t, t) == (2, 2, 3)
    t = np.zeros(400)
    t[0] = 1.0  # k = 20 but one congested GCell: T = {0}, P = the 20 largest predictions
    p = np.linspace(0.0, 0.5, 400)[::-1].copy()  # GCell 0 ranks first
    assert M.hotspot_counts(t, p) == (1, 20, 1)
    assert M.hotspot_precision_recall([t], [p]) == (0.05, 1.0)


@pytest.mark.parametrize("t, p, expected", [([1, 2, 3], [2, 4, 6], 1.0), ([1, 2, 3], [3, 2, 1], -1.0), ([1, 1, 1], [1, 2, 3], 0.0), ([1, 2, 3, 4], [1, 3, 2, 4], 0.8)])
def test_pearson(t, p, expected):
    assert M.pearson(np.array(t, float), np.array(p, float)) == pytest.approx(expected, rel=1e-12)


def test_top_overlap_hand_computed():
    # 40 GCells: k = ceil(0.05 * 40) = 2. True top 2: indices 3 (0.9) and 7 (0.8).
    t = np.zeros(40)
    t[3], t[7], t[9] = 0.9, 0.8, 0.1
    p = np.zeros(40)
    p[3], p[9] = 0.5, 0.4  # predicted top 2: 3 and 9 -> one of the two true top GCells
    assert M.top_overlap(t, p) == 0.5
    p2 = np.zeros(40)
    p2[7], p2[3] = 2.0, 1.0
    assert M.top_overlap(t, p2) == 1.0
    # A sample with a single congested GCell: T = {it}; the prediction's top 2 holds it.
    t3 = np.zeros(40)
    t3[5] = 0.3
    p3 = np.zeros(40)
    p3[5], p3[6] = 0.1, 0.2
    assert M.top_overlap(t3, p3) == 1.0
    assert M.top_overlap(np.zeros(40), p3) is None
    # Averaged over the samples with congestion only: (0.5 + 1.0) / 2.
    assert M.mean_top_overlap([t, np.zeros(40), t3], [p, p3, p3]) == pytest.approx((0.5 + 1.0) / 2)


def test_mean_pearson_skips_constant_targets():
    t1 = np.array([0.0, 1.0, 2.0, 3.0])
    p1 = np.array([0.0, 2.0, 4.0, 6.0])  # r = 1
    t2 = np.array([3.0, 2.0, 1.0, 0.0])
    p2 = np.array([0.0, 1.0, 2.0, 3.0])  # r = -1
    assert M.mean_pearson([t1, np.zeros(4), t2], [p1, p1, p2]) == pytest.approx(0.0)
    assert M.mean_pearson([t1, np.zeros(4)], [p1, p2]) == pytest.approx(1.0)
    assert math.isnan(M.mean_pearson([np.zeros(4)], [p1]))
