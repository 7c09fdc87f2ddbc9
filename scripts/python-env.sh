#!/usr/bin/env bash
# Creates (or refreshes) the project's Python virtualenv at <repo>/.venv and installs train/ (mpgd_train)
# in editable mode with the pinned versions of train/requirements.txt.
#
# Idempotent: a stamp file in .venv holds the hash of train/requirements.txt and train/pyproject.toml;
# when it matches and the key modules import, nothing is installed.
#
# Needs python3.11 and PyPI only. Note: torch from PyPI on Linux x86_64 is the CUDA build and pulls about
# 3 GB of nvidia-* wheels (about 5-6 GB on disk); PyPI has no CPU-only torch for Linux, and
# `pip install --no-deps torch` does not import (libtorch_global_deps.so needs libcudart.so.12 and
# libtorch_cuda.so the other nvidia libraries), so the plain install is the reliable route. It runs on CPU.
#
# Usage: scripts/python-env.sh            then: .venv/bin/python -m pytest train/tests
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
req="$root/train/requirements.txt"
stamp="$venv/.mpgd-train-requirements.sha256"
python="${PYTHON:-python3.11}"

want="$(cat "$req" "$root/train/pyproject.toml" | sha256sum | cut -d' ' -f1)"

up_to_date() {
    [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] &&
        "$venv/bin/python" -c 'import torch, onnxruntime, onnx, pyarrow, mpgd_train' 2>/dev/null
}

if up_to_date; then
    echo "python-env: $venv is up to date (requirements hash ${want:0:12})"
else
    start=$(date +%s)
    if [ ! -x "$venv/bin/python" ]; then
        echo "python-env: creating $venv with $python"
        "$python" -m venv "$venv"
    fi
    echo "python-env: installing pinned requirements (first install downloads about 3 GB)"
    "$venv/bin/python" -m pip install --disable-pip-version-check -q -r "$req"
    "$venv/bin/python" -m pip install --disable-pip-version-check -q --no-deps -e "$root/train"
    echo "$want" >"$stamp"
    echo "python-env: installed in $(( $(date +%s) - start )) s; venv size $(du -sh "$venv" | cut -f1)"
fi

# The Rust side loads this shared library (ORT_DYLIB_PATH).
"$venv/bin/python" - <<'PY'
import glob, os
import onnxruntime
libs = sorted(glob.glob(os.path.join(os.path.dirname(onnxruntime.__file__), "capi", "libonnxruntime.so*")))
print("python-env: onnxruntime", onnxruntime.__version__, "library:", libs[0] if libs else "NOT FOUND")
PY
