#!/usr/bin/env bash
# Reads a folder of LEF/DEF pairs with `mpgd stats` and counts how many read.
#
#   scripts/odb-corpus.sh DIR [MPGD]
#
# DIR holds `manifest.txt`: one pair a line, `DEF LEF [LEF...] [--flag...]`, paths relative to
# DIR (or absolute), flags passed to `mpgd stats` as they are (`--allow-missing-masters`); blank
# lines and lines starting with `#` are skipped. MPGD is the binary
# (default: target/release/mpgd of this checkout). For each pair it prints
#   read     DEF
#   refused  DEF: the first line of mpgd's error
#   crashed  DEF: exit status and the last line (a panic, a signal, or an error of more
#            than one line, which the project counts as a bug too)
# and at the end the counts and the percentage read. Exit status 0 unless a pair crashed.
set -euo pipefail

dir=${1:?usage: scripts/odb-corpus.sh DIR [MPGD]}
root=$(cd "$(dirname "$0")/.." && pwd)
mpgd=${2:-$root/target/release/mpgd}
manifest=$dir/manifest.txt
[[ -f $manifest ]] || { echo "odb-corpus: $manifest: no such file" >&2; exit 2; }
[[ -x $mpgd ]] || { echo "odb-corpus: $mpgd: not built (cargo build --release)" >&2; exit 2; }

resolve() { [[ $1 = /* ]] && echo "$1" || echo "$dir/$1"; }

n_read=0 n_refused=0 n_crashed=0
err=$(mktemp)
trap 'rm -f "$err"' EXIT
while read -r def lefs; do
    [[ -z ${def:-} || $def = \#* ]] && continue
    args=()
    for word in $lefs; do
        if [[ $word = --* ]]; then args+=("$word"); else args+=(--lef "$(resolve "$word")"); fi
    done
    status=0
    "$mpgd" stats "${args[@]}" --def "$(resolve "$def")" >/dev/null 2>"$err" || status=$?
    # Warnings (a wrong section count, ...) go to stderr too; the error is the `mpgd:` line.
    errors=$(grep -c '^mpgd: ' "$err" || true)
    if [[ $status -eq 0 ]]; then
        echo "read     $def"
        n_read=$((n_read + 1))
    elif [[ $status -eq 1 && $errors -eq 1 ]] && ! grep -q 'panicked' "$err"; then
        echo "refused  $def: $(grep '^mpgd: ' "$err")"
        n_refused=$((n_refused + 1))
    else
        echo "crashed  $def: exit $status: $(tail -n 1 "$err")"
        n_crashed=$((n_crashed + 1))
    fi
done <"$manifest"

total=$((n_read + n_refused + n_crashed))
if [[ $total -gt 0 ]]; then
    pct=$(awk -v r=$n_read -v t=$total 'BEGIN { printf "%.1f", 100 * r / t }')
else
    pct=0
fi
echo "pairs $total: read $n_read, refused $n_refused, crashed $n_crashed ($pct% read)"
[[ $n_crashed -eq 0 ]]
