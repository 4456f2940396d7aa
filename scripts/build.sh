#!/usr/bin/env bash
# Build Backprop Lab: scripts/build.sh [native|web|all] (default all), with the presets of
# CMakePresets.json:
#   build/native  g++ -O3 -march=native: the CLI (bpl), the unit tests, the desktop app
#   build/web     Emscripten -O3 -msimd128: the CLI and tests for node, the browser app
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs
what="${1:-all}"
case "$what" in native|web|all) ;; *) echo "usage: scripts/build.sh [native|web|all]" >&2; exit 2 ;; esac
jobs="$(nproc)"
for preset in native web; do
  if [ "$what" = "$preset" ] || [ "$what" = all ]; then
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$jobs"
  fi
done
