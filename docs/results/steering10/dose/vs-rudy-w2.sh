# Fourteenth round: the gated models (W 0.5) against RUDY at its own weight (W 2, the thirteenth
# round's pulls, same placements: the none rows of the two rounds are identical, checked here).
# Each gated TSV with its rudy row replaced by the thirteenth round's, then steer-table.py.
cd "$(dirname "$0")/../../../.."
R=docs/results/steering10/dose; P=docs/results/steering9/pulls; T=/tmp/vs-rudy-w2; mkdir -p $T
for f in 1 2; do
  cmp <(grep -P '\tnone\t' $P/pulls-$f.tsv | cut -f1,2,4-8) <(grep -P '\tnone\t' $R/pulls-$f.tsv | cut -f1,2,4-8) || exit 1
done
for g in gated-pulls gated-s1-pulls; do
  for f in 1 2; do { grep -vP '\trudy\t' $R/$g-$f.tsv; grep -P '\trudy\t' $P/pulls-$f.tsv; } > $T/$g-$f.tsv; done
  echo "## $g against rudy at W 2"
  python3 scripts/steer-table.py --signs $T/$g-1.tsv $T/$g-2.tsv | grep -E 'rudy'
  python3 scripts/steer-table.py --variants 7 $T/$g-1.tsv $T/$g-2.tsv | grep -E '< rudy|^\| rudy'
done
