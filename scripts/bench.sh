#!/bin/sh
# make bench: generates test files with `lmi synth`, then measures every tool
# against the plain libcsv read loop (tests/bench/csvloop.c) on the same file.
# Never run by `make check`.
#
# Snippets in scripts/bench.d/*.sh are sourced in order.  They call
#   bench TOOLNAME FILE CMD...     one of ours: `CMD < FILE > /dev/null`
#   bench_ref NAME FILE CMD...     a reference tool (Miller, sqlite3, ...)
# and may read BENCH_LAST_MBS and BENCH_LAST_RSS (KiB) after each call.
# Files in $BENCH_DIR: vacancy.csv, claim.csv, seeker-200mb.csv (~200 MB each),
# training.csv, seeker.csv (smaller, for fitting) and vacancy-20mb.csv (for
# the memory-flatness check).
#
# The tools parse input past its first 64 KiB on a second thread (see
# lmi(1), LMI_READER_THREAD); rows marked "1 thread" run with it turned off.
#
# Environment: BENCH_DIR (default bench-out/), BENCH_ROWS_VACANCY,
# BENCH_ROWS_CLAIM, BENCH_ROWS_TRAINING, BENCH_ROWS_SEEKER,
# BENCH_ROWS_SEEKER_BIG, BENCH_ROWS_VACANCY_SMALL, BENCH_REPEAT (runs per measurement, best kept;
# default 3, as the README's figures), BENCH_ONLY (a glob: only snippets whose name matches),
# BENCH_CLOCK (wall, the default, or cpu: user + system time, steadier on a
# busy machine but flattering to multi-threaded references such as Miller).
set -eu
LC_ALL=C
export LC_ALL
top=$(cd "$(dirname "$0")/.." && pwd)
: "${LMI_BIN:=$top/bin}"
: "${LMI_BUILD:=$top/build}"
: "${BENCH_DIR:=$top/bench-out}"
: "${BENCH_ROWS_VACANCY:=820000}"
: "${BENCH_ROWS_CLAIM:=900000}"
: "${BENCH_ROWS_TRAINING:=300000}"
: "${BENCH_ROWS_SEEKER:=500000}"
: "${BENCH_ROWS_SEEKER_BIG:=4000000}"
: "${BENCH_ROWS_VACANCY_SMALL:=82000}"
: "${BENCH_REPEAT:=3}"
: "${BENCH_ONLY:=*}"
: "${BENCH_CLOCK:=wall}"
PATH=$LMI_BIN:$PATH
export PATH BENCH_DIR
CSVLOOP=$LMI_BUILD/bench/csvloop

if [ ! -x /usr/bin/time ]; then
	echo "bench: /usr/bin/time is missing (apt-get install time)" >&2
	exit 1
fi
if [ ! -x "$CSVLOOP" ]; then
	echo "bench: $CSVLOOP is missing (run make)" >&2
	exit 1
fi
mkdir -p "$BENCH_DIR"
_tmp=$(mktemp -d)
trap 'rm -rf "$_tmp"' EXIT

# gen FILE KIND ROWS: (re)generates FILE unless the same command of the same lmi-synth made it.
_synth_version=$(lmi-synth --version | head -1)
gen() {
	_cmd="lmi synth --kind $2 --rows $3 --seed 1"
	if [ -f "$BENCH_DIR/$1" ] &&
		[ "$(cat "$BENCH_DIR/$1.cmd" 2>/dev/null)" = "$_cmd # $_synth_version" ]; then
		return
	fi
	echo "bench: $_cmd > $BENCH_DIR/$1" >&2
	$_cmd >"$BENCH_DIR/$1.tmp"
	mv "$BENCH_DIR/$1.tmp" "$BENCH_DIR/$1"
	echo "$_cmd # $_synth_version" >"$BENCH_DIR/$1.cmd"
}

gen vacancy.csv vacancy "$BENCH_ROWS_VACANCY"
gen claim.csv claim "$BENCH_ROWS_CLAIM"
gen training.csv training "$BENCH_ROWS_TRAINING"
gen seeker.csv seeker "$BENCH_ROWS_SEEKER"
gen seeker-200mb.csv seeker "$BENCH_ROWS_SEEKER_BIG"
gen vacancy-20mb.csv vacancy "$BENCH_ROWS_VACANCY_SMALL"

# _measure FILE CMD...: best wall time of BENCH_REPEAT runs -> _secs, peak RSS (KiB) -> _rss.
_measure() {
	_f=$1
	shift
	_secs= _rss= _i=0
	while [ "$_i" -lt "$_reps" ]; do
		_i=$((_i + 1))
		/usr/bin/time -f '%e %M %U %S' -o "$_tmp/time" "$@" <"$_f" >/dev/null 2>"$_tmp/err"
		_rc=$?
		# Exit 3 means the output was written and some rows were rejected:
		# the raw synth files hold planted bad rows on purpose.
		if [ "$_rc" -ne 0 ] && [ "$_rc" -ne 3 ]; then
			echo "bench: failed: $* < $_f" >&2
			sed 's/^/bench:   /' "$_tmp/err" | head -5 >&2
			_secs=
			return 1
		fi
		# After a non-zero exit, time(1) writes a "Command exited" line first.
		tail -n 1 "$_tmp/time" >"$_tmp/time1"
		read -r _s _m _u _y <"$_tmp/time1"
		[ "$BENCH_CLOCK" = cpu ] && _s=$(awk -v u="$_u" -v y="$_y" 'BEGIN { print u + y }')
		if [ -z "$_secs" ] || awk "BEGIN { exit !($_s < $_secs) }"; then
			_secs=$_s
		fi
		if [ -z "$_rss" ] || [ "$_m" -gt "$_rss" ]; then
			_rss=$_m
		fi
	done
}

# _mbs FILE SECS: MB/s (10^6 bytes) with a floor of 10 ms on the time.
_mbs() {
	_bytes=$(wc -c <"$1")
	awk -v b="$_bytes" -v s="$2" 'BEGIN { if (s < 0.01) s = 0.01; printf "%.1f", b / 1e6 / s }'
}

_key() {
	basename "$1" | tr -c 'A-Za-z0-9\n' '_'
}

# _base FILE: measures the libcsv loop on FILE once (first use) and prints its row.
_base() {
	_k=$(_key "$1")
	if [ ! -f "$_tmp/base.$_k" ]; then
		_reps=$BENCH_REPEAT
		_measure "$1" "$CSVLOOP"
		_mbs "$1" "$_secs" >"$_tmp/base.$_k"
		_row "libcsv read loop (csvloop)" "$1" "$(cat "$_tmp/base.$_k")" "$_rss" ref
	fi
}

# _row NAME FILE MBS RSS [ref]
_row() {
	_b=$(cat "$_tmp/base.$(_key "$2")" 2>/dev/null || echo)
	_m=$(cat "$_tmp/mlr.$(_key "$2")" 2>/dev/null || echo)
	_xb=- _xm=-
	[ -n "$_b" ] && _xb=$(awk -v a="$3" -v b="$_b" 'BEGIN { printf "%.2f", a / b }')
	[ -n "$_m" ] && [ "${5:-}" != ref ] && _xm=$(awk -v a="$3" -v b="$_m" 'BEGIN { printf "%.1f", a / b }')
	printf '%-30s %-17s %8s %8s %7s %9s\n' "$1" "$(basename "$2")" "$3" "$_xb" "$_xm" \
		"$(awk -v k="$4" 'BEGIN { printf "%.1f", k / 1024 }')"
}

# bench TOOLNAME FILE CMD...
bench() {
	_name=$1 _file=$2
	shift 2
	_base "$_file"
	_reps=$BENCH_REPEAT
	if _measure "$_file" "$@"; then
		BENCH_LAST_MBS=$(_mbs "$_file" "$_secs")
		BENCH_LAST_RSS=$_rss
		_row "$_name" "$_file" "$BENCH_LAST_MBS" "$_rss"
	else
		BENCH_LAST_MBS= BENCH_LAST_RSS=
		printf '%-30s %-17s %8s\n' "$_name" "$(basename "$_file")" FAILED
	fi
}

# bench_ref NAME FILE CMD...: one run; a name starting with "mlr" becomes the Miller column.
bench_ref() {
	_name=$1 _file=$2
	shift 2
	_base "$_file"
	_reps=1
	if _measure "$_file" "$@"; then
		BENCH_LAST_MBS=$(_mbs "$_file" "$_secs")
		BENCH_LAST_RSS=$_rss
		case $_name in
		mlr*) echo "$BENCH_LAST_MBS" >"$_tmp/mlr.$(_key "$_file")" ;;
		esac
		_row "$_name" "$_file" "$BENCH_LAST_MBS" "$_rss" ref
	else
		BENCH_LAST_MBS= BENCH_LAST_RSS=
		printf '%-30s %-17s %8s\n' "$_name" "$(basename "$_file")" FAILED
	fi
}

V=$BENCH_DIR/vacancy.csv
C=$BENCH_DIR/claim.csv
T=$BENCH_DIR/training.csv
K=$BENCH_DIR/seeker.csv
K200=$BENCH_DIR/seeker-200mb.csv
V20=$BENCH_DIR/vacancy-20mb.csv

echo "# lmi bench $(date -u '+%Y-%m-%d %H:%M UTC'), $(uname -m), $(nproc) CPUs," \
	"load $(cut -d' ' -f1 /proc/loadavg), best of $BENCH_REPEAT runs, $BENCH_CLOCK time"
for _f in "$V" "$C" "$T" "$K" "$K200" "$V20"; do
	printf '#   %-17s %6.1f MB\n' "$(basename "$_f")" "$(awk -v b="$(wc -c <"$_f")" 'BEGIN { print b / 1e6 }')"
done
echo "# x libcsv: MB/s over the plain libcsv loop on the same file (target >= 0.60);"
echo "# x mlr: MB/s over Miller's on the same file (target >= 4); RSS: peak resident set."
printf '%-30s %-17s %8s %8s %7s %9s\n' tool file MB/s 'x libcsv' 'x mlr' 'RSS MiB'
for _s in "$top"/scripts/bench.d/*.sh; do
	[ -f "$_s" ] || continue
	case $(basename "$_s") in
	$BENCH_ONLY) ;;
	*) continue ;;
	esac
	# A subshell: a snippet that fails stops itself, not the benchmark.
	# shellcheck disable=SC1090
	( . "$_s" ) || echo "# bench: $(basename "$_s") failed (exit $?)"
done
