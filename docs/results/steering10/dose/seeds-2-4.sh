# Fourteenth round, third addition: train and steer seeds 2, 3 and 4 of the gated models in turn.
cd "$(dirname "$0")"
for s in 2 3 4; do
  SEED=$s bash train-gated.sh
  SEED=$s bash run-gated-seeds.sh
done
echo all done
