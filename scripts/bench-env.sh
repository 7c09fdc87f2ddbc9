# Sourced by the bench scripts: the designs folder ($D), the scratch folder ($B) and a fresh
# release binary ($M), from the repository root.
D="${MPGD_DESIGNS:-$(cd .. && pwd)/shared/designs}"
B=target/bench
mkdir -p "$B"
cargo build --quiet --release --bin mpgd
M=target/release/mpgd
