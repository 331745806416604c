#!/bin/sh
# The nightly run a cron job calls with a date:
#   ingest -> validate -> dedup (with state) -> indicators -> load -> report
#
#   sh scripts/nightly.sh DATE [OUTDIR]
#
# DATE (YYYY-MM-DD) is the as-of date of the run.  Outputs go to OUTDIR/DATE/
# (default OUTDIR: out): vacancy.csv (canonical, validated, deduplicated),
# rejects.csv, duplicates.csv, indicators.csv, board.xlsx, board.html and
# nightly.log; when LMI_DATA has claims.csv (UI claims, profile ui) also
# claim.csv, claim-rejects.csv and claim-indicators.csv, and the board shows
# both.  Without claims.csv the night says so in the log and on stderr.  State that lives across nights stays in OUTDIR: dedup-state.db
# (lmi dedup --state) and lmi.db (the warehouse, lmi load).
#
# Everything is written into OUTDIR/.DATE.tmp.PID first and renamed to
# OUTDIR/DATE only when every step succeeded, so a failed night never leaves
# half-written outputs; its log is kept as OUTDIR/nightly-DATE.failed.log and
# the script exits non-zero.  No pipes: every step reads and writes files, so
# each exit status is checked (POSIX sh has no pipefail).  lmi validate and lmi
# ingest exit 3 when they rejected rows; that is logged, the rejects are kept,
# and the night goes on.  A re-run of a date replaces that date's outputs (the
# dedup state replaces the night's postings; the warehouse upsert is idempotent).
#
# Environment: LMI_DATA (input folder, default data-samples/ of this checkout),
# LMI_BIN (folder holding lmi, default bin/ of this checkout, else PATH),
# LMI_KEY_FILE (pseudonymisation key, default LMI_DATA/demo.key),
# LMI_RULES_DIR (rule tables, default LMI_DATA/rules).  When LMI_DATA has
# indicator-definitions.csv (indicator,definition[,numerator,denominator,source])
# the report shows those definitions.
#
# Example crontab line (02:30 every night, for the day before):
#   30 2 * * * cd /srv/lmi && sh scripts/nightly.sh "$(date -u -d yesterday +\%F)" /srv/lmi/out
set -u
umask 022
top=$(cd "$(dirname "$0")/.." && pwd)

usage() {
	echo "usage: sh scripts/nightly.sh DATE [OUTDIR]" >&2
	exit 2
}
[ $# -ge 1 ] && [ $# -le 2 ] || usage
date=$1
outdir=${2:-out}
case $date in
[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9]) ;;
*) echo "nightly: DATE must be YYYY-MM-DD, not '$date'" >&2; exit 2 ;;
esac

data=${LMI_DATA:-$top/data-samples}
bindir=${LMI_BIN:-$top/bin}
[ -x "$bindir/lmi" ] && PATH=$bindir:$PATH
export PATH
: "${LMI_KEY_FILE:=$data/demo.key}"
: "${LMI_RULES_DIR:=$data/rules}"
export LMI_KEY_FILE LMI_RULES_DIR

abspath() { # prints $1 as an absolute path (it need not exist)
	case $1 in /*) echo "$1" ;; *) echo "$(pwd)/$1" ;; esac
}
data=$(abspath "$data")
raw=$data/worknet-vacancies.csv
claims=$data/claims.csv
defs=$data/indicator-definitions.csv
LMI_KEY_FILE=$(abspath "$LMI_KEY_FILE")
LMI_RULES_DIR=$(abspath "$LMI_RULES_DIR")

mkdir -p "$outdir" || exit 1
outdir=$(cd "$outdir" && pwd)
work=$outdir/.$date.tmp.$$
final=$outdir/$date
log=$work/nightly.log
mkdir "$work" || exit 1
# Work inside the temporary folder with plain file names, so the board, the
# README sheet and the warehouse's loads table name "vacancy.csv", not a temp path.
cd "$work" || exit 1
trap 'rm -rf "$work"' EXIT
trap 'exit 1' HUP INT TERM

say() {
	printf '%s %s\n' "$(date -u +%FT%TZ)" "$*" >>"$log"
}

# fail MESSAGE: keep the log, drop the half-made outputs, exit 1
fail() {
	say "FAILED: $*"
	cp "$log" "$outdir/nightly-$date.failed.log" 2>/dev/null
	echo "nightly: $date failed: $* (log: $outdir/nightly-$date.failed.log)" >&2
	exit 1
}

# step NAME OK-CODES OUT CMD...: runs CMD with stdout to OUT (- for none) and stderr
# appended to the log; fails the night unless the exit status is in OK-CODES.
step() {
	name=$1 okcodes=$2 out=$3
	shift 3
	say "step $name: $*"
	if [ "$out" = - ]; then
		"$@" 2>>"$log"
	else
		"$@" >"$out" 2>>"$log"
	fi
	rc=$?
	case " $okcodes " in
	*" $rc "*) say "step $name: exit $rc" ;;
	*) fail "step $name exited $rc" ;;
	esac
	[ "$rc" -eq 3 ] && say "step $name: rows were rejected (kept in the rejects file)"
	return 0
}

say "nightly $date: input $raw, outputs $final"
command -v lmi >/dev/null 2>&1 || fail "lmi not found (set LMI_BIN or PATH)"
[ -r "$raw" ] || fail "cannot read input '$raw'"

step ingest "0 3" "ingested.csv" \
	lmi ingest --kind vacancy --profile worknet --key-file "$LMI_KEY_FILE" \
	--rejects "ingest-rejects.csv" "$raw"
step validate "0 3" "validated.csv" \
	lmi validate --kind vacancy --as-of "$date" --rules "$LMI_RULES_DIR" \
	--rejects "rejects.csv" "ingested.csv"
step dedup "0" "vacancy.csv" \
	lmi dedup --state "$outdir/dedup-state.db" --night "$date" --drop \
	--rejects "duplicates.csv" "validated.csv"
step indicators "0" "indicators.csv" \
	lmi indicators vacancy --by region_code --period month --as-of "$date" "vacancy.csv"
step load-vacancy "0" - \
	lmi load --db "$outdir/lmi.db" --table vacancy --kind vacancy "vacancy.csv"
step load-indicators "0" - \
	lmi load --db "$outdir/lmi.db" --table vacancy_indicators "indicators.csv"
have_claims=0
if [ -r "$claims" ]; then
	step ingest-claims "0 3" "claim-ingested.csv" \
		lmi ingest --kind claim --profile ui --key-file "$LMI_KEY_FILE" \
		--rejects "claim-ingest-rejects.csv" "$claims"
	step validate-claims "0 3" "claim.csv" \
		lmi validate --kind claim --as-of "$date" --rules "$LMI_RULES_DIR" \
		--rejects "claim-rejects.csv" "claim-ingested.csv"
	step indicators-claims "0" "claim-indicators.csv" \
		lmi indicators claims --period month --as-of "$date" "claim.csv"
	step load-claims "0" - \
		lmi load --db "$outdir/lmi.db" --table claim --kind claim "claim.csv"
	step load-claim-indicators "0" - \
		lmi load --db "$outdir/lmi.db" --table claim_indicators "claim-indicators.csv"
	have_claims=1
else
	say "note: no '$claims': the board shows vacancies only"
	echo "nightly: note: no '$claims': the board shows vacancies only" >&2
fi
set --
if [ -r "$defs" ]; then
	set -- --definitions "$defs"
else
	say "note: no '$defs': the report shows no indicator definitions"
fi
# the report's arguments are built in "$@" so that paths with blanks stay whole
set -- "$@" --xlsx "board.xlsx" --html "board.html" "indicators.csv"
[ "$have_claims" = 1 ] && set -- "$@" "claim-indicators.csv"
step report "0" - lmi report --title "Labour-market monitor" --as-of "$date" "$@"
rm -f ingested.csv validated.csv claim-ingested.csv
for f in board.html board.xlsx indicators.csv vacancy.csv rejects.csv duplicates.csv; do
	[ -s "$f" ] || [ "$f" = rejects.csv ] || [ "$f" = duplicates.csv ] ||
		fail "output $f is missing or empty"
done
say "nightly $date: done"

# Publish: the new folder replaces an earlier run of the same date.
if [ -e "$final" ]; then
	mv "$final" "$work.old" || fail "cannot move the earlier '$final' aside"
fi
mv "$work" "$final" || fail "cannot rename '$work' to '$final'"
rm -rf "$work.old"
rm -f "$outdir/nightly-$date.failed.log"
trap - EXIT
echo "nightly: $date ok: $final"
