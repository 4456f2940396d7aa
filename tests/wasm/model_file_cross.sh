#!/usr/bin/env bash
# A model file saved by one build loads in the other with identical weights.
# Usage: model_file_cross.sh native-to-wasm | wasm-to-native
source "$(dirname "$0")/../cli/lib.sh"
native() { "$BPL" "$@"; }
wasm() { node "$BPL_JS" "$@"; }
case "${1:?direction}" in
  native-to-wasm) from=native; to=wasm; seed=77 ;;
  wasm-to-native) from=wasm; to=native; seed=78 ;;
  *) fail "unknown direction $1" ;;
esac
$from init --preset r0-lenet5 --seed $seed --save "$TMP/m.bplm" >/dev/null || fail "$from: bpl init --save failed"
a="$($from init --preset r0-lenet5 --seed $seed)" || fail "$from: bpl init failed"
b="$($to init --load "$TMP/m.bplm")" || fail "$to: bpl init --load failed: $b"
[ -n "$a" ] || fail "bpl init printed nothing"
[ "$a" = "$b" ] || fail "$from → $to model file: '$a' vs '$b'"
ok "a model file saved by the $from build loads in the $to build with identical weights ($a)"
