#!/usr/bin/env bash
# The desktop app (SDL2 + OpenGL3) under Xvfb, on a display of its own.
#   app.sh train     train one epoch from a flag, save a screenshot, exit 0
#   app.sh stepper   open the stepper on LeNet-5's max-pool backward step, screenshot
source "$(dirname "$0")/../cli/lib.sh"
command -v Xvfb >/dev/null || fail "Xvfb is not installed (scripts/setup.sh installs xvfb)"
[ -x "$APP" ] || fail "no desktop app at $APP (build it: scripts/build.sh native)"
mkdir -p "$SHOTS"

# Xvfb picks a free display itself and writes its number to -displayfd once it accepts
# connections: read it from a pipe (blocks until then, or EOF if Xvfb dies)
mkfifo "$TMP/displayfd"
Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$TMP/displayfd" >"$TMP/xvfb.log" 2>&1 &
xvfb_pid=$!
trap 'kill $xvfb_pid 2>/dev/null; wait $xvfb_pid 2>/dev/null; rm -rf "$TMP"' EXIT
read -r -t 30 n <"$TMP/displayfd" || { cat "$TMP/xvfb.log"; fail "Xvfb did not start within 30 s"; }
export DISPLAY=":$n"
xdpyinfo >/dev/null 2>&1 || fail "Xvfb said display $DISPLAY is ready, but xdpyinfo cannot open it"

case "${1:?train|stepper}" in
  train)
    shot="$SHOTS/app-desktop.png"; rm -f "$shot"
    out="$(timeout 120 "$APP" --train-epochs 1 --screenshot "$shot" 2>&1)" || { echo "$out"; fail "the app exited non-zero"; }
    [ -s "$shot" ] || { echo "$out"; fail "no screenshot $shot"; }
    ok "desktop app trained 1 epoch under Xvfb ($DISPLAY) and saved $shot" ;;
  stepper)
    shot="$SHOTS/stepper-desktop.png"; rm -f "$shot"
    out="$(timeout 120 "$APP" --preset r0-lenet5 --view stepper --stepper-op 24 --frames 30 --screenshot "$shot" 2>&1)" \
      || { echo "$out"; fail "the app exited non-zero"; }
    [ -s "$shot" ] || { echo "$out"; fail "no screenshot $shot"; }
    ok "desktop app opened the stepper on LeNet-5's max-pool backward step: $shot" ;;
  *) fail "unknown mode $1" ;;
esac
