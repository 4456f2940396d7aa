#!/usr/bin/env bash
# Fuzz the parsers of untrusted input with libFuzzer + AddressSanitizer + UndefinedBehaviorSanitizer:
# the IDX reader, the model-file loader and the INI config reader. Seeds: tests/fuzz/corpus/.
# Usage: scripts/fuzz.sh [--build-only | --no-build] [SECONDS per target, default 60] [TARGET...]
#   TARGET: idx, model_file, ini (default all three). Builds with the preset fuzz (build/fuzz).
# A crash leaves its input in build/fuzz/crashes/ and exits non-zero; make it a regression test
# in tests/engine. CTest runs one target per test (label fuzz, tests/suite.cmake).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
build=1
case "${1:-}" in
  --build-only) build=only; shift ;;
  --no-build) build=0; shift ;;
esac
secs="${1:-60}"
[ $# -gt 0 ] && shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(idx model_file ini)
if [ "$build" != 0 ]; then
  cmake --preset fuzz >/dev/null
  cmake --build --preset fuzz -j "$(nproc)" >/dev/null
  [ "$build" = only ] && { echo "fuzz targets built in build/fuzz"; exit 0; }
fi
mkdir -p build/fuzz/crashes
rc=0
for t in "${targets[@]}"; do
  [ -x "build/fuzz/fuzz_$t" ] || { echo "fuzz $t: no build/fuzz/fuzz_$t (unknown target or not built)"; rc=1; continue; }
  work="build/fuzz/corpus-$t"
  mkdir -p "$work"
  cp -n tests/fuzz/corpus/$t/* "$work/" 2>/dev/null || true
  log="build/fuzz/$t.log"
  if build/fuzz/fuzz_$t -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
       -artifact_prefix=build/fuzz/crashes/$t- "$work" >"$log" 2>&1; then
    execs="$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')"
    # a fuzzer that ran nothing found nothing: not a pass
    if [ -z "$execs" ] || [ "$execs" -eq 0 ]; then
      echo "fuzz $t: FAILED — no executions recorded (see $log)"; rc=1; continue
    fi
    echo "fuzz $t: ${secs} s, ${execs} executions, no crash"
  else
    echo "fuzz $t: CRASH — see $log and build/fuzz/crashes/"
    grep -E "ERROR|SUMMARY" "$log" | head -5
    rc=1
  fi
done
exit $rc
