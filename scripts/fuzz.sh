#!/usr/bin/env bash
# Fuzz the parsers of untrusted input with libFuzzer + AddressSanitizer + UndefinedBehaviorSanitizer:
# the IDX reader, the model-file loader and the INI config reader. Seeds: tests/fuzz/corpus/.
# Usage: scripts/fuzz.sh [SECONDS per target, default 60]. A crash leaves its input in
# build/fuzz/crashes/ and exits non-zero; make it a regression test in tests/engine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
secs="${1:-60}"
CC=clang CXX=clang++ cmake -S . -B build/fuzz -DBPL_FUZZ=ON -DBPL_BUILD_APP=OFF -DBPL_BUILD_TESTS=OFF \
  -DBPL_NATIVE_ARCH=OFF -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/fuzz -j"$(nproc)" --target fuzz_idx fuzz_model_file fuzz_ini >/dev/null
mkdir -p build/fuzz/crashes
rc=0
for t in idx model_file ini; do
  work="build/fuzz/corpus-$t"
  mkdir -p "$work"
  cp -n tests/fuzz/corpus/$t/* "$work/" 2>/dev/null || true
  log="build/fuzz/$t.log"
  if build/fuzz/fuzz_$t -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 -print_final_stats=1 \
       -artifact_prefix=build/fuzz/crashes/$t- "$work" >"$log" 2>&1; then
    execs="$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')"
    echo "fuzz $t: ${secs} s, ${execs:-?} executions, no crash"
  else
    echo "fuzz $t: CRASH — see $log and build/fuzz/crashes/"
    grep -E "ERROR|SUMMARY" "$log" | head -5
    rc=1
  fi
done
exit $rc
