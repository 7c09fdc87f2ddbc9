#!/usr/bin/env bash
# Installs just the ONNX Runtime that mpgd's inference loads (the onnxruntime wheel pinned in
# train/requirements.txt, with its few small dependencies) into <repo>/.venv, for users who do not
# want the full training environment (scripts/python-env.sh, about 7 GB). Idempotent: when .venv
# already has the pinned onnxruntime, nothing is installed.
#
# Prints the library's path on its last line; with --lib, prints only that path (for
# `export ORT_DYLIB_PATH="$(scripts/onnxruntime.sh --lib)"`).
#
# Needs python3 (3.10 or newer) and PyPI.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
python="${PYTHON:-python3}"
quiet=false
[ "${1:-}" = "--lib" ] && quiet=true
say() { $quiet || echo "onnxruntime: $*"; }

pin="$(grep -E '^onnxruntime==' "$root/train/requirements.txt" | head -n1)"
[ -n "$pin" ] || { echo "onnxruntime: no 'onnxruntime==' pin in train/requirements.txt" >&2; exit 1; }
version="${pin#onnxruntime==}"

installed() {
    [ -x "$venv/bin/python" ] &&
        [ "$("$venv/bin/python" -c 'import onnxruntime; print(onnxruntime.__version__)' 2>/dev/null)" = "$version" ]
}

if installed; then
    say "$venv has onnxruntime $version"
else
    if [ ! -x "$venv/bin/python" ]; then
        say "creating $venv with $python"
        "$python" -m venv "$venv" >&2
    fi
    say "installing $pin (about 20 MB)"
    "$venv/bin/python" -m pip install --disable-pip-version-check -q "$pin" >&2
    installed || { echo "onnxruntime: $pin did not install into $venv" >&2; exit 1; }
fi

lib="$(ls "$venv"/lib/python3*/site-packages/onnxruntime/capi/libonnxruntime.so* 2>/dev/null | sort | tail -n1)"
[ -n "$lib" ] || { echo "onnxruntime: no libonnxruntime.so in the onnxruntime wheel under $venv" >&2; exit 1; }
if $quiet; then echo "$lib"; else say "library: $lib"; fi
