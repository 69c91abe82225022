#!/usr/bin/env bash
# Builds rapidsnark's standalone `prover` CLI (x86_64, nasm field arithmetic, USE_ASM=ON)
# against the system GMP and the system nlohmann/json headers. No pistache, no libsodium,
# no build_gmp.sh download.
#
#   needs: git, cmake (>=3.10), nasm, g++, libgmp-dev, nlohmann-json3-dev
#          (Debian: apt-get install -y cmake nasm build-essential libgmp-dev nlohmann-json3-dev)
#   usage: build_rapidsnark.sh [OUT_DIR]     (default benches/peers/work/rapidsnark)
#   sources: the public repositories (github.com/iden3/rapidsnark, github.com/iden3/ffiasm)
#            by default; RAPIDSNARK_GIT / FFIASM_GIT name another clone or mirror (a URL or
#            a local path) where those are not reachable (run.sh skips rapidsnark when this
#            fails)
#   result: $OUT_DIR/<tag>/build_prover/src/prover
#
# Version: rapidsnark v0.0.6 with ffiasm b9dce0a (the ffiasm commit v0.0.6 pins), because the
# ffiasm snapshot available here stops at b9dce0a (Sep 2024); newer rapidsnark tags pin ffiasm
# commits that are not in it. The Fr/Fq assembly (build/fr.asm, fq.asm) is byte-identical
# in v0.0.6 and the current main branch.
set -euo pipefail
OUT="${1:-$(cd "$(dirname "$0")" && pwd)/work/rapidsnark}"
TAG="${RAPIDSNARK_TAG:-v0.0.6}"
FFIASM_COMMIT="${FFIASM_COMMIT:-b9dce0a78a0ee172c23cee2465904383ea43f0ec}"
RS_GIT="${RAPIDSNARK_GIT:-https://github.com/iden3/rapidsnark}"
FF_GIT="${FFIASM_GIT:-https://github.com/iden3/ffiasm}"

for t in git cmake nasm g++; do command -v "$t" >/dev/null || { echo "missing $t" >&2; exit 1; }; done
[ -f /usr/include/gmp.h ] || [ -f /usr/include/x86_64-linux-gnu/gmp.h ] || { echo "missing libgmp-dev" >&2; exit 1; }
[ -f /usr/include/nlohmann/json.hpp ] || { echo "missing nlohmann-json3-dev" >&2; exit 1; }

SRC="$OUT/$TAG"
if [ ! -f "$SRC/CMakeLists.txt" ]; then
  tmp=$(mktemp -d)
  git clone -q --no-checkout "$RS_GIT" "$tmp/rs"
  git clone -q --no-checkout "$FF_GIT" "$tmp/ff"
  mkdir -p "$SRC/depends/ffiasm"
  git -C "$tmp/rs" archive "$TAG" | tar -x -C "$SRC"
  git -C "$tmp/ff" archive "$FFIASM_COMMIT" | tar -x -C "$SRC/depends/ffiasm"
  rm -rf "$tmp"
fi
# The generated field sources (build/fr.asm, fr.cpp, ...) are committed in rapidsnark, so
# the ffiasm npm/node code generator is not needed. GMP: no depends/gmp/package, so cmake
# prints a warning and links the system libgmp.
cmake -S "$SRC" -B "$SRC/build_prover" -DCMAKE_BUILD_TYPE=Release \
  -DTARGET_PLATFORM=x86_64 -DUSE_ASM=ON
# (do not pass -DBUILD_TESTS=OFF: v0.0.6 then fails to configure on Linux with OpenMP,
#  src/CMakeLists.txt links OpenMP into the test_public_size target unconditionally)
cmake --build "$SRC/build_prover" --target prover -j "${JOBS:-2}"
echo "$SRC/build_prover/src/prover"
