#!/usr/bin/env bash
# The unit tests built with AddressSanitizer + UndefinedBehaviorSanitizer (preset asan, build/asan);
# the test asan_unit_tests runs them.
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake --preset asan >/dev/null
cmake --build --preset asan -j "$(nproc)"
