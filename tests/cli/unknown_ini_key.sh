#!/usr/bin/env bash
# A misspelt key in an INI file is refused with its name, not ignored.
source "$(dirname "$0")/lib.sh"
printf '[training]\nepocs = 3\n' > "$TMP/bad.ini"
expect_refused 'unknown key "epocs"' "$BPL" train --config "$TMP/bad.ini"
