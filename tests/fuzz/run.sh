#!/bin/sh
# Builds the libFuzzer targets (clang, ASan + UBSan) and runs each for SECONDS
# (default 60).  Not part of `make check`.  Usage: sh tests/fuzz/run.sh [SECONDS] [TARGET...]
# Crashes are written to build/fuzz/crash-*; corpora grow in build/fuzz/corpus-TARGET.
set -eu
top=$(cd "$(dirname "$0")/../.." && pwd)
secs=${1:-60}
[ $# -gt 0 ] && shift
targets=${*:-fuzz_csv fuzz_parse}
CLANG=${CLANG:-$(command -v clang || command -v clang-14 || true)}
if [ -z "$CLANG" ]; then
	echo "fuzz: clang not found (apt-get install clang)" >&2
	exit 1
fi
out=$top/build/fuzz
mkdir -p "$out"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined -std=c11
	-D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -I$top/lib
	$(pkg-config --cflags libsodium sqlite3 gsl 2>/dev/null)"
libs="-lcsv -lsqlite3 -lgsl -lgslcblas -lsodium -lxlsxwriter -lm"
for t in $targets; do
	echo "fuzz: building $t" >&2
	# shellcheck disable=SC2086
	"$CLANG" $flags -o "$out/$t" "$top/tests/fuzz/$t.c" "$top/lib/csvio.c" "$top/lib/cli.c" \
		"$top/lib/parse.c" $libs
	corpus=$out/corpus-$t
	mkdir -p "$corpus"
	if [ -z "$(ls -A "$corpus")" ]; then
		# Seeds: the first two bytes of a csv seed are option bits (0 = defaults).
		printf '\000\000a,b\n1,"x,y"\n"multi\nline",3\n' >"$corpus/seed1"
		printf '\000\000\357\273\277a,b\r\n1,""\r\n\r\n2,"q""q"\r\n' >"$corpus/seed2"
		printf '\010\000a;b\n1;2\n' >"$corpus/seed3"
		printf '\020\004a,b\n12345,6\n' >"$corpus/seed4"
		printf '\000\000a,b\n1,\274\255\n' >"$corpus/seed5"
		for s in 2025-03-01 20250301 2025.03.01 2025/3/1 "2025.3.1." "2025-03-01T09:00" \
			채용시까지 "3,000,000원" "300만원" 협의 "12.5"; do
			printf '%s' "$s" >"$corpus/seed-$(printf '%s' "$s" | cksum | cut -d' ' -f1)"
		done
	fi
	echo "fuzz: running $t for ${secs}s" >&2
	(cd "$out" && "./$t" -max_total_time="$secs" -max_len=4096 -timeout=10 \
		-print_final_stats=1 "$corpus") 2>&1 | grep -E "^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::peak_rss|==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)" || true
done
