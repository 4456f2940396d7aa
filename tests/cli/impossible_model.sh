#!/usr/bin/env bash
# A model whose third conv's kernel is larger than its input is refused before training.
source "$(dirname "$0")/lib.sh"
expect_refused 'larger than its 4×4 input' "$BPL" train --model 'conv(6,5), maxpool(2), conv(16,5), maxpool(2), conv(8,5)'
