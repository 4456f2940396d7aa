#!/usr/bin/env bash
# Backprop Lab: set up what is missing, build, and start.
#   scripts/run.sh              the browser app: serves it on http://127.0.0.1:8080/ (PORT=… to change)
#   scripts/run.sh --desktop    the same app in a native window
#   scripts/run.sh --cli ARGS   the headless trainer, e.g. --cli train --preset r2-mlp --epochs 20
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mode="${1:-web}"
if [ "$mode" = "--cli" ] || [ "$mode" = "--desktop" ]; then
  BPL_SKIP_WEB=1 bash scripts/setup.sh
  echo "run: building (native)…"
  bash scripts/build.sh native >/tmp/bpl-build-native.log 2>&1 || { tail -30 /tmp/bpl-build-native.log; exit 1; }
  if [ "$mode" = "--cli" ]; then shift; exec build/native/bpl "$@"; fi
  shift
  exec build/native/backprop_lab "$@"
fi
bash scripts/setup.sh
echo "run: building (WebAssembly)…"
bash scripts/build.sh web >/tmp/bpl-build-web.log 2>&1 || { tail -30 /tmp/bpl-build-web.log; exit 1; }
echo "run: open http://127.0.0.1:${PORT:-8080}/ in a browser (Ctrl-C stops the server)"
exec node scripts/serve.mjs build/web/site "${PORT:-8080}"
