#!/usr/bin/env bash
# bpl train --config with R4's INI file trains two epochs and reports the test result.
source "$(dirname "$0")/lib.sh"
cat > "$TMP/r4.ini" <<INI
[model]
preset = r4-lenet5
[training]
epochs = 2
batch_size = 16
learning_rate = 0.05
early_stop_patience = 5
early_stop_min_delta = 0.001
[data]
subset = 1000
INI
out="$("$BPL" train --config "$TMP/r4.ini" --no-progress 2>&1)" || { echo "$out"; fail "bpl train --config exited non-zero"; }
echo "$out"
echo "$out" | grep -q "^Epoch 2/2" || fail "no 'Epoch 2/2' line: the INI's epochs = 2 was not used"
echo "$out" | grep -q "^test: " || fail "no 'test: ' line"
ok "bpl train --config (R4's INI) trains 2 epochs and reports"
