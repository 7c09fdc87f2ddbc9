"""Cross-check of the circuitnet_* metrics against CircuitNet's own code path (cv2.filter2D,
skimage.metrics.normalized_root_mse, its Python-loop histogram equalisation). Skipped unless OpenCV and
scikit-image are importable; they are not project dependencies. To run it once:
    python3.11 -m venv /tmp/cmp && /tmp/cmp/bin/pip install numpy scipy pytest opencv-python-headless scikit-image
    PYTHONPATH=train /tmp/cmp/bin/python -m pytest --noconftest train/tests/test_circuitnet_reference.py
(run 2026-11-22 with opencv-python-headless 5.0.0.93, scikit-image 0.26.0: NRMS and EMD bit-identical,
SSIM within 7e-16 relative)."""

import math

import numpy as np
import pytest

cv2 = pytest.importorskip("cv2")
skm = pytest.importorskip("skimage.metrics")
from scipy.stats import wasserstein_distance  # noqa: E402

from mpgd_train import metrics as M  # noqa: E402


def _tensor2img(x):
    a = np.clip(np.asarray(x, np.float32), 0, 1)
    return (a[..., None] * 255.0).round().astype(np.uint8)


def _ssim(img1, img2):
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    img1, img2 = img1.astype(np.float64), img2.astype(np.float64)
    k = cv2.getGaussianKernel(11, 1.5)
    w = np.outer(k, k.transpose())
    mu1, mu2 = cv2.filter2D(img1, -1, w)[5:-5, 5:-5], cv2.filter2D(img2, -1, w)[5:-5, 5:-5]
    s1 = cv2.filter2D(img1**2, -1, w)[5:-5, 5:-5] - mu1**2
    s2 = cv2.filter2D(img2**2, -1, w)[5:-5, 5:-5] - mu2**2
    s12 = cv2.filter2D(img1 * img2, -1, w)[5:-5, 5:-5] - mu1 * mu2
    return (((2 * mu1 * mu2 + c1) * (2 * s12 + c2)) / ((mu1**2 + mu2**2 + c1) * (s1 + s2 + c2))).mean()


def _hist(img):
    h, w = img.shape
    hist = [0.0] * 256
    for i in range(h):
        for j in range(w):
            hist[img[i, j]] += 1
    return np.array(hist) / float(h * w)


def _equalise(img):
    img = img.astype(int)
    hist = _hist(img)
    sk = np.uint8(255 * np.array([sum(hist[: i + 1]) for i in range(len(hist))]))
    return sk[img].astype(int)


def _reference(t, p):
    a, b = _tensor2img(t), _tensor2img(p)
    nrms = skm.normalized_root_mse(a.flatten(), b.flatten(), normalization="min-max")
    nrms = 0.05 if math.isinf(nrms) else nrms
    emd = wasserstein_distance(_hist(_equalise(a[..., 0])), _hist(_equalise(b[..., 0])))
    return nrms, _ssim(a[..., 0], b[..., 0]), emd


@pytest.mark.parametrize("seed", range(8))
def test_matches_circuitnet_code(seed):
    rng = np.random.default_rng(seed)
    h, w = (256, 256) if seed == 0 else tuple(int(v) for v in rng.integers(16, 90, 2))
    t = np.clip(rng.gamma(2, 0.08, (h, w)) * (rng.random((h, w)) < rng.random()), 0, 1.2)
    p = t.copy() if seed == 3 else np.clip(t + rng.normal(0, rng.uniform(0.005, 0.2), (h, w)), -0.1, 1.1)
    nrms, ssim, emd = _reference(t, p)
    assert M.circuitnet_nrms(t, p) == nrms
    assert M.circuitnet_emd(t, p) == emd
    assert M.circuitnet_ssim(t, p) == pytest.approx(ssim, rel=1e-14)
