#!/usr/bin/env bash
# Build Backprop Lab: scripts/build.sh [native|web|all] (default all).
#   build/native  g++ -O3 -march=native: the CLI (bpl), the unit tests, the desktop app
#   build/web     Emscripten -O3 -msimd128: the CLI and tests for node, the browser app
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export NODE_PATH=/usr/share/nodejs
what="${1:-all}"
jobs="$(nproc)"
if [ "$what" = native ] || [ "$what" = all ]; then
  cmake -S "$ROOT" -B "$ROOT/build/native" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$ROOT/build/native" -j"$jobs"
fi
if [ "$what" = web ] || [ "$what" = all ]; then
  emcmake cmake -S "$ROOT" -B "$ROOT/build/web" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$ROOT/build/web" -j"$jobs"
fi
