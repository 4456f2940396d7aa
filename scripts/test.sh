#!/usr/bin/env bash
# Backprop Lab: set up everything that is missing, build native and WebAssembly, run every test.
# Ends with one line "summary: N passed, M failed" and exits non-zero if anything failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export NODE_PATH=/usr/share/nodejs
PASSED=0
FAILED=0
FAILURES=()
pass() { PASSED=$((PASSED + ${2:-1})); echo "  ok: $1"; }
fail() { FAILED=$((FAILED + ${2:-1})); FAILURES+=("$1"); echo "  FAILED: $1"; }
t0=$(date +%s)

echo "== setup"
bash scripts/setup.sh || { echo "setup failed"; echo "summary: 0 passed, 1 failed"; exit 1; }

echo "== build (native, WebAssembly)"
bash scripts/build.sh native >/tmp/bpl-build-native.log 2>&1 || { tail -40 /tmp/bpl-build-native.log; echo "summary: 0 passed, 1 failed"; exit 1; }
bash scripts/build.sh web >/tmp/bpl-build-web.log 2>&1 || { tail -40 /tmp/bpl-build-web.log; echo "summary: 0 passed, 1 failed"; exit 1; }
echo "  built in $(( $(date +%s) - t0 )) s"

# a test script that prints "ok"/"FAILED" lines and ends with "WORD: N passed, M failed"
run_counted() { # label word command...
  local label=$1 word=$2 out line np nf
  shift 2
  out="$("$@" 2>&1)"
  echo "$out" | grep -E "^  (ok|FAILED)"
  line="$(echo "$out" | grep -E "^$word: [0-9]+ passed, [0-9]+ failed" | tail -1)"
  if [ -z "$line" ]; then echo "$out" | tail -20; fail "$label did not run"; return; fi
  np="$(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')"; nf="$(echo "$line" | sed -E 's/.* ([0-9]+) failed/\1/')"
  [ "$np" -gt 0 ] && pass "$label: $np checks" "$np"
  [ "$nf" -gt 0 ] && fail "$label: $nf checks" "$nf"
}

# ctest prints "N% tests passed, F tests failed out of T"
run_ctest() { # label build-dir
  local out
  out="$(cd "$2" && ctest --output-on-failure -j"$(nproc)" 2>&1)"
  local rc=$?
  local line total failed
  line="$(echo "$out" | grep -E 'tests passed, [0-9]+ tests? failed out of [0-9]+' | tail -1)"
  total="$(echo "$line" | sed -E 's/.*out of ([0-9]+).*/\1/')"
  failed="$(echo "$line" | sed -E 's/.* ([0-9]+) tests? failed.*/\1/')"
  if [ -z "$line" ]; then echo "$out" | tail -30; fail "$1: ctest ran no test"; return; fi
  [ "$rc" -ne 0 ] && echo "$out" | grep -E "FAILED|Failed|failed" | head -40
  [ "$((total - failed))" -gt 0 ] && pass "$1: $((total - failed)) of $total" "$((total - failed))"
  [ "$failed" -gt 0 ] && fail "$1: $failed of $total" "$failed"
}

echo "== native unit tests (Catch2 via ctest)"
run_ctest "native unit tests" build/native

echo "== WebAssembly unit tests under node (the same Catch2 tests)"
out="$(cd build/web && node bpl_tests.js 2>&1)"
rc=$?
line="$(echo "$out" | grep -E 'test cases' | tail -1 | sed 's/\x1b\[[0-9;]*m//g')"
echo "  $line"
n="$(echo "$line" | grep -oE '[0-9]+ test cases' | grep -oE '[0-9]+')"
nf="$(echo "$line" | grep -oE '[0-9]+ failed' | head -1 | grep -oE '[0-9]+')"
if [ "$rc" -eq 0 ] && [ -n "$n" ]; then pass "node unit tests: $n test cases" "$n"
else echo "$out" | tail -40; fail "node unit tests (${nf:-?} failed)" "${nf:-1}"; fi

echo "== native ↔ WebAssembly: same seed, same weights; model files cross over"
tmp="$(mktemp -d)"
for p in r0-mlp r0-lenet5 r3-cnn r1-cnn-k7; do
  a="$(build/native/bpl init --preset $p --seed 1234)"
  b="$(node build/web/bpl.js init --preset $p --seed 1234)"
  if [ -n "$a" ] && [ "$a" = "$b" ]; then pass "init weights identical for $p ($a)"; else fail "init weights differ for $p: native '$a' node '$b'"; fi
done
build/native/bpl init --preset r0-lenet5 --seed 77 --save "$tmp/native.bplm" >/dev/null
node build/web/bpl.js init --preset r0-lenet5 --seed 78 --save "$tmp/wasm.bplm" >/dev/null
a="$(build/native/bpl init --preset r0-lenet5 --seed 77)"; b="$(node build/web/bpl.js init --load "$tmp/native.bplm")"
[ "$a" = "$b" ] && pass "a model file saved natively loads in WebAssembly with identical weights" || fail "native → wasm model file: '$a' vs '$b'"
a="$(node build/web/bpl.js init --preset r0-lenet5 --seed 78)"; b="$(build/native/bpl init --load "$tmp/wasm.bplm")"
[ "$a" = "$b" ] && pass "a model file saved in WebAssembly loads natively with identical weights" || fail "wasm → native model file: '$a' vs '$b'"

echo "== CLI: config file, bad input refused with a message"
cat > "$tmp/r4.ini" <<INI
[model]
preset = r4-lenet5
[training]
epochs = 2
batch_size = 16
learning_rate = 0.05
early_stop_patience = 5
early_stop_min_delta = 0.001
[data]
subset = 1000
INI
if out="$(build/native/bpl train --config "$tmp/r4.ini" --no-progress 2>&1)" && echo "$out" | grep -q "^Epoch 2/2" && echo "$out" | grep -q "^test: "; then
  pass "bpl train --config (R4's INI) trains and reports"
else echo "$out" | tail -20; fail "bpl train --config"; fi
printf '[training]\nepocs = 3\n' > "$tmp/bad.ini"
out="$(build/native/bpl train --config "$tmp/bad.ini" 2>&1)"; rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q 'unknown key "epocs"' && pass "unknown INI key refused: $out" || fail "bad INI not refused ($rc): $out"
out="$(build/native/bpl train --lr -1 2>&1)"; rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q 'out of range' && pass "negative learning rate refused: $out" || fail "lr -1 not refused ($rc): $out"
out="$(build/native/bpl train --model 'conv(6,5), maxpool(2), conv(16,5), maxpool(2), conv(8,5)' 2>&1)"; rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q 'larger than its 4×4 input' && pass "impossible model refused: $out" || fail "bad model not refused ($rc): $out"
head -c 100 assets/mnist/train-images-idx3-ubyte > "$tmp/train-images-idx3-ubyte"
cp assets/mnist/train-labels-idx1-ubyte assets/mnist/t10k-* "$tmp/"
out="$(build/native/bpl train --data "$tmp" --epochs 1 2>&1)"; rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q 'truncated' && pass "truncated IDX file refused: $out" || fail "truncated IDX not refused ($rc): $out"
rep="$tmp/report"; mkdir -p "$rep"
if build/native/bpl train --preset r3-mlp --subset 3000 --epochs 2 --test-subset 1000 --save "$tmp/m.bplm" --no-progress >/dev/null 2>&1 \
   && out="$(build/native/bpl report --load "$tmp/m.bplm" --test-subset 1000 --out "$rep" 2>&1)" \
   && echo "$out" | grep -q "macro avg" && [ -s "$rep/confusion.png" ] && [ -s "$rep/report.csv" ] \
   && [ "$(awk -F, 'NR>1 && NR<12 {s+=$5} END {print s}' "$rep/report.csv")" = 1000 ]; then
  pass "bpl report: confusion matrix, per-class precision/recall/F1 (supports add up to 1000), CSV and PNG"
else echo "$out" | tail -10; fail "bpl report"; fi
if out="$(build/native/bpl compare r0 --max-epochs 1 2>&1)" && echo "$out" | grep -q "LeNet-5 (R0)" && echo "$out" | grep -q "★"; then
  pass "bpl compare r0 prints the MLP-vs-LeNet table with the report's figures and a winner"
else echo "$out" | tail -10; fail "bpl compare"; fi
out="$(node build/web/bpl.js train --preset r0-mlp --subset 2000 --val 0.1 --epochs 1 --test-subset 500 --no-progress 2>&1)"; rc=$?
[ $rc -eq 0 ] && echo "$out" | grep -q '^test: ' && pass "the WebAssembly CLI trains under node" || { echo "$out" | tail; fail "wasm CLI train"; }
rm -rf "$tmp"

echo "== browser: the benchmark page in headless Chromium (figures, not a timed test)"
if out="$(node tests/browser/bench.mjs build/web/site --quick 2>&1)" && echo "$out" | grep -q "LeNet-5"; then
  echo "$out" | grep -E "browser:|peak|training, batch|^[A-Z]" | sed 's/^/  /'
  pass "bench.html runs the engine in Chromium"
else echo "$out" | tail -20; fail "bench.html in Chromium"; fi

echo "== the app in the browser (playwright-core, headless Chromium, real mouse clicks)"
mkdir -p build/screenshots
run_counted "browser app test" browser node tests/browser/app.test.mjs build/web/site build/screenshots

echo "== the backprop stepper in the browser: a whole LeNet-5 step by key presses, checks, what-if, apply"
run_counted "browser stepper test" stepper node tests/browser/stepper.test.mjs build/web/site build/screenshots

echo "== inside the network in the browser: draw a 7, the report's confusion matrix, experiments"
run_counted "browser views test" views node tests/browser/views.test.mjs build/web/site build/screenshots

echo "== the local web server (127.0.0.1 only, built folder only, .wasm MIME type)"
run_counted "server checks" server node tests/browser/server.test.mjs build/web/site

echo "== never lose work, in the browser: autosave + reload, save/load files, shareable links"
run_counted "browser persistence test" browser node tests/browser/persist.test.mjs build/web/site build/screenshots

echo "== the app on the desktop (Xvfb): start, train one epoch from a flag, screenshot, exit 0"
display=":$((90 + RANDOM % 9))"
Xvfb "$display" -screen 0 1280x800x24 >/dev/null 2>&1 &
xvfb_pid=$!
sleep 1
rm -f build/screenshots/app-desktop.png
if out="$(DISPLAY=$display timeout 120 build/native/backprop_lab --train-epochs 1 --screenshot build/screenshots/app-desktop.png 2>&1)" \
   && [ -s build/screenshots/app-desktop.png ]; then
  pass "desktop app trained 1 epoch under Xvfb and saved build/screenshots/app-desktop.png"
else echo "$out" | tail -10; fail "desktop app smoke test"; fi
rm -f build/screenshots/stepper-desktop.png
if out="$(DISPLAY=$display timeout 120 build/native/backprop_lab --preset r0-lenet5 --view stepper --stepper-op 24 --frames 30 \
            --screenshot build/screenshots/stepper-desktop.png 2>&1)" && [ -s build/screenshots/stepper-desktop.png ]; then
  pass "desktop app opened the stepper on LeNet-5's max-pool backward step: build/screenshots/stepper-desktop.png"
else echo "$out" | tail -10; fail "desktop stepper screenshot"; fi
kill "$xvfb_pid" 2>/dev/null

echo "== the unit tests again under AddressSanitizer + UndefinedBehaviorSanitizer"
if cmake -S . -B build/asan -DBPL_SANITIZE=ON -DBPL_BUILD_APP=OFF -DBPL_NATIVE_ARCH=OFF -DCMAKE_BUILD_TYPE=Debug >/tmp/bpl-asan.log 2>&1 \
   && cmake --build build/asan -j"$(nproc)" --target bpl_tests >>/tmp/bpl-asan.log 2>&1; then
  run_ctest "unit tests under ASan+UBSan" build/asan
else tail -30 /tmp/bpl-asan.log; fail "sanitizer build"; fi

echo "== fuzzing the IDX reader, the model loader and the INI reader (libFuzzer, ${FUZZ_SECONDS:-60} s each)"
if out="$(bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}" 2>&1)"; then
  echo "$out" | sed 's/^/  /'
  pass "fuzzing: 3 targets, no crash" 3
else echo "$out" | tail -20; fail "fuzzing found a crash"; fi

echo "== done in $(( $(date +%s) - t0 )) s"
if [ "$FAILED" -gt 0 ]; then printf '  failed: %s\n' "${FAILURES[@]}"; fi
echo "summary: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
