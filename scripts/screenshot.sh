#!/bin/bash
# Runs Lever under a virtual display, types a new price like a user, and
# saves a screenshot: scripts/screenshot.sh [OUT.png] [MODEL.ron]
# Needs xvfb, xdotool and imagemagick (apt-get install xvfb xdotool imagemagick) and
# a release build (cargo build --release).
set -u
OUT=$(realpath -m "${1:-assets/screenshot.png}")
MODEL=${2:-}
BIN=${LEVER_BIN:-target/release/lever}
if [ -z "${LEVER_IN_XVFB:-}" ]; then
    LEVER_IN_XVFB=1 exec xvfb-run -a -s "-screen 0 1400x860x24 -nolisten tcp" "$0" "$OUT" "$MODEL"
fi
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$(mktemp -d)}
LOG=$(mktemp)
LEVER_THEME=${LEVER_THEME:-light} "$BIN" $MODEL > "$LOG" 2>&1 &
APP=$!
WID=""
for _ in $(seq 1 50); do
    WID=$(xdotool search --name 'Lever' 2>/dev/null | head -1)
    [ -n "$WID" ] && break
    sleep 0.2
done
[ -n "$WID" ] || { echo "no window"; cat "$LOG"; kill $APP; exit 1; }
sleep 2
xdotool windowfocus --sync "$WID"
# Go to the list price through the name box and type a 10% higher price.
xdotool mousemove 110 40 click 1; sleep 0.3
xdotool type --delay 40 "list_price Jan 2026"; xdotool key Return; sleep 0.5
xdotool type --delay 60 "82390"; xdotool key Return; sleep 1
import -window root -crop 1280x820+0+0 +repage "$OUT"
kill $APP; wait $APP 2>/dev/null || true
test -s "$OUT" && echo "screenshot: $OUT"
