#!/usr/bin/env bash
# bpl report: confusion matrix, per-class precision/recall/F1 whose supports add up to the
# 1000 test images, a CSV and a PNG.
source "$(dirname "$0")/lib.sh"
"$BPL" train --preset r3-mlp --subset 3000 --epochs 2 --test-subset 1000 --save "$TMP/m.bplm" --no-progress >/dev/null 2>&1 \
  || fail "bpl train --save exited non-zero"
mkdir -p "$TMP/report"
out="$("$BPL" report --load "$TMP/m.bplm" --test-subset 1000 --out "$TMP/report" 2>&1)" || { echo "$out"; fail "bpl report exited non-zero"; }
echo "$out"
echo "$out" | grep -q "macro avg" || fail "no 'macro avg' row"
[ -s "$TMP/report/confusion.png" ] || fail "no confusion.png"
[ -s "$TMP/report/report.csv" ] || fail "no report.csv"
# rows 2..11 are the ten classes; column 5 is the support
support="$(awk -F, 'NR>1 && NR<12 {s+=$5} END {print s}' "$TMP/report/report.csv")"
[ "$support" = 1000 ] || fail "the per-class supports add up to $support, not 1000"
ok "bpl report: confusion matrix, per-class precision/recall/F1 (supports add up to 1000), CSV and PNG"
