#!/usr/bin/env bash
# The CLI's three ways into a run's settings agree for every key of the settings table:
#   bpl train --dry-run --FLAG VALUE      (CLI11 options made from the table)
#   bpl train --dry-run --config F.ini    ([section] key = VALUE)
#   bpl settings --link 'key=VALUE'       (the app's share link)
# each prints the resolved settings, one key=value a line; the three must be identical and
# differ from the defaults in that key. Then a value outside each key's range is refused by
# all three with exit code 2 and a message naming the key.
# Usage: tests/cli/settings.sh [path/to/bpl]   (default build/native/bpl)
set -uo pipefail
bpl="${1:-build/native/bpl}"
if [[ "$bpl" == *.js ]]; then   # the WebAssembly CLI runs under node
  export NODE_PATH="${NODE_PATH:-/usr/share/nodejs}"
  js="$bpl"
  bpl=node_bpl
  node_bpl() { node "$js" "$@"; }
fi
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
fail() { echo "FAIL: $*"; failed=$((failed + 1)); }

# the link's value: spaces, commas and parentheses encoded as the app does
enc() { local v="$1"; v="${v//%/%25}"; v="${v// /%20}"; v="${v//,/%2C}"; v="${v//(/%28}"; v="${v//)/%29}"; printf '%s' "$v"; }

defaults="$("$bpl" train --dry-run)" || { echo "FAIL: bpl train --dry-run"; exit 1; }
n=0
while IFS=$'\t' read -r key flag example; do
  n=$((n + 1))
  section="${key%%.*}" name="${key#*.}"
  # a value different from the default: the table's example (the test below checks it differs)
  by_flag="$("$bpl" train --dry-run "--$flag" "$example" 2>&1)" || { fail "$key: --$flag $example: $by_flag"; continue; }
  printf '[%s]\n%s = %s\n' "$section" "$name" "$example" > "$tmp/one.ini"
  by_ini="$("$bpl" train --dry-run --config "$tmp/one.ini" 2>&1)" || { fail "$key: INI: $by_ini"; continue; }
  by_link="$("$bpl" settings --link "$key=$(enc "$example")" 2>&1)" || { fail "$key: link: $by_link"; continue; }
  if [ "$by_flag" != "$by_ini" ] || [ "$by_flag" != "$by_link" ]; then
    fail "$key: flag, INI and link differ"
    diff <(echo "$by_flag") <(echo "$by_ini") | sed 's/^/  flag|ini  /'
    diff <(echo "$by_flag") <(echo "$by_link") | sed 's/^/  flag|link /'
    continue
  fi
  [ "$by_flag" != "$defaults" ] || { fail "$key: --$flag $example changed nothing"; continue; }
  if [ "$key" != model.preset ] && ! grep -qxF "$key=$example" <<<"$by_flag"; then
    fail "$key: the value did not arrive: $(grep "^$key=" <<<"$by_flag")"; continue
  fi
  passed=$((passed + 1))
done < <("$bpl" settings --examples)
[ "$n" -ge 24 ] || fail "only $n settings listed by bpl settings --examples"

# refused: a value outside the range, by all three (exit code 2, the key in the message)
while IFS=$'\t' read -r key flag bad; do
  section="${key%%.*}" name="${key#*.}"
  printf '[%s]\n%s = %s\n' "$section" "$name" "$bad" > "$tmp/bad.ini"
  ok=1
  out="$("$bpl" train --dry-run "--$flag" "$bad" 2>&1)"; rc=$?
  { [ $rc -eq 2 ] && grep -qF "$key" <<<"$out"; } || { fail "$key: --$flag $bad not refused ($rc): $out"; ok=0; }
  out="$("$bpl" train --dry-run --config "$tmp/bad.ini" 2>&1)"; rc=$?
  { [ $rc -eq 2 ] && grep -qF "$key" <<<"$out"; } || { fail "$key: INI $bad not refused ($rc): $out"; ok=0; }
  out="$("$bpl" settings --link "$key=$(enc "$bad")" 2>&1)"; rc=$?
  { [ $rc -eq 2 ] && grep -qF "$key" <<<"$out"; } || { fail "$key: link $bad not refused ($rc): $out"; ok=0; }
  [ $ok -eq 1 ] && passed=$((passed + 1))
done <<'BAD'
model.preset	preset	lenet
model.layers	model	dense(10
model.init	init	lecun
model.init_seed	init-seed	2147483648
training.epochs	epochs	10001
training.batch_size	batch	4097
training.learning_rate	lr	0
training.optimizer	optimizer	rmsprop
training.reduction	reduction	total
training.momentum	momentum	1
training.beta1	beta1	1
training.beta2	beta2	1
training.epsilon	eps	0
training.weight_decay	weight-decay	1
training.early_stop_patience	early-stop	-1
training.early_stop_min_delta	min-delta	101
training.restore_best	restore-best	maybe
training.schedule	schedule	cosine
training.step_epochs	step-epochs	0
training.gamma	gamma	1.5
training.plateau_patience	plateau-patience	0
training.plateau_factor	plateau-factor	1
training.min_lr	min-lr	-1
training.seed	seed	-1
data.subset	subset	-1
data.val_fraction	val	0.6
data.test_fraction	test-frac	0.95
data.test_subset	test-subset	1.5
data.normalize	normalize	zscore
BAD
out="$("$bpl" settings --link 'training.epocs=3' 2>&1)"; rc=$?
{ [ $rc -eq 2 ] && grep -q 'unknown setting "training.epocs"' <<<"$out"; } && passed=$((passed + 1)) || fail "unknown link key not refused ($rc): $out"

echo "summary: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
