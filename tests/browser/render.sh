#!/bin/sh
# Renders an HTML board in headless Chromium and prints what the browser drew:
#   rendered=ok|fail|-  charts=N  svg=N path=N rect=N polyline=N  console=N  png=BYTES
# rendered comes from the board's own script (data-rendered="ok" only when every
# chart has a non-zero bounding box); the element counts are read from the DOM
# after rendering (--dump-dom); console counts console messages and uncaught errors
# (Chromium's --enable-logging); png is the size of a --screenshot.
# Exit 77 when no browser is installed (the caller prints the skip), 1 on failure.
#   sh tests/browser/render.sh board.html [OUTDIR]
set -eu
html=$1
out=${2:-$(mktemp -d)}
browser=
for b in chromium chromium-browser google-chrome; do
	if command -v "$b" >/dev/null 2>&1; then
		browser=$b
		break
	fi
done
[ -n "$browser" ] || exit 77
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
flags="--headless --no-sandbox --disable-gpu --disable-background-networking \
--disable-component-update --disable-sync --no-first-run --user-data-dir=$profile"
case $html in /*) ;; *) html=$(pwd)/$html ;; esac
# shellcheck disable=SC2086
timeout 120 "$browser" $flags --enable-logging=stderr --v=0 --dump-dom "file://$html" \
	>"$out/dom.html" 2>"$out/chromium.log"
# shellcheck disable=SC2086
timeout 120 "$browser" $flags --window-size=1100,1400 --screenshot="$out/shot.png" \
	"file://$html" >/dev/null 2>>"$out/chromium.log"
count() { grep -o "<$1[ >/]" "$out/dom.html" | wc -l | tr -d ' '; }
rendered=$(sed -n 's/.*<body[^>]* data-rendered="\([a-z]*\)".*/\1/p' "$out/dom.html" | head -1)
charts=$(sed -n 's/.*<body[^>]* data-charts="\([0-9]*\)".*/\1/p' "$out/dom.html" | head -1)
png=0
if [ -f "$out/shot.png" ] && [ "$(head -c 4 "$out/shot.png" | od -An -c | tr -d ' ')" = "211PNG" ]; then
	png=$(wc -c <"$out/shot.png" | tr -d ' ')
fi
echo "rendered=${rendered:--} charts=${charts:--} svg=$(count svg) path=$(count path)" \
	"rect=$(count rect) polyline=$(count polyline)" \
	"console=$(grep -c ':CONSOLE' "$out/chromium.log") png=$png"
