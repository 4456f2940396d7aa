#!/usr/bin/env bash
# --data DIR finds MNIST under its usual names: the official download's gzipped
# train-images-idx3-ubyte.gz …, the common copies' train-images.idx3-ubyte …; a folder with none
# of them is refused with the names it looked for.
source "$(dirname "$0")/lib.sh"
mkdir -p "$TMP/gz" "$TMP/dotted" "$TMP/empty"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  gzip -c "assets/mnist/$f" > "$TMP/gz/$f.gz"
  cp "assets/mnist/$f" "$TMP/dotted/${f/-idx/.idx}"
done
for d in gz dotted; do
  out="$("$BPL" train --preset r2-mlp --data "$TMP/$d" --subset 1000 --test-subset 500 --epochs 1 --no-progress 2>&1)" \
    || fail "bpl train --data with $d names: $out"
  echo "$out" | grep -q '^test: .* on 500 images' || fail "no test line with $d names: $out"
  echo "$out" | grep -q "data: $TMP/$d" || fail "the data line does not name $TMP/$d: $out"
done
expect_refused 'looked for train-images-idx3-ubyte, train-images-idx3-ubyte.gz, train-images.idx3-ubyte' \
  "$BPL" train --data "$TMP/empty" --epochs 1
