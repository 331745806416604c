#!/bin/sh
# Mechanical house-style checks (STYLE.md): lines within 100 columns (tabs as 8),
# no trailing blanks, every .c includes banned.h, no raw fprintf(stderr) in
# tools, no newline at the end of a message format, lib/ never exits.
set -u
cd "$(dirname "$0")/.."
bad=0
say() { echo "check-style: $*"; bad=1; }
for f in lib/*.c lib/*.h cmd/*.c; do
	[ -f "$f" ] || continue
	python3 -c 'import sys
f = sys.argv[1]
bad = [i for i, l in enumerate(open(f, encoding="utf-8"), 1) if len(l.rstrip("\n").expandtabs(8)) > 100]
for i in bad: print("check-style: %s:%d: line over 100 columns" % (f, i))
sys.exit(1 if bad else 0)' "$f" || bad=1
	grep -n '[[:blank:]]$' "$f" | sed "s|^|check-style: $f:|; s|$| trailing blank|" | grep . && bad=1
done
for f in lib/*.c cmd/*.c; do
	[ -f "$f" ] || continue
	grep -q '#include "banned.h"' "$f" || say "$f does not include banned.h"
done
for f in cmd/*.c; do
	grep -n 'fprintf(stderr' "$f" | sed "s|^|check-style: $f:|; s|$| (use lmi_warn/lmi_die)|" | grep . && bad=1
	grep -nE 'lmi_(warn|die)[a-z_]*\(.*\\n"' "$f" | sed "s|^|check-style: $f:|; s|$| (message ends in newline)|" | grep . && bad=1
done
for f in lib/*.c; do
	case $f in lib/cli.c) continue ;; esac
	grep -nE '\bexit\(|fprintf\(stderr|\bprintf\(' "$f" | sed "s|^|check-style: $f:|; s|$| (lib/ never prints or exits)|" | grep . && bad=1
done
exit $bad
