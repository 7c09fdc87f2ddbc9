#!/usr/bin/env bash
# Runs `mpgd demo` on the bundled nangate45/gcd. Installs nothing beyond what cargo fetches.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --quiet --release --bin mpgd -- demo "$@"
