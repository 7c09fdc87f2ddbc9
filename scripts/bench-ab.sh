#!/usr/bin/env bash
# Reading efuse_ctrl on a shared machine (never part of the tests): CPU time and wall time of
# `mpgd stats` for one or more mpgd binaries, in alternating rounds, beside the Si2 DEF read
# (PyPI `lefdef`) in the same rounds. Wall time alone misleads when others use the cores, so
# each line gives the minimum and the median of RUNS runs (default 7) of task-clock and wall.
#   scripts/bench-ab.sh [BIN...]   (default: a fresh target/release/mpgd; copy binaries aside
#                                   to compare builds; ROUNDS=2 THREADS="1 2")
# Figures go to docs/performance.md by hand, with the date and the load average.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bench-env.sh
[ -f "$B/efuse_ctrl.def" ] || zcat "$D/gf180mcu/efuse_ctrl/efuse_ctrl.def.gz" > "$B/efuse_ctrl.def"
cp "$D"/gf180mcu/efuse_ctrl/*.lef "$B/"
if [ ! -x "$B/venv/bin/python" ]; then
  python3 -m venv "$B/venv" && "$B/venv/bin/pip" install -q lefdef==0.6.0
fi
args=(stats --lef "$B/gf180mcu_5LM_1TM_9K_7t_tech.lef" --lef "$B/gf180mcu_5LM_1TM_9K_7t_sc.lef"
      --def "$B/efuse_ctrl.def")
minmed() { sort -n | awk '{a[NR]=$1} END {printf "min %.0f med %.0f", a[1], a[int((NR+1)/2)]}'; }
one() { # one binary, one thread count: RUNS runs of task-clock, then RUNS of wall
  local bin=$1 t=$2 cpu wall
  cpu=$(for _ in $(seq "${RUNS:-7}"); do
    perf stat -x, -e task-clock "$bin" --threads "$t" "${args[@]}" 2>&1 >/dev/null |
      grep task-clock | cut -d, -f1
  done | minmed)
  wall=$(for _ in $(seq "${RUNS:-7}"); do
    s=$(date +%s%N); "$bin" --threads "$t" "${args[@]}" >/dev/null 2>&1; e=$(date +%s%N)
    echo $(((e - s) / 1000000))
  done | minmed)
  printf "  %-28s %d thread(s): CPU ms %s | wall ms %s\n" "$bin" "$t" "$cpu" "$wall"
}
si2() { "$B/venv/bin/python" - "$B/efuse_ctrl.def" <<'PY'
import sys, time
from lefdef import C_DefReader
r = C_DefReader()
bw = bc = 1e9
for _ in range(5):
    t, c = time.perf_counter(), time.process_time()
    r.read(sys.argv[1])
    bw, bc = min(bw, time.perf_counter() - t), min(bc, time.process_time() - c)
print(f"  Si2 DEF read (best of 5): wall ms {bw * 1e3:.0f} | CPU ms {bc * 1e3:.0f}")
PY
}
[ $# -gt 0 ] || set -- "$M"
for round in $(seq "${ROUNDS:-2}"); do
  echo "round $round, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  si2
  for bin in "$@"; do
    for t in ${THREADS:-1 2}; do one "$bin" "$t"; done
  done
done
