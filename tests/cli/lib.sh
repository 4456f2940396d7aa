# Shared by the CLI, wasm and desktop test scripts (sourced). CTest sets the paths (tests/suite.cmake);
# run by hand from the repository root they default to build/native and build/web.
set -uo pipefail
ROOT="${BPL_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
cd "$ROOT"
BPL="${BPL_CLI:-$ROOT/build/native/bpl}"
BPL_JS="${BPL_WEB_CLI:-$ROOT/build/web/bpl.js}"
APP="${BPL_APP:-$ROOT/build/native/backprop_lab}"
SHOTS="${BPL_SCREENSHOTS:-$ROOT/build/screenshots}"
export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

ok() { echo "ok: $*"; exit 0; }
fail() { echo "FAILED: $*" >&2; exit 1; }

# expect_refused PATTERN COMMAND...: the command exits 2 (bad input) with PATTERN in its message
expect_refused() {
  local pattern=$1 out rc
  shift
  out="$("$@" 2>&1)"; rc=$?
  echo "$out"
  [ "$rc" -eq 2 ] || fail "expected exit code 2 (bad input), got $rc: $*"
  echo "$out" | grep -q -- "$pattern" || fail "the message does not say '$pattern': $*"
  ok "refused with: $out"
}
