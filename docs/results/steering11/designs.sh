# The four training netlists of datasets/default.toml as the fifteenth round routes them (plan.md 1):
# every layer with tracks, the dataset's GCell size, pre-routed wiring rerouted.
D="${MPGD_DESIGNS:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)/shared/designs}"
B=${MPGD_BIN:-./target/release/mpgd}
declare -A TRAIN=(
  [ibex]="--lef $D/nangate45/ibex_core/Nangate45.lef --def $D/nangate45/ibex_core/ibex_core_replace.def.gz --gcell-um 5.7"
  [aes]="--lef $D/nangate45/aes_cipher_top/Nangate45.lef --def $D/nangate45/aes_cipher_top/aes_cipher_top.def.gz --gcell-um 5.7"
  [aes_orfs]="--lef $D/nangate45/aes_cipher_top_orfs/Nangate45.lef --def $D/nangate45/aes_cipher_top_orfs/aes_bterms.def.gz --gcell-um 5.7"
  [ispd18_test1]="--lef $D/ispd18/ispd18_test1/ispd18_test1.input.lef --def $D/ispd18/ispd18_test1/ispd18_test1.input.def"
)
ALL_TRAIN="ibex aes aes_orfs ispd18_test1"
