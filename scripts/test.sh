#!/usr/bin/env bash
# Backprop Lab: set up everything that is missing, build native and WebAssembly, run every test
# with CTest (all labels: unit wasm cli browser desktop fuzz asan format; tests/suite.cmake).
# Ends with one line "summary: N passed, M failed" from CTest's results; exits non-zero if anything failed.
#   FUZZ_SECONDS=N   libFuzzer seconds per target (default 60)
#   BPL_SKIP_SETUP=1 skip scripts/setup.sh (everything is installed already)
#   extra arguments go to ctest, e.g. scripts/test.sh -L cli
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs
t0=$(date +%s)
die() { echo "$1"; echo "summary: 0 passed, 1 failed"; exit 1; }

echo "== setup"
if [ -n "${BPL_SKIP_SETUP:-}" ]; then echo "  skipped (BPL_SKIP_SETUP)"; else bash scripts/setup.sh || die "setup failed"; fi

echo "== build (native, WebAssembly)"
for b in native web; do
  bash scripts/build.sh $b >/tmp/bpl-build-$b.log 2>&1 || { tail -40 /tmp/bpl-build-$b.log; die "the $b build failed"; }
done
# the fuzzing time is a cache variable of the native build's test list
cmake -S . -B build/native -DBPL_FUZZ_SECONDS="${FUZZ_SECONDS:-60}" >/dev/null || die "configuring build/native failed"
echo "  built in $(( $(date +%s) - t0 )) s"

echo "== ctest"
log="$(mktemp)"
# RUN_SERIAL keeps the timing-sensitive tests (browser, desktop) alone; the rest runs two at a time
ctest --test-dir build/native --output-on-failure -j"$(nproc)" "$@" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}
# ctest's closing line: "97% tests passed, 3 tests failed out of 120"
line="$(grep -E '[0-9]+% tests passed, [0-9]+ tests? failed out of [0-9]+' "$log" | tail -1)"
rm -f "$log"
echo "== done in $(( $(date +%s) - t0 )) s"
if [ -z "$line" ]; then
  echo "summary: 0 passed, 1 failed"   # ctest ran no test or did not finish
  exit 1
fi
total="$(echo "$line" | sed -E 's/.*out of ([0-9]+).*/\1/')"
failed="$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed.*/\1/')"
passed=$((total - failed))
# ctest failing without a failed test (e.g. a fixture it could not set up) still fails the run
[ "$rc" -ne 0 ] && [ "$failed" -eq 0 ] && { echo "ctest exited $rc"; failed=1; }
echo "summary: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$rc" -eq 0 ]
