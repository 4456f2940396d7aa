#!/usr/bin/env bash
# Backprop Lab: set up what is missing, build, and start.
#   scripts/run.sh              the browser app (once it exists; until then a CLI training demo)
#   scripts/run.sh --desktop    the native window
#   scripts/run.sh --cli ARGS   the headless trainer, e.g. --cli train --preset r2-mlp --epochs 20
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
bash scripts/setup.sh
if [ "${1:-}" = "--cli" ]; then
  shift
  bash scripts/build.sh native >/tmp/bpl-build-native.log 2>&1 || { tail -30 /tmp/bpl-build-native.log; exit 1; }
  exec build/native/bpl "$@"
fi
bash scripts/build.sh native >/tmp/bpl-build-native.log 2>&1 || { tail -30 /tmp/bpl-build-native.log; exit 1; }
echo "run: the browser app is not built yet; showing the CLI trainer (R2's MLP, 3 epochs)"
exec build/native/bpl train --preset r2-mlp --epochs 3
