#!/usr/bin/env bash
# Runs every test: the Rust suite (unit + integration) and, when the training package is present,
# the Python suite in the project's virtualenv (created idempotently by scripts/python-env.sh, before
# the Rust tests, which need its onnxruntime).
# Designs beyond the bundled ones are read from $MPGD_DESIGNS (default: ../shared/designs).
set -euo pipefail
cd "$(dirname "$0")/.."
export MPGD_DESIGNS="${MPGD_DESIGNS:-$(cd .. && pwd)/shared/designs}"
# The model tests load ONNX Runtime from .venv and compare it with onnxruntime in Python: set up the
# environment first (the training one when the package is here, else just onnxruntime).
if [ -f train/pyproject.toml ]; then
  ./scripts/python-env.sh
else
  ./scripts/onnxruntime.sh
fi
export ORT_DYLIB_PATH="${ORT_DYLIB_PATH:-$(./scripts/onnxruntime.sh --lib)}"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --no-fail-fast
else
  cargo test --no-fail-fast
fi
if [ -f train/pyproject.toml ]; then
  # The Ray runner's tests drive the real mpgd binary: the one cargo just built for the tests above.
  export MPGD_BIN="${MPGD_BIN:-$PWD/target/debug/mpgd}"
  .venv/bin/python -m pytest -q train/tests
fi
