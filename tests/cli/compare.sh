#!/usr/bin/env bash
# bpl compare r0 prints the MLP-vs-LeNet-5 table with the report's figures and a winner (★).
source "$(dirname "$0")/lib.sh"
out="$("$BPL" compare r0 --max-epochs 1 2>&1)" || { echo "$out"; fail "bpl compare exited non-zero"; }
echo "$out"
echo "$out" | grep -q "LeNet-5 (R0)" || fail "no 'LeNet-5 (R0)' row"
echo "$out" | grep -q "★" || fail "no winner marked ★"
ok "bpl compare r0 prints the table with a winner"
