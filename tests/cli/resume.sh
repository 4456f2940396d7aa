#!/usr/bin/env bash
# `bpl train --load` continues the saved run exactly (issue 15):
#   - 3 epochs in one run == 1 epoch + save + load + 2 epochs, bit for bit (weights hash), for
#     Adam and for SGD with momentum on a model with dropout; resumed epochs print as "Epoch 2/3 (resumed)"
#   - a flag given with --load changes only its own setting (batch size, seeds, split stay the file's)
#   - another optimizer kind starts its state fresh and says so; --normalize is honoured
#   - --epochs 0 --save writes the untrained model; --model names the model in the header
# Usage: tests/cli/resume.sh [native|wasm]   (wasm: the same with node build/web/bpl.js)
source "$(dirname "$0")/lib.sh"
case "${1:-native}" in
  native) bpl() { "$BPL" "$@"; } ;;
  wasm) bpl() { node "$BPL_JS" "$@"; } ;;
  *) fail "usage: resume.sh [native|wasm]" ;;
esac
model="dense(32), relu, dropout(0.3), dense(10)"
common=(--model "$model" --subset 1200 --val 0.1 --test-subset 300 --batch 50 --seed 9 --init-seed 4
  --normalize standard --schedule step --step-epochs 1 --gamma 0.5 --no-progress)
hash() { bpl init --load "$1" | awk '{print $4}'; }

for opt in adam momentum; do
  lr=0.002; [ "$opt" = momentum ] && lr=0.05
  bpl train "${common[@]}" --optimizer $opt --lr $lr --epochs 3 --save "$TMP/one-$opt.bplm" > "$TMP/one.txt" 2>&1 \
    || { cat "$TMP/one.txt"; fail "$opt: one run of 3 epochs"; }
  bpl train "${common[@]}" --optimizer $opt --lr $lr --epochs 1 --save "$TMP/a-$opt.bplm" > "$TMP/a.txt" 2>&1 \
    || { cat "$TMP/a.txt"; fail "$opt: 1 epoch"; }
  out="$(bpl train --load "$TMP/a-$opt.bplm" --epochs 3 --save "$TMP/b-$opt.bplm" --no-progress 2>&1)" \
    || { echo "$out"; fail "$opt: --load + 2 epochs"; }
  echo "$out" | grep -q '^Epoch 2/3 (resumed)' || { echo "$out"; fail "$opt: no 'Epoch 2/3 (resumed)' line"; }
  echo "$out" | grep -q '^Epoch 3/3 (resumed)' || { echo "$out"; fail "$opt: no 'Epoch 3/3 (resumed)' line"; }
  echo "$out" | grep -q '^Epoch 1/' && { echo "$out"; fail "$opt: the resumed run repeated epoch 1"; }
  # the last epoch's line is the same text in both (loss to 6 digits, accuracy); only the time differs
  last_one="$(grep '^Epoch 3/3' "$TMP/one.txt" | sed 's/  [0-9.]* s .*//')"
  last_two="$(echo "$out" | grep '^Epoch 3/3' | sed 's/ (resumed)//; s/  [0-9.]* s .*//')"
  [ "$last_one" = "$last_two" ] || fail "$opt: epoch 3 differs: '$last_one' vs '$last_two'"
  h1="$(hash "$TMP/one-$opt.bplm")" h2="$(hash "$TMP/b-$opt.bplm")"
  [ -n "$h1" ] && [ "$h1" = "$h2" ] || fail "$opt: 3 epochs $h1, 1 + 2 epochs $h2"
  echo "ok: $opt: 3 epochs in one run == 1 + save + load + 2 ($h1)"
done

# a flag with --load overrides only its own field: the file's batch 50, seed 9, split, schedule stay
dry="$(bpl train --load "$TMP/a-adam.bplm" --lr 0.0005 --dry-run)" || fail "--load --dry-run: $dry"
for kv in training.optimizer=adam training.learning_rate=0.0005 training.batch_size=50 training.seed=9 \
  data.subset=1200 data.val_fraction=0.1 training.schedule=step data.normalize=standard model.init_seed=4; do
  echo "$dry" | grep -qx "$kv" || { echo "$dry"; fail "--load a.bplm --lr 0.0005: expected $kv"; }
done
out="$(bpl train --load "$TMP/a-adam.bplm" --lr 0.0005 --epochs 2 --no-progress 2>&1)" || fail "--load --lr: $out"
echo "$out" | grep -q '^optimizer: Adam lr 0.0005, batch 50' || { echo "$out"; fail "--load --lr did not keep Adam and batch 50"; }
echo "ok: a flag given with --load changes only its own setting"

out="$(bpl train --load "$TMP/a-adam.bplm" --optimizer sgd --epochs 2 --no-progress 2>&1)" || fail "--optimizer sgd: $out"
echo "$out" | grep -q 'optimizer changed from adam to sgd: its state .* starts fresh' \
  || { echo "$out"; fail "changing the optimizer kind does not say its state starts fresh"; }
echo "$out" | grep -q '^optimizer: SGD lr 0.001, batch 50' || { echo "$out"; fail "not SGD at the file's current lr"; }
echo "ok: another optimizer kind starts fresh and says so"

out="$(bpl train --load "$TMP/a-adam.bplm" --normalize symmetric --epochs 2 --no-progress 2>&1)" || fail "$out"
echo "$out" | grep -q '^normalisation: .*→ \[−1, 1\]' || { echo "$out"; fail "--normalize ignored with --load"; }
out="$(bpl train --load "$TMP/a-adam.bplm" --epochs 2 --no-progress 2>&1)" || fail "$out"
std="$(grep '^normalisation:' "$TMP/a.txt")"
echo "$out" | grep -qxF "$std" || { echo "$out"; fail "the file's normalisation ($std) was not kept"; }
echo "$std" | grep -q '^normalisation: (pixels / 255 − 0\.[0-9]*) / 0\.[0-9]*$' || fail "the first run was not standardised: $std"
echo "ok: --normalize is honoured with --load, the file's kept without it"

expect_refused_quiet() { out="$("$@" 2>&1)"; [ $? -eq 2 ] && echo "$out" | grep -q "cannot change it" || { echo "$out"; fail "not refused: $*"; }; }
expect_refused_quiet bpl train --load "$TMP/a-adam.bplm" --model "dense(10)" --dry-run
expect_refused_quiet bpl train --load "$TMP/a-adam.bplm" --preset r0-mlp --dry-run

# --epochs 0 --save: the untrained model, as `bpl init` makes it
out="$(bpl train "${common[@]}" --epochs 0 --save "$TMP/u.bplm" 2>&1)" || { echo "$out"; fail "--epochs 0 --save"; }
echo "$out" | grep -q '^Backprop Lab — training the model dense(32)' || { echo "$out"; fail "the header does not name --model"; }
echo "$out" | grep -q '^Epoch' && fail "--epochs 0 trained"
[ "$(hash "$TMP/u.bplm")" = "$(bpl init --model "$model" --init-seed 4 | awk '{print $4}')" ] \
  || fail "--epochs 0 --save did not save the initial weights"
out="$(bpl train --load "$TMP/u.bplm" --epochs 1 --no-progress 2>&1)" || fail "$out"
echo "$out" | grep -q '^Epoch 1/1 (resumed)' || { echo "$out"; fail "the untrained model does not resume at epoch 1"; }
ok "exact resume, overrides, optimizer change, normalisation, --epochs 0 (${1:-native})"
