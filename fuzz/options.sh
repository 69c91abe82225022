# Sourced by smoke.sh and run.sh: the build environment and each target's libFuzzer
# options, so that the smoke test and the recorded runs build and fuzz the same way.

# cargo-fuzz needs nightly features: with a stable toolchain, allow them.
if ! rustc --version | grep -q nightly; then
  export RUSTC_BOOTSTRAP=1
fi
# cargo-fuzz sets RUSTFLAGS, which replaces the target flags of .cargo/config.toml:
# pass them again so that the fuzzed code is the code zkvote ships (MULX field
# multiplication), on CPUs that have BMI2 and ADX.
if [ "$(uname -m)" = x86_64 ] && grep -qw adx /proc/cpuinfo && grep -qw bmi2 /proc/cpuinfo; then
  case "${RUSTFLAGS:-}" in
    *+bmi2,+adx*) ;;
    *) export RUSTFLAGS="${RUSTFLAGS:-} -C target-feature=+bmi2,+adx" ;;
  esac
fi

# One thread per fuzzing process (the key readers' point checks run on rayon): the
# runs are one job each, on a machine shared with others.
export RAYON_NUM_THREADS="${RAYON_NUM_THREADS:-1}"

# libFuzzer options of a target: the largest input (bytes; each seed is well
# below it), the JSON dictionary for JSON readers, a 10 s timeout and 2 GiB limit.
fuzz_options() {
  local max_len=8192
  case "$1" in
    proof_bytes) max_len=512 ;;
    identity_json | snarkjs_public | snarkjs_proof) max_len=2048 ;;
    proving_key | proving_key_trusted | tables | zkey) max_len=16384 ;;
  esac
  echo "-max_len=$max_len -timeout=10 -rss_limit_mb=2048"
  case "$1" in
    *_json | snarkjs_*) echo "-dict=json.dict" ;;
  esac
}
