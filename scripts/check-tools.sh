#!/bin/sh
# Checks that every tool has its man page and its dispatcher entry, and that
# every page is clean under mandoc -Tlint (git check-builtins, check-docs).
# Prints "ok ..." / "not ok ..." lines for tests/run.sh; exits 1 on a failure.
set -u
cd "$(dirname "$0")/.."
bad=0
res() { # STATUS NAME
	if [ "$1" -eq 0 ]; then echo "ok check-tools/$2"; else echo "not ok check-tools/$2"; bad=1; fi
}
for c in cmd/lmi-*.c; do
	t=$(basename "$c" .c)
	n=${t#lmi-}
	test -f "man/man1/$t.1"
	res $? "$t-has-man-page"
	grep -q "{ \"$n\"," cmd/lmi.c
	res $? "$t-in-dispatcher"
done
for n in $(sed -n 's/^	{ "\([a-z-]*\)",.*/\1/p' cmd/lmi.c); do
	test -f "cmd/lmi-$n.c"
	res $? "dispatcher-entry-$n-exists"
done
if command -v mandoc >/dev/null 2>&1; then
	for m in man/man1/*.1 man/man5/*.5; do
		[ -f "$m" ] || continue
		out=$(mandoc -Tlint -Wwarning "$m" 2>&1)
		[ -z "$out" ]
		res $? "mandoc-lint-$(basename "$m")"
		[ -z "$out" ] || echo "$out" | sed 's/^/# /' | head -10
	done
fi
exit $bad
