#!/usr/bin/env bash
# A truncated IDX image file (its first 100 bytes) is refused as truncated.
source "$(dirname "$0")/lib.sh"
head -c 100 assets/mnist/train-images-idx3-ubyte > "$TMP/train-images-idx3-ubyte"
cp assets/mnist/train-labels-idx1-ubyte assets/mnist/t10k-* "$TMP/"
expect_refused 'truncated' "$BPL" train --data "$TMP" --epochs 1
