import os

import pytest
import torch

from mpgd_train.data import make_synthetic


@pytest.fixture(scope="session")
def device() -> torch.device:
    """Tests run on TORCH_DEVICE (default cpu), as timm's tests do."""
    return torch.device(os.environ.get("TORCH_DEVICE", "cpu"))


@pytest.fixture(scope="session")
def tiny_dataset(tmp_path_factory):
    """12 synthetic samples of 20..36 GCells a side, 3 train designs + 1 test design, with DRV labels."""
    path = tmp_path_factory.mktemp("data") / "tiny.parquet"
    return make_synthetic(path, 12, size=(20, 36), seed=3)
