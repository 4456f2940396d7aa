#!/usr/bin/env bash
# bpl report --html: the lab report of a saved run as one self-contained HTML file whose test
# accuracy, parameter count, confusion counts and epochs are the CLI's own; no external request;
# the CSV files of --out are still written beside it.
source "$(dirname "$0")/lib.sh"
"$BPL" train --preset r2-mlp --subset 3000 --val 0.2 --epochs 2 --test-subset 1000 --save "$TMP/m.bplm" --no-progress \
  >/dev/null 2>&1 || fail "bpl train --save exited non-zero"
mkdir -p "$TMP/out"
out="$("$BPL" report --load "$TMP/m.bplm" --test-subset 1000 --out "$TMP/out" --html "$TMP/lab.html" 2>&1)" \
  || { echo "$out"; fail "bpl report --html exited non-zero"; }
html="$TMP/lab.html"
[ -s "$html" ] || fail "no lab report written"
[ -s "$TMP/out/confusion.csv" ] && [ -s "$TMP/out/report.csv" ] && [ -s "$TMP/out/mistakes.csv" ] \
  && [ -s "$TMP/out/confusion.png" ] || fail "--out's CSV files and PNG are missing beside --html"
head -c 15 "$html" | grep -q '<!DOCTYPE html>' || fail "not an HTML document"
# nothing external: without the embedded images, no URL at all; every src is a data: URI
text="$(sed -E 's#data:image/png;base64,[A-Za-z0-9+/=]+##g' "$html")"
echo "$text" | grep -Eq 'https?:|//' && fail "the lab report names an external address: $(echo "$text" | grep -Eo '.{20}(https?:|//).{20}' | head -1)"
[ "$(grep -Eo ' src="[^"]*"' "$html" | grep -vc ' src="data:image/png;base64,')" = 0 ] || fail "an image that is not a data: URI"
# the test accuracy: the CLI prints it to 4 places, the report carries it exactly
cli_acc="$(echo "$out" | sed -nE 's/.*on 1000 test images: accuracy ([0-9.]+),.*/\1/p')"
html_acc="$(grep -Eo 'id="test-accuracy" data-accuracy="[^"]*"' "$html" | sed -E 's/.*data-accuracy="([^"]*)"/\1/')"
[ -n "$cli_acc" ] && [ "$(printf '%.4f' "$html_acc")" = "$cli_acc" ] || fail "test accuracy: report $html_acc, CLI $cli_acc"
# parameters: r2-mlp is 784·128+128 + 128·64+64 + 64·10+10
params="$(grep -Eo 'id="model-total" data-params="[0-9]+"' "$html" | grep -Eo '[0-9]+')"
[ "$params" = 109386 ] || fail "parameters: report $params, expected 109386"
# the confusion matrix: the 100 counts in the order of confusion.csv's rows
counts="$(grep -Eo 'data-p="[0-9]+" data-count="[0-9]+"' "$html" | sed -E 's/.*data-count="([0-9]+)"/\1/' | tr '\n' ' ')"
csv="$(tail -n +2 "$TMP/out/confusion.csv" | cut -d, -f2- | tr ',\n' '  ')"
[ "$(echo $counts)" = "$(echo $csv)" ] || fail "confusion counts differ from confusion.csv: $counts vs $csv"
# two epochs in the table, with a validation accuracy each; the run's settings
[ "$(grep -c '<tr data-epoch=' "$html")" = 2 ] || fail "the per-epoch table does not have 2 rows"
grep -q 'data-key="training.learning_rate"' "$html" || fail "no settings table"
grep -Eq 'data-val-acc="0\.[0-9]+"' "$html" || fail "no validation accuracy in the epoch table"
[ "$(grep -c 'data:image/png;base64,' "$html")" -ge 1 ] || fail "no mistake images"
ok "bpl report --html: a self-contained lab report (accuracy $html_acc, $params parameters, confusion = confusion.csv, 2 epochs); CSVs still written"
