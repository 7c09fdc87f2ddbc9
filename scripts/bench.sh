#!/usr/bin/env bash
# Reading benchmarks (never part of the tests): prepares uncompressed inputs and a tiled ibex under
# target/bench/, then measures, side by side on the same bytes:
#   * `wc -l` (the floor of reading the bytes at all),
#   * the Si2 LEF/DEF parser that OpenROAD uses (PyPI `lefdef`, a ctypes wrapper), DEF read only,
#   * `mpgd stats` end to end (LEF + DEF + design model), 1 thread and all threads, with peak memory,
#   * `cargo bench --bench read` (parse alone and Design::load, in process).
# Figures go to docs/performance.md by hand, with the date and machine.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-env.sh
cp "$D/nangate45/gcd/Nangate45.lef" "$B/"
cp "$D"/gf180mcu/efuse_ctrl/*.lef "$B/"
[ -f "$B/ibex_core.def" ] || zcat "$D/nangate45/ibex_core/ibex_core_replace.def.gz" > "$B/ibex_core.def"
[ -f "$B/efuse_ctrl.def" ] || zcat "$D/gf180mcu/efuse_ctrl/efuse_ctrl.def.gz" > "$B/efuse_ctrl.def"
[ -f "$B/ibex_2x2.def" ] || $M tile --def "$B/ibex_core.def" --nx 2 --ny 2 --out "$B/ibex_2x2.def"
[ -f "$B/ibex_4x4.def" ] || $M tile --def "$B/ibex_core.def" --nx 4 --ny 4 --out "$B/ibex_4x4.def"
if [ ! -x "$B/venv/bin/python" ]; then
  python3 -m venv "$B/venv" && "$B/venv/bin/pip" install -q lefdef==0.6.0
fi

best() { # best wall time of 5 runs of a command, in seconds
  local best=999999
  for _ in 1 2 3 4 5; do
    local s=$(date +%s.%N); "$@" >/dev/null 2>&1; local e=$(date +%s.%N)
    best=$(echo "$best $s $e" | awk '{t=$3-$2; print (t<$1)?t:$1}')
  done
  echo "$best"
}
si2() { "$B/venv/bin/python" - "$1" <<'PY'
import sys, time
from lefdef import C_DefReader
r = C_DefReader()
best = 1e9
for _ in range(5):
    t = time.perf_counter(); r.read(sys.argv[1]); best = min(best, time.perf_counter() - t)
print(f"{best:.4f}")
PY
}
peak_mb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.0f", $1/1024}'; }

echo "| design | DEF MB | wc -l s | Si2 DEF read s | mpgd stats 1 thread s | mpgd stats ${NPROC:-$(nproc)} threads s | peak RSS MB | speed-up vs Si2 | x wc -l |"
echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
for c in "ibex_core.def:Nangate45.lef" "efuse_ctrl.def:gf180mcu_5LM_1TM_9K_7t_tech.lef gf180mcu_5LM_1TM_9K_7t_sc.lef" "ibex_2x2.def:Nangate45.lef" "ibex_4x4.def:Nangate45.lef"; do
  def="$B/${c%%:*}"; lefargs=""
  for l in ${c#*:}; do lefargs="$lefargs --lef $B/$l"; done
  mb=$(du -b "$def" | awk '{printf "%.1f", $1/1e6}')
  wc=$(best wc -l "$def")
  s2=$(si2 "$def")
  t1=$(RAYON_NUM_THREADS=1 best $M --threads 1 stats $lefargs --def "$def")
  tn=$(best $M stats $lefargs --def "$def")
  rss=$(peak_mb $M stats $lefargs --def "$def")
  echo "| ${c%%:*} | $mb | $wc | $s2 | $t1 | $tn | $rss | $(echo "$s2 $tn" | awk '{printf "%.1fx", $1/$2}') | $(echo "$tn $wc" | awk '{printf "%.1f", $1/$2}') |"
done
echo
cargo bench --quiet --bench read
