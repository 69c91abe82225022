#!/usr/bin/env bash
# CI smoke test of the fuzz targets (docs/fuzzing.md): builds every target and runs
# each for a bounded number of inputs (2,000 by default, FUZZ_SMOKE_RUNS to change)
# starting from the committed corpus, which it leaves unchanged (new inputs go to a
# temporary directory). Exits non-zero if a target fails to build or crashes; the
# crashing input is then in fuzz/artifacts/<target>/.
# Needs cargo-fuzz (`cargo install cargo-fuzz --locked`); options.sh sets up a stable
# toolchain (RUSTC_BOOTSTRAP=1) and the CPU flags.
set -euo pipefail
cd "$(dirname "$0")"

runs="${FUZZ_SMOKE_RUNS:-2000}"
# shellcheck source=options.sh
source ./options.sh

start=$(date +%s)
cargo fuzz build
echo "built in $(( $(date +%s) - start )) s"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
for target in $(cargo fuzz list); do
  mkdir -p "$scratch/$target"
  echo "== $target"
  log="$scratch/$target.log"
  # shellcheck disable=SC2046
  if ! cargo fuzz run "$target" "$scratch/$target" "corpus/$target" -- \
    -runs="$runs" $(fuzz_options "$target") -print_final_stats=1 >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "fuzz/smoke.sh: $target failed (a crashing input is saved in fuzz/artifacts/$target/)" >&2
    exit 1
  fi
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec)" "$log" || true
done
echo "fuzz smoke: all targets ran $runs inputs without a crash in $(( $(date +%s) - start )) s"
