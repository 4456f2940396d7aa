#!/usr/bin/env bash
# The same preset and seed give bit-identical initial weights natively and in WebAssembly
# (bpl init prints a hash of every weight). Usage: same_seed_weights.sh PRESET
source "$(dirname "$0")/../cli/lib.sh"
p="${1:?preset}"
a="$("$BPL" init --preset "$p" --seed 1234)" || fail "native bpl init --preset $p failed: $a"
b="$(node "$BPL_JS" init --preset "$p" --seed 1234)" || fail "wasm bpl init --preset $p failed: $b"
[ -n "$a" ] || fail "native bpl init printed nothing"
# the printed hash must depend on the weights, or the comparison below proves nothing
c="$("$BPL" init --preset "$p" --seed 1235)" || fail "native bpl init --seed 1235 failed"
[ "$c" != "$a" ] || fail "seeds 1234 and 1235 print the same '$a': the output does not reflect the weights"
[ "$a" = "$b" ] || fail "init weights differ for $p: native '$a', WebAssembly '$b'"
ok "init weights identical for $p ($a)"
