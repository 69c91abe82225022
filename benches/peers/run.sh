#!/usr/bin/env bash
# zkvote next to snarkjs on the same statement (see ballot.circom.in), alternating runs
# on this machine. Prints a markdown table: constraints of both circuits, median
# witness+proof and verification times (in-process, after a warm-up), and the ratio
# zkvote / peer.
#
# Usage: benches/peers/run.sh            (DEPTHS="10 16 20 32" FIELDS=8 REPS=5 ROUNDS=3)
# Needs: node + npm (installs snarkjs, circom2, circomlib and the Semaphore circuit from
# npm into benches/peers/node_modules), cargo.
set -euo pipefail
cd "$(dirname "$0")"
DEPTHS="${DEPTHS:-10 16 20 32}"
FIELDS="${FIELDS:-8}"
REPS="${REPS:-5}"
ROUNDS="${ROUNDS:-3}"
POWER="${POWER:-14}"
W=work
mkdir -p "$W"

echo "installing the peers from npm…" >&2
npm ci --no-audit --no-fund --loglevel=error >&2
export PATH="$PWD/node_modules/.bin:$PATH"

echo "building zkvote's side…" >&2
(cd ../.. && cargo build --release -q -p zkvote-benches --bin peer_zkvote)
TARGET_DIR="${CARGO_TARGET_DIR:-$(cd ../.. && pwd)/target}"
BIN="$TARGET_DIR/release/peer_zkvote"

if [ ! -f "$W/pot$POWER.ptau" ]; then
  echo "powers of tau 2^$POWER (local, for benchmarking only)…" >&2
  snarkjs powersoftau new bn128 "$POWER" "$W/pot_0.ptau" >&2
  snarkjs powersoftau contribute "$W/pot_0.ptau" "$W/pot_1.ptau" --name=bench -e="zkvote bench entropy" >&2
  snarkjs powersoftau prepare phase2 "$W/pot_1.ptau" "$W/pot$POWER.ptau" >&2
fi

# rapidsnark is not packaged in Debian, npm or PyPI: give its prover binary as
# RAPIDSNARK_PROVER, or let build_rapidsnark.sh build it (needs its sources: GitHub or a
# local mirror, plus cmake, nasm, g++, libgmp-dev, nlohmann-json3-dev from apt).
if [ -z "${RAPIDSNARK_PROVER:-}" ]; then
  echo "building rapidsnark (optional)…" >&2
  RAPIDSNARK_PROVER=$(bash build_rapidsnark.sh 2>/dev/null | tail -1) || RAPIDSNARK_PROVER=""
fi
if [ -n "$RAPIDSNARK_PROVER" ] && [ -x "$RAPIDSNARK_PROVER" ]; then
  export RAPIDSNARK_PROVER
  RAPIDSNARK="rapidsnark: $RAPIDSNARK_PROVER (witness by snarkjs' wasm calculator in-process, then one prover process per proof, which re-opens the zkey each time)"
else
  RAPIDSNARK_PROVER=""
  RAPIDSNARK="rapidsnark: not run (no RAPIDSNARK_PROVER, and build_rapidsnark.sh could not build it here)"
fi

echo "| depth | fields | zkvote constraints | circom constraints | zkvote prove (ms) | zkvote prove, tables (ms) | snarkjs prove (ms) | rapidsnark prove (ms) | tables / snarkjs | tables / rapidsnark | zkvote verify (ms) | snarkjs verify (ms) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
for D in $DEPTHS; do
  C="$W/ballot_d${D}_f${FIELDS}"
  sed -e "s/@DEPTH@/$D/" -e "s/@FIELDS@/$FIELDS/" ballot.circom.in > "$C.circom"
  if [ ! -f "$C.zkey" ]; then
    echo "depth $D: compiling the circom peer and its keys…" >&2
    circom2 "$C.circom" --r1cs --wasm --O2 -o "$W" \
      -l node_modules/@semaphore-protocol/circuits/src \
      -l node_modules/circomlib/circuits \
      -l node_modules/@zk-kit/binary-merkle-root.circom/src >&2
    snarkjs groth16 setup "$C.r1cs" "$W/pot$POWER.ptau" "$C.zkey" >&2
    snarkjs zkey export verificationkey "$C.zkey" "$C.vk.json" >&2
  fi
  CIRCOM_CONSTRAINTS=$(snarkjs r1cs info "$C.r1cs" | sed -n 's/.*# of Constraints: *\([0-9]*\).*/\1/p')
  "$BIN" --depth "$D" --fields "$FIELDS" --reps 0 --input-out "$C.input.json" > /dev/null
  : > "$C.zkvote.jsonl"
  : > "$C.snarkjs.jsonl"
  : > "$C.rapidsnark.jsonl"
  for r in $(seq "$ROUNDS"); do
    echo "depth $D: round $r of $ROUNDS…" >&2
    "$BIN" --depth "$D" --fields "$FIELDS" --reps "$REPS" >> "$C.zkvote.jsonl"
    node snarkjs_time.mjs "${C}_js/$(basename "$C").wasm" "$C.zkey" "$C.vk.json" "$C.input.json" "$REPS" >> "$C.snarkjs.jsonl"
    if [ -n "$RAPIDSNARK_PROVER" ]; then
      node time_rapidsnark.mjs "$C.zkey" "${C}_js/$(basename "$C").wasm" "$C.input.json" "$REPS" "$C.vk.json" >> "$C.rapidsnark.jsonl"
    fi
  done
  node summarize.mjs "$D" "$FIELDS" "$CIRCOM_CONSTRAINTS" "$C.zkvote.jsonl" "$C.snarkjs.jsonl" "$C.rapidsnark.jsonl"
done
echo
echo "$RAPIDSNARK."
echo "Machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'); zkvote threads: all (rayon); snarkjs: its default worker threads."
