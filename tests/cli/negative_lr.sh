#!/usr/bin/env bash
# A negative learning rate is refused with the allowed range.
source "$(dirname "$0")/lib.sh"
expect_refused 'out of range' "$BPL" train --lr -1
