#!/bin/sh
# Runs the unit tests and the golden CLI tests; ends with "N passed, N failed".
# LMI_BUILD: build tree holding tests/test_*; LMI_BIN: folder holding lmi and lmi-*.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
build=${LMI_BUILD:-build}
bin=${LMI_BIN:-bin}
case $build in /*) ;; *) build=$top/$build ;; esac
case $bin in /*) ;; *) bin=$top/$bin ;; esac
export LMI_BIN="$bin" LMI_TOP="$top"
log=$(mktemp)
trap 'rm -f "$log"' EXIT

for t in "$build"/tests/test_* "$build"/nosse/test_*; do
	[ -x "$t" ] || continue
	( cd "$top" && "$t" ) >>"$log" 2>&1
	rc=$?
	if [ $rc -ne 0 ] && ! grep -q "^not ok" "$log"; then
		echo "not ok $(basename "$t") exited $rc without a failed check" >>"$log"
	fi
done
sh "$top/scripts/check-tools.sh" >>"$log" 2>&1
if style=$(sh "$top/scripts/check-style.sh" 2>&1); then
	echo "ok check-style" >>"$log"
else
	{ echo "not ok check-style"; echo "$style" | sed 's/^/# /'; } >>"$log"
fi
for t in "$top"/tests/cli/t[0-9]*.sh; do
	[ -f "$t" ] || continue
	sh "$t" >>"$log" 2>&1 || echo "not ok $(basename "$t") script exited $?" >>"$log"
done
grep -E "^(not ok|# )" "$log" | head -300
pass=$(grep -c "^ok" "$log")
fail=$(grep -c "^not ok" "$log")
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
