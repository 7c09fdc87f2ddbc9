"""Configuration: YAML sets values, flags win, typed, resolved config saved."""

import argparse

import pytest
import yaml

from mpgd_train.config import TrainConfig, add_config_flags, config_from_args, load_config, save_config


def _parse(argv):
    p = argparse.ArgumentParser()
    add_config_flags(p)
    return config_from_args(p.parse_args(argv))


def test_yaml_then_flags(tmp_path):
    cfg_file = tmp_path / "c.yaml"
    cfg_file.write_text("steps: 50\nlam: 0.003\nhflip: false\n")
    cfg = _parse(["--config", str(cfg_file), "--steps", "7", "--per-sample", "true"])
    assert cfg.steps == 7 and isinstance(cfg.steps, int)
    assert cfg.lam == 0.003 and cfg.hflip is False and cfg.per_sample is True


def test_default_config_by_task():
    assert _parse([]).task == "congestion" and _parse([]).batch_size == 16
    drv = _parse(["--task", "drv"])
    assert drv.batch_size == 8 and drv.weight_decay == 1e-4 and drv.resolved_model() == "routenet"


def test_unknown_yaml_key_and_bad_type(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("stepz: 3\n")
    with pytest.raises(ValueError, match="stepz"):
        load_config(bad)
    with pytest.raises(ValueError, match="steps"):
        load_config(None, steps="many")


def test_save_round_trip(tmp_path):
    cfg = TrainConfig(dataset="d.parquet", steps=3)
    save_config(cfg, tmp_path / "config.yaml")
    assert TrainConfig(**yaml.safe_load((tmp_path / "config.yaml").read_text())) == cfg


def test_every_option_has_a_flag_with_help():
    from dataclasses import fields

    from mpgd_train.config import FIELD_HELP

    assert {f.name for f in fields(TrainConfig)} == set(FIELD_HELP)
