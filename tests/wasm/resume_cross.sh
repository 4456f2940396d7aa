#!/usr/bin/env bash
# A run saved by the native CLI resumes under node (WebAssembly) from the same state: both builds
# read the same settings, counters, learning rate, shuffle and dropout generators and weights
# from the file (`bpl train --load F --dry-run`), and node continues it as the native build does:
# the same epochs ("Epoch 2/3 (resumed)"), the same learning rates, the same batches.
# (The arithmetic of the two builds differs in the last bits — SIMD sums in another order — so
# their trained weights are compared by accuracy, not bit for bit; within one build a resumed run
# is bit-identical to an unbroken one: tests/cli/resume.sh and the unit tests under node.)
source "$(dirname "$0")/../cli/lib.sh"
native() { "$BPL" "$@"; }
wasm() { node "$BPL_JS" "$@"; }
flags=(--model "dense(32), relu, dropout(0.3), dense(10)" --optimizer adam --lr 0.002 --subset 1200 --val 0.1
  --test-subset 300 --batch 50 --seed 9 --init-seed 4 --normalize standard --schedule step --step-epochs 1
  --gamma 0.5 --no-progress)
native train "${flags[@]}" --epochs 1 --save "$TMP/a.bplm" > "$TMP/a.txt" 2>&1 || { cat "$TMP/a.txt"; fail "native: 1 epoch"; }
n="$(native train --load "$TMP/a.bplm" --dry-run)" || fail "native --load --dry-run: $n"
w="$(wasm train --load "$TMP/a.bplm" --dry-run)" || fail "node --load --dry-run: $w"
echo "$n" | grep -q '^run.shuffle=' || fail "no run state in: $n"
echo "$n" | grep -q '^run.dropout1=' || fail "no dropout generator in: $n"
[ "$n" = "$w" ] || { diff <(echo "$n") <(echo "$w"); fail "native and node read the saved run differently"; }
echo "ok: native and node read the same run from the file"
native train --load "$TMP/a.bplm" --epochs 3 --no-progress > "$TMP/n.txt" 2>&1 || { cat "$TMP/n.txt"; fail "native resume"; }
wasm train --load "$TMP/a.bplm" --epochs 3 --no-progress > "$TMP/w.txt" 2>&1 || { cat "$TMP/w.txt"; fail "node resume"; }
for f in n w; do
  grep -q '^Epoch 2/3 (resumed)' "$TMP/$f.txt" && grep -q '^Epoch 3/3 (resumed)' "$TMP/$f.txt" \
    || { cat "$TMP/$f.txt"; fail "$f: not resumed at epoch 2 of 3"; }
done
lrs() { grep '^Epoch' "$1" | sed 's/.*lr //'; }
[ "$(lrs "$TMP/n.txt")" = "$(lrs "$TMP/w.txt")" ] || fail "the learning rates differ: $(lrs "$TMP/n.txt") vs $(lrs "$TMP/w.txt")"
acc() { sed -n 's/^test: .*accuracy \([0-9.]*\).*/\1/p' "$1"; }
a="$(acc "$TMP/n.txt")" b="$(acc "$TMP/w.txt")"
awk -v a="$a" -v b="$b" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a > 0.5 && d <= 0.02) }' \
  || fail "native $a and node $b test accuracy after resuming differ by more than 2 points"
ok "a natively saved run resumes under node from the same state (test accuracy native $a, node $b)"
