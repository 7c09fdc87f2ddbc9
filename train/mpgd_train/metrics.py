"""Evaluation metrics: pure functions of numpy arrays, no I/O.

Two families, kept apart and named as such:

* `circuitnet_*`: bit-for-bit re-implementations of CircuitNet's `utils/metrics.py` and `test.py`
  (reference/ml.md 2.5). Each takes (target, prediction) 2-D float maps on the [0, 1] model scale,
  quantises both with `to_uint8` (float32 clamp to [0, 1], `round(x * 255)` half-to-even, uint8) and
  computes on those images, exactly as CircuitNet's `tensor2img` + metric does:
  - `circuitnet_nrms`: sqrt(mean((t - p)^2)) / (max t - min t) (skimage `normalized_root_mse`, min-max);
    0.05 when that is inf (constant target, imperfect prediction). As in CircuitNet, a constant target
    predicted exactly gives 0/0 = nan.
  - `circuitnet_ssim`: 11x11 Gaussian window (sigma 1.5, cv2.getGaussianKernel), cv2.filter2D's default
    border (reflect-101), crop 5, C1 = (0.01*255)^2, C2 = (0.03*255)^2, mean of the SSIM map.
  - `circuitnet_emd`: histogram-equalise each image, 256-bin normalised histograms, then
    `scipy.stats.wasserstein_distance(h1, h2)` (the bin heights are treated as samples; CircuitNet's quirk).
  - `circuitnet_average`: sum over samples of the values that are not exactly 1, divided by the number
    of all samples (`test.py`'s quirk).
  - `circuitnet_roc_prc`: the DRC ROC-AUC and PR-AUC (label >= 0.1, 200 thresholds, per-sample confusion
    matrices with the skip rules, macro-averaged TPR/FPR/precision, dedupe + sort, (1, 1) appended,
    trapezoid; PR through a cubic spline on 25 points).
* Float metrics on the [0, 1] model scale, beyond CircuitNet:
  - `peak_nrmse`: for p in {0.5, 1, 2, 5} %, the k = max(1, int(N p / 100)) pixels with the largest target
    values, sqrt(mean((p - t)^2)) / (max t_sel - min t_sel) (0.05 when that range is < 1e-8); mean over
    the percentages (the definition of hayaseyuukaa/CircuitNet-ML, reference/ml.md 2.5).
  - `r2`: 1 - SS_res / SS_tot over all pixels given (pool the test set to get the test-set R^2).
  - `pearson`: Pearson correlation of one sample's maps (0 when either is constant); averaged per image
    as CircuitFormer reports it, over the samples whose target is not constant (`mean_pearson`: a clean
    sample has no correlation to find). `score` also reports `pearson_pooled`, one Pearson over all test
    GCells together (it rewards getting each sample's level right, which the per-sample mean ignores).
  - `top_overlap` (top 5 %, k = ceil(0.05 N) per sample): the true top GCells T as in `hotspot_counts`
    (at least the k-th largest target and positive), the predicted top P the k largest predictions
    (ties by index); the sample's overlap is |P & T| / |T|, the share of the true top-5% GCells among the
    predicted top 5%. `mean_top_overlap` averages it over the samples with a positive target.
  - `hotspot_counts` / `hotspot_precision_recall` (top 5 % GCells, k = ceil(0.05 N) per sample): the true
    hotspots T are the GCells whose target is at least the k-th largest target value (ties included) and
    positive (a sample with fewer than k congested GCells has only those); the predicted hotspots P are the
    k GCells with the largest predictions (ties broken by index). A sample without any positive target has
    no hotspot to find and is skipped. Counts are summed over the test set before dividing: precision =
    sum |P & T| / sum |P|, recall = sum |P & T| / sum |T|.
"""

from __future__ import annotations

import math
from typing import Iterable, Sequence

import numpy as np
from scipy.interpolate import make_interp_spline
from scipy.ndimage import correlate
from scipy.stats import wasserstein_distance

__all__ = [
    "to_uint8",
    "circuitnet_nrms",
    "circuitnet_ssim",
    "circuitnet_emd",
    "circuitnet_average",
    "circuitnet_roc_prc",
    "gaussian_kernel",
    "peak_nrmse",
    "PEAK_PERCENTS",
    "r2",
    "pearson",
    "mean_pearson",
    "top_overlap",
    "mean_top_overlap",
    "hotspot_counts",
    "hotspot_precision_recall",
]

PEAK_PERCENTS: tuple[float, ...] = (0.5, 1.0, 2.0, 5.0)


# ----------------------------------------------------------------------------------------------------
# CircuitNet-compatible metrics (uint8 images)
# ----------------------------------------------------------------------------------------------------


def to_uint8(x: np.ndarray) -> np.ndarray:
    """CircuitNet's `tensor2img`: float32, clamp to [0, 1], `(x * 255.0).round()` (half to even), uint8."""
    a = np.asarray(x, dtype=np.float32)
    a = np.clip(a, np.float32(0.0), np.float32(1.0))
    return (a * np.float32(255.0)).round().astype(np.uint8)


def circuitnet_nrms(target: np.ndarray, pred: np.ndarray) -> float:
    t = to_uint8(target).astype(np.float64).ravel()
    p = to_uint8(pred).astype(np.float64).ravel()
    if t.shape != p.shape:
        raise ValueError(f"target shape {t.shape} != prediction shape {p.shape}")
    mse = np.mean((t - p) ** 2, dtype=np.float64)
    denom = t.max() - t.min()
    with np.errstate(divide="ignore", invalid="ignore"):
        value = float(np.sqrt(mse) / denom)
    if math.isinf(value):
        return 0.05
    return value


def gaussian_kernel(ksize: int = 11, sigma: float = 1.5) -> np.ndarray:
    """`cv2.getGaussianKernel(ksize, sigma)` for sigma > 0 (float64 column vector, scaled by 1/sum)."""
    x = np.arange(ksize, dtype=np.float64) - (ksize - 1) * 0.5
    g = np.exp((-0.5 / (sigma * sigma)) * x * x)
    return (g * (1.0 / g.sum())).reshape(ksize, 1)


def _filter2d(img: np.ndarray, window: np.ndarray) -> np.ndarray:
    # cv2.filter2D is a correlation; its default border BORDER_REFLECT_101 is scipy's "mirror".
    return correlate(img, window, mode="mirror")


def circuitnet_ssim(target: np.ndarray, pred: np.ndarray) -> float:
    img1 = to_uint8(target).astype(np.float64)
    img2 = to_uint8(pred).astype(np.float64)
    if img1.shape != img2.shape:
        raise ValueError(f"target shape {img1.shape} != prediction shape {img2.shape}")
    c1 = (0.01 * 255) ** 2
    c2 = (0.03 * 255) ** 2
    k = gaussian_kernel(11, 1.5)
    window = np.outer(k, k.transpose())
    crop = (slice(5, -5), slice(5, -5))
    mu1 = _filter2d(img1, window)[crop]
    mu2 = _filter2d(img2, window)[crop]
    mu1_sq = mu1**2
    mu2_sq = mu2**2
    mu1_mu2 = mu1 * mu2
    sigma1_sq = _filter2d(img1**2, window)[crop] - mu1_sq
    sigma2_sq = _filter2d(img2**2, window)[crop] - mu2_sq
    sigma12 = _filter2d(img1 * img2, window)[crop] - mu1_mu2
    ssim_map = ((2 * mu1_mu2 + c1) * (2 * sigma12 + c2)) / ((mu1_sq + mu2_sq + c1) * (sigma1_sq + sigma2_sq + c2))
    return float(ssim_map.mean())


def _histogram(img: np.ndarray) -> np.ndarray:
    counts = np.bincount(img.ravel(), minlength=256)[:256].astype(np.float64)
    return counts / float(img.size)


def _normalize_exposure(img: np.ndarray) -> np.ndarray:
    img = img.astype(int)
    hist = _histogram(img)
    cdf = np.cumsum(hist)  # sequential float64 sums, as CircuitNet's sum(hist[:i+1])
    sk = np.uint8(255 * cdf)
    return sk[img].astype(int)


def circuitnet_emd(target: np.ndarray, pred: np.ndarray) -> float:
    img1 = _normalize_exposure(to_uint8(target))
    img2 = _normalize_exposure(to_uint8(pred))
    return float(wasserstein_distance(_histogram(img1), _histogram(img2)))


def circuitnet_average(values: Sequence[float]) -> float:
    """`test.py`: values exactly equal to 1 are left out of the sum but counted in the divisor."""
    n = len(values)
    if n == 0:
        return float("nan")
    total = 0.0
    for v in values:
        if v != 1:
            total += v
    return total / n


def _sorted_unique(xs: Sequence[float], ys: Sequence[float]) -> tuple[list[float], list[float]]:
    # CircuitNet's get_sorted_list: keep the first y for each distinct x, reverse, sort the pairs.
    x_list: list[float] = []
    y_list: list[float] = []
    for x, y in zip(xs, ys):
        if x not in x_list:
            x_list.append(x)
            y_list.append(y)
    x_list.reverse()
    y_list.reverse()
    pairs = sorted(zip(x_list, y_list))
    return [p[0] for p in pairs], [p[1] for p in pairs]


def circuitnet_roc_prc(
    targets: Iterable[np.ndarray], preds: Iterable[np.ndarray], label_threshold: float = 0.1
) -> tuple[float, float]:
    """DRC ROC-AUC and PR-AUC of CircuitNet (`multi_process_score` + `roc_prc`) on float maps.

    PR-AUC is nan when fewer than 4 distinct TPR values exist (CircuitNet's cubic spline would fail)."""
    t_bin = [(np.asarray(t, dtype=np.float64).ravel() >= label_threshold) for t in targets]
    p_all = [np.asarray(p, dtype=np.float64).ravel() for p in preds]
    if len(t_bin) != len(p_all):
        raise ValueError("targets and predictions differ in number")
    tpr_avg: list[float] = []
    fpr_avg: list[float] = []
    prec_avg: list[float] = []
    for thr in np.linspace(0, 1, endpoint=False, num=200):
        tpr_sum = fpr_sum = prec_sum = 0.0
        num = 0
        for t, p in zip(t_bin, p_all):
            pb = p >= thr
            if pb.all() and t.all():
                tp, tn, fn, fp = t.size, 0, 0, 0
            elif (not pb.any()) and (not t.any()):
                tn, tp, fn, fp = t.size, 0, 0, 0
            else:
                tp = int(np.count_nonzero(pb & t))
                fp = int(np.count_nonzero(pb & ~t))
                fn = int(np.count_nonzero(~pb & t))
                tn = int(np.count_nonzero(~pb & ~t))
            if fp == 0 and tn == 0:
                continue
            if tp == 0 and fn == 0:
                continue
            if tp == 0 and fp == 0:
                continue
            tpr_sum += tp / (tp + fn)
            fpr_sum += fp / (fp + tn)
            prec_sum += tp / (tp + fp)
            num += 1
        if num != 0:
            tpr_avg.append(tpr_sum / num)
            fpr_avg.append(fpr_sum / num)
            prec_avg.append(prec_sum / num)
    if not tpr_avg:
        return float("nan"), float("nan")
    fpr_list, tpr_list = _sorted_unique(fpr_avg, tpr_avg)
    fpr_list.append(1)
    tpr_list.append(1)
    roc = 0.0
    for i in range(len(tpr_list) - 1):
        roc += (tpr_list[i] + tpr_list[i + 1]) * (fpr_list[i + 1] - fpr_list[i]) / 2
    x, y = _sorted_unique(tpr_avg, prec_avg)
    if len(x) < 4:
        return float(roc), float("nan")
    x_smooth = np.linspace(0, 1, 25)
    y_smooth = make_interp_spline(x, y, k=3)(x_smooth)
    prc = 0.0
    for i in range(len(y_smooth) - 1):
        prc += (y_smooth[i] + y_smooth[i + 1]) * (x_smooth[i + 1] - x_smooth[i]) / 2
    return float(roc), float(prc)


# ----------------------------------------------------------------------------------------------------
# Float metrics
# ----------------------------------------------------------------------------------------------------


def peak_nrmse(target: np.ndarray, pred: np.ndarray, percents: Sequence[float] = PEAK_PERCENTS) -> float:
    t = np.asarray(target, dtype=np.float64).ravel()
    p = np.asarray(pred, dtype=np.float64).ravel()
    if t.shape != p.shape:
        raise ValueError(f"target shape {t.shape} != prediction shape {p.shape}")
    order = np.argsort(-t, kind="stable")
    values = []
    for pct in percents:
        k = max(1, int(t.size * pct / 100))
        idx = order[:k]
        ts, ps = t[idx], p[idx]
        rng = ts.max() - ts.min()
        if rng < 1e-8:
            values.append(0.05)
        else:
            values.append(float(np.sqrt(np.mean((ps - ts) ** 2)) / rng))
    return float(np.mean(values))


def r2(target: np.ndarray, pred: np.ndarray) -> float:
    t = np.asarray(target, dtype=np.float64).ravel()
    p = np.asarray(pred, dtype=np.float64).ravel()
    ss_res = float(np.sum((t - p) ** 2))
    ss_tot = float(np.sum((t - t.mean()) ** 2))
    if ss_tot == 0.0:
        return 1.0 if ss_res == 0.0 else 0.0
    return 1.0 - ss_res / ss_tot


def pearson(target: np.ndarray, pred: np.ndarray) -> float:
    t = np.asarray(target, dtype=np.float64).ravel()
    p = np.asarray(pred, dtype=np.float64).ravel()
    tc, pc = t - t.mean(), p - p.mean()
    denom = math.sqrt(float(np.sum(tc * tc)) * float(np.sum(pc * pc)))
    return float(np.sum(tc * pc)) / denom if denom > 0 else 0.0


def mean_pearson(targets: Iterable[np.ndarray], preds: Iterable[np.ndarray]) -> float:
    """Mean per-sample Pearson over the samples whose target is not constant (nan when none is)."""
    vals = [pearson(t, p) for t, p in zip(targets, preds) if np.ptp(np.asarray(t, dtype=np.float64)) > 0]
    return float(np.mean(vals)) if vals else float("nan")


def top_overlap(target: np.ndarray, pred: np.ndarray, top: float = 0.05) -> float | None:
    """|P & T| / |T| of one sample (see the module documentation); None without a positive target."""
    hit, _, n_true = hotspot_counts(target, pred, top)
    return hit / n_true if n_true else None


def mean_top_overlap(targets: Iterable[np.ndarray], preds: Iterable[np.ndarray], top: float = 0.05) -> float:
    vals = [v for v in (top_overlap(t, p, top) for t, p in zip(targets, preds)) if v is not None]
    return float(np.mean(vals)) if vals else float("nan")


def hotspot_counts(target: np.ndarray, pred: np.ndarray, top: float = 0.05) -> tuple[int, int, int]:
    """(|P & T|, |P|, |T|) of one sample; (0, 0, 0) when the target has no positive GCell."""
    t = np.asarray(target, dtype=np.float64).ravel()
    p = np.asarray(pred, dtype=np.float64).ravel()
    if t.shape != p.shape:
        raise ValueError(f"target shape {t.shape} != prediction shape {p.shape}")
    if not np.any(t > 0):
        return 0, 0, 0
    k = max(1, math.ceil(t.size * top))
    tau = np.sort(t)[::-1][k - 1]
    true_hot = (t >= tau) & (t > 0)
    pred_hot = np.zeros(t.size, dtype=bool)
    pred_hot[np.argsort(-p, kind="stable")[:k]] = True
    return int(np.count_nonzero(true_hot & pred_hot)), k, int(np.count_nonzero(true_hot))


def hotspot_precision_recall(
    targets: Iterable[np.ndarray], preds: Iterable[np.ndarray], top: float = 0.05
) -> tuple[float, float]:
    tp = n_pred = n_true = 0
    for t, p in zip(targets, preds):
        a, b, c = hotspot_counts(t, p, top)
        tp += a
        n_pred += b
        n_true += c
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_true if n_true else 0.0
    return precision, recall
