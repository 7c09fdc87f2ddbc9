"""Dataset contract, normalisation and training crops."""

import json

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from mpgd_train.data import FEATURE_CHANNELS, TASKS, CropBatcher, Normalizer, load_samples, make_synthetic


def test_synthetic_file_follows_the_contract(tiny_dataset):
    t = pq.read_table(tiny_dataset)
    s = t.schema
    for c in ("id", "design", "technology", "variant", "split"):
        assert s.field(c).type == pa.utf8()
    assert s.field("nx").type == pa.int32() and s.field("ny").type == pa.int32()
    assert s.field("gcell_um").type == pa.float64()
    for c in (*FEATURE_CHANNELS, "congestion_h", "congestion_v", "congestion", "drv"):
        assert s.field(c).type == pa.list_(pa.float32()), c
    row = t.slice(0, 1).to_pylist()[0]
    assert len(row["rudy"]) == row["nx"] * row["ny"]
    assert isinstance(json.loads(row["variant"]), dict)
    assert set(t.column("split").to_pylist()) == {"train", "test"}
    # design-wise split: no design in both
    by_design = {}
    for d, sp in zip(t.column("design").to_pylist(), t.column("split").to_pylist()):
        by_design.setdefault(d, set()).add(sp)
    assert all(len(v) == 1 for v in by_design.values())
    cong = np.array(row["congestion"])
    assert np.allclose(cong, np.array(row["congestion_h"]) + np.array(row["congestion_v"]), atol=1e-6)


def test_load_samples_reshapes_row_major(tmp_path):
    path = make_synthetic(tmp_path / "d.parquet", 2, size=(9, 13), seed=0, with_drv=False)
    t = pq.read_table(path).slice(0, 1).to_pylist()[0]
    s = load_samples(path, "congestion")[0]
    assert s.x.shape == (3, t["ny"], t["nx"]) and s.y.shape == (1, t["ny"], t["nx"])
    flat = np.array(t["rudy"], np.float32)
    assert s.x[1, 1, 0] == flat[t["nx"]]  # row 1, column 0
    assert s.x[1, 0, 2] == flat[2]


def test_missing_drv_column_is_a_clear_error(tmp_path):
    path = make_synthetic(tmp_path / "d.parquet", 2, size=8, with_drv=False)
    with pytest.raises(ValueError, match="drv"):
        load_samples(path, "drv")


def test_task_channels():
    assert TASKS["congestion"].inputs == ("macro_region", "rudy", "rudy_pin")
    assert len(TASKS["drv"].inputs) == 9
    assert set(TASKS["drv"].inputs) <= set(FEATURE_CHANNELS) | {"congestion_h", "congestion_v"}


def test_fixed_normalisation_uses_training_max(tiny_dataset):
    train = load_samples(tiny_dataset, "congestion", "train")
    norm = Normalizer.fit(train, TASKS["congestion"])
    assert norm.scales[1] == pytest.approx(max(float(s.x[1].max()) for s in train))
    assert norm.label_scale == pytest.approx(max(float(s.y.max()) for s in train))
    x, y = norm.apply(train[0].x, train[0].y)
    assert x.dtype == np.float32 and float(y.max()) <= 1.0 and float(y.min()) >= 0.0
    assert Normalizer.from_dict(json.loads(json.dumps(norm.to_dict()))) == norm
    p99 = Normalizer.fit(train, TASKS["congestion"], feature_stat="p99")
    assert p99.scales[1] <= norm.scales[1]


def test_minmax_normalisation_is_per_sample(tiny_dataset):
    s = load_samples(tiny_dataset, "congestion", "train")[0]
    norm = Normalizer(mode="minmax")
    x, y = norm.apply(s.x, s.y)
    assert float(x[1].min()) == 0.0 and float(x[1].max()) == pytest.approx(1.0)
    assert float(y.max()) == pytest.approx(1.0)


def test_crop_batcher_shapes_padding_and_determinism():
    rng = np.random.default_rng(0)
    big = (rng.random((3, 40, 50), dtype=np.float32), rng.random((1, 40, 50), dtype=np.float32))
    small = (np.ones((3, 10, 12), np.float32), np.ones((1, 10, 12), np.float32))
    a = CropBatcher([big, small], crop=16, batch_size=4, hflip=True, seed=7)
    b = CropBatcher([big, small], crop=16, batch_size=4, hflip=True, seed=7)
    for _ in range(3):
        xa, ya = a.next()
        xb, yb = b.next()
        assert xa.shape == (4, 3, 16, 16) and ya.shape == (4, 1, 16, 16)
        assert np.array_equal(xa, xb) and np.array_equal(ya, yb)
    only_small = CropBatcher([small], crop=16, batch_size=1, hflip=False, seed=0)
    x, y = only_small.next()
    assert x[0, :, :10, :12].min() == 1.0 and x[0, :, 10:, :].max() == 0.0
    with pytest.raises(ValueError, match="multiple of 4"):
        CropBatcher([big], crop=15, batch_size=1, hflip=False, seed=0)


def test_hflip_flips_the_width_axis_of_input_and_label_together():
    x = np.arange(16, dtype=np.float32).reshape(1, 4, 4)
    pair = (np.repeat(x, 3, 0), x.copy())
    flips = set()
    batcher = CropBatcher([pair], crop=4, batch_size=1, hflip=True, seed=1)
    for _ in range(20):
        xb, yb = batcher.next()
        assert np.array_equal(xb[0, 0], yb[0, 0])
        flips.add(bool(xb[0, 0, 0, 0] == 3.0))
    assert flips == {True, False}


def test_fixed_label_scale_clips(tiny_dataset):
    train = load_samples(tiny_dataset, "drv", "train")
    norm = Normalizer.fit(train, TASKS["drv"], label_scale=2.0)
    assert norm.label_scale == 2.0
    _, y = norm.apply(train[0].x, np.array([[[0.0, 1.0, 5.0]]], np.float32))
    assert y.tolist() == [[[0.0, 0.5, 1.0]]]


def test_large_list_columns_as_polars_writes_them(tmp_path):
    src = make_synthetic(tmp_path / "d.parquet", 3, size=(8, 12), seed=2, with_drv=False)
    t = pq.read_table(src)
    cols = {n: (t.column(n).cast(pa.large_list(pa.float32())) if pa.types.is_list(t.schema.field(n).type) else t.column(n)) for n in t.column_names}
    pq.write_table(pa.table(cols), tmp_path / "large.parquet")
    a = load_samples(src, "congestion")
    b = load_samples(tmp_path / "large.parquet", "congestion")
    assert all(np.array_equal(x.x, y.x) and np.array_equal(x.y, y.y) for x, y in zip(a, b))
    assert [s.split for s in load_samples(src, "congestion", "test")] == ["test"] * len(load_samples(src, "congestion", "test"))


def test_string_view_columns_become_plain_strings():
    # polars writes string_view; older pyarrow builds cannot filter on it (seen with a GPU image).
    import pyarrow as pa
    from mpgd_train.data import _plain_strings

    t = pa.table({"split": pa.array(["train", "test"]).cast(pa.string_view()), "nx": [1, 2]})
    out = _plain_strings(t)
    assert out.schema.field("split").type == pa.string()
    assert out.column("split").to_pylist() == ["train", "test"]
    assert out.column("nx").to_pylist() == [1, 2]


def test_evaluation_subset_is_spread_over_the_split():
    from mpgd_train.train import _spread

    assert _spread(list(range(10)), 3) == [0, 3, 6]
    assert _spread(list(range(4)), 8) == [0, 1, 2, 3]
    assert _spread(list(range(5)), 0) == [0, 1, 2, 3, 4]
