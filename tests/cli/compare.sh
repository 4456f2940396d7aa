#!/usr/bin/env bash
# bpl compare r0 prints the MLP-vs-LeNet-5 table with the report's figures and a winner (★);
# bpl compare r1-cnn --seeds 2 prints every kernel size's mean ± sd beside R1's figure, with the
# time per epoch; a seed that diverges is reported and left out of the mean.
source "$(dirname "$0")/lib.sh"
out="$("$BPL" compare r0 --max-epochs 1 2>&1)" || { echo "$out"; fail "bpl compare exited non-zero"; }
echo "$out"
echo "$out" | grep -q "LeNet-5 (R0)" || fail "no 'LeNet-5 (R0)' row"
echo "$out" | grep -q "★" || fail "no winner marked ★"
out="$("$BPL" compare r1-cnn --seeds 2 --max-epochs 1 2>&1)" || { echo "$out"; fail "bpl compare r1-cnn --seeds 2"; }
echo "$out"
for k in "3×3 (R1).*91.16%t" "5×5 (R1).*90.47%t" "7×7 (R1).*92.77%t" "9×9 (R1).*91.29%t" "11×11 (R1).*92.52%t"; do
  echo "$out" | grep -q "Single-kernel CNN $k" || fail "no row for $k"
done
[ "$(echo "$out" | grep -c '^Single-kernel CNN .*s  *[0-9.]* ± [0-9.]*% ')" -eq 5 ] || fail "not 5 rows with s/epoch and mean ± sd"
[ "$(echo "$out" | grep -c 'seed [12]/2: training 1 epoch')" -eq 10 ] || fail "not 2 seeds per kernel size"
# a seed that diverges is reported and left out of the mean, the others still count (R1's
# 512-unit MLP with seed 44: the summed gradient's first steps pass the divergence guard)
out="$("$BPL" compare r1-mlp --seeds 3 --max-epochs 1 2>&1)" || { echo "$out"; fail "compare r1-mlp stopped at a diverged seed"; }
echo "$out" | grep -q '^r1-mlp-h512  *seed 3/3: .* diverged: the loss diverged' || { echo "$out"; fail "the diverged seed is not reported"; }
echo "$out" | grep -q '^MLP 784-512-10 sigmoid (R1) .* ± [0-9.]*% 2/3 ' || { echo "$out"; fail "the 512-unit row is not over 2 of 3 seeds"; }
[ "$(echo "$out" | grep -c '^MLP 784-.*sigmoid (R1)')" -eq 5 ] || fail "not 5 rows"
ok "bpl compare prints the tables with a winner, mean ± sd over seeds beside the report's figures, diverged seeds left out"
