#!/usr/bin/env bash
# A recorded fuzzing run (docs/fuzzing.md): `fuzz/run.sh RUNS TARGET...` runs each
# target for RUNS executions, one process at a time, from its committed corpus (new
# inputs go to fuzz/target/corpus/<target>, not into the committed corpus), and
# prints a line `target executions seconds exec/s result` per target. With
# FUZZ_MAX_TIME=S a target also stops after S seconds (for the slow key readers).
# Afterwards, to fold the new inputs into the committed corpus and minimise it:
#   cargo fuzz cmin TARGET corpus/TARGET   (after copying target/corpus/TARGET/* into it)
set -uo pipefail
cd "$(dirname "$0")"
# shellcheck source=options.sh
source ./options.sh
runs="$1"
shift
cargo fuzz build >/dev/null 2>&1 || { echo "fuzz/run.sh: cargo fuzz build failed" >&2; exit 2; }
status=0
for target in "$@"; do
  mkdir -p "target/corpus/$target" target/logs
  log="target/logs/$target.log"
  start=$(date +%s.%N)
  # shellcheck disable=SC2046
  cargo fuzz run "$target" "target/corpus/$target" "corpus/$target" -- \
    -runs="$runs" ${FUZZ_MAX_TIME:+-max_total_time=$FUZZ_MAX_TIME} $(fuzz_options "$target") \
    -print_final_stats=1 >"$log" 2>&1
  rc=$?
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  execs=$(grep -oP '^stat::number_of_executed_units: \K[0-9]+' "$log" || echo "?")
  rate=$(grep -oP '^stat::average_exec_per_sec:\s*\K[0-9]+' "$log" || echo "?")
  result=ok
  if [ "$rc" -ne 0 ]; then
    result="CRASH (exit $rc, see $log and artifacts/$target/)"
    status=1
  fi
  printf '%s %s %.0f %s %s\n' "$target" "$execs" "$secs" "$rate" "$result"
done
exit $status
