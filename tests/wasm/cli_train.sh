#!/usr/bin/env bash
# The WebAssembly CLI trains under node and reports a test result.
source "$(dirname "$0")/../cli/lib.sh"
out="$(node "$BPL_JS" train --preset r0-mlp --subset 2000 --val 0.1 --epochs 1 --test-subset 500 --no-progress 2>&1)" \
  || { echo "$out"; fail "node bpl.js train exited non-zero"; }
echo "$out"
echo "$out" | grep -q '^test: ' || fail "no 'test: ' line"
ok "the WebAssembly CLI trains under node"
