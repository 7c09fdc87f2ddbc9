#!/usr/bin/env bash
# Runs `mpgd demo` on the bundled nangate45/gcd: predict with the committed congestion models (pictures),
# steer with the committed history models (dosed), route, compare (none / rudy / history oracle / each
# history model). Installs ONNX Runtime into .venv once
# (scripts/onnxruntime.sh, idempotent); cargo fetches the rest.
set -euo pipefail
cd "$(dirname "$0")/.."
export ORT_DYLIB_PATH="${ORT_DYLIB_PATH:-$(./scripts/onnxruntime.sh --lib)}"
cargo run --quiet --release --bin mpgd -- demo "$@"
