#!/usr/bin/env bash
# Makes fuzz/fixtures/tiny.zkey, the seed of the `zkey` target: a snarkjs Groth16
# setup (phase 1 with one contribution and a beacon, phase 2 with one contribution
# and a beacon) of fuzz/fixtures/tiny.r1cs, which `cargo run --release -p
# zkvote-fuzz-seeds -- .` writes. Uses the pinned snarkjs (npm ci --prefix interop).
# Run from anywhere; rerun the seed generator afterwards to add the zkey's seeds.
set -euo pipefail
fuzz="$(cd "$(dirname "$0")/.." && pwd)"
snarkjs="node $fuzz/../interop/node_modules/snarkjs/build/cli.cjs"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cd "$work"
beacon=0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f
$snarkjs powersoftau new bn128 4 pot_0.ptau >/dev/null
$snarkjs powersoftau contribute pot_0.ptau pot_1.ptau --name=fuzz -e=fuzz-seed-1 >/dev/null
$snarkjs powersoftau beacon pot_1.ptau pot_2.ptau "$beacon" 10 -n=beacon >/dev/null
$snarkjs powersoftau prepare phase2 pot_2.ptau pot_final.ptau >/dev/null
$snarkjs groth16 setup "$fuzz/fixtures/tiny.r1cs" pot_final.ptau tiny_0.zkey >/dev/null
$snarkjs zkey contribute tiny_0.zkey tiny_1.zkey --name=fuzz -e=fuzz-seed-2 >/dev/null
$snarkjs zkey beacon tiny_1.zkey tiny_final.zkey "$beacon" 10 -n=beacon >/dev/null
cp tiny_final.zkey "$fuzz/fixtures/tiny.zkey"
echo "wrote $fuzz/fixtures/tiny.zkey ($(wc -c < tiny_final.zkey) bytes)"
