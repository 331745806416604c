#!/bin/sh
# lmi load: typed tables, idempotent upsert, the loads log, SQL totals against awk totals,
# and a SIGKILL in the middle of a load.  Expected values are counted by hand from the
# fixtures (tests/cli/data/report-*.csv) or computed by independent tools (awk, sha256sum).
. "$(dirname "$0")/lib.sh"

FILL=$D/report-fill.csv
VAC=$D/report-load-vacancy.csv
MISC=$D/report-load-misc.csv
Q() { echo "sqlite3 -batch $1 \"$2\""; }
# `t` runs "lmi ARGS": free-form checks start with a no-op lmi command
N="--version >/dev/null &&"

# indicator CSV: 9 rows, all new; loading again changes nothing
t first-load 0 "load --db i.db --table ind $FILL" - '' \
	'lmi-load: in=9 inserted=9 updated=0 unchanged=0\n'
t second-load 0 "$N sqlite3 i.db '.dump ind' >before.sql && lmi load --db i.db --table ind $FILL && sqlite3 i.db '.dump ind' | cmp - before.sql && echo same" - 'same\n' \
	'lmi-load: in=9 inserted=0 updated=0 unchanged=9\n'
# the same table, dumped, equals before and after a repeated load
t twice-same-table 0 "$N lmi load -q --db j.db --table ind $FILL && sqlite3 j.db '.dump ind' >1.sql && lmi load -q --db j.db --table ind $FILL && sqlite3 j.db '.dump ind' >2.sql && cmp 1.sql 2.sql && echo same" - 'same\n' ''
# one changed value (ci_high of 01100 in 2026-01) -> one update
t changed-row 0 "$N sed 's/0.6227/0.6228/' $FILL | lmi load --db i.db --table ind && $(Q i.db "select ci_high from ind where region_code='01100' and period='2026-01'")" - \
	'0.6228\n' 'lmi-load: in=9 inserted=0 updated=1 unchanged=8\n'
# a new period -> inserts only
t new-rows 0 "load --db i.db --table ind" \
	'indicator,period,region_code,numerator,denominator,value,ci_low,ci_high,n,note\nfill_rate,2026-04,01100,1,2,0.5,,,2,\nfill_rate,2026-04,02100,,,,,,1,suppressed\n' \
	'' 'lmi-load: in=2 inserted=2 updated=0 unchanged=0\n'

# typed columns of indicator CSV: codes text (leading zero kept), numbers REAL, n INTEGER,
# an empty note NULL;
# the key is indicator, period and the group columns
t tidy-types 0 "$N $(Q i.db "select typeof(region_code), region_code, typeof(value), typeof(n), typeof(note) from ind where period='2026-01' and region_code='01100'")" - \
	'text|01100|real|integer|null\n'
t tidy-key 0 "$N $(Q i.db "select group_concat(name) from pragma_table_info('ind') where pk > 0 order by pk")" - \
	'indicator,period,region_code\n'
# suppressed cell: empty value is NULL, not 0
t suppressed-null 0 "$N $(Q i.db "select value is null, note from ind where region_code='11010' and period='2026-03'")" - \
	'1|suppressed\n'

# SQL check query equals the CSV totals computed by awk on the same file; by hand:
# numerators 30+12+20+33+10+15+36+14 = 170, denominators 60+40+25+60+40+25+60+40 = 350
t totals-indicator 0 "$N lmi load -q --db s.db --table ind $FILL && $(Q s.db "select printf('%g|%g|%d', sum(numerator), sum(denominator), count(*)) from ind") >sql.txt && awk -F, 'NR > 1 { n += \$4; d += \$5; c++ } END { print n \"|\" d \"|\" c }' $FILL | cmp - sql.txt && cat sql.txt" - \
	'170|350|9\n' ''
# vacancy schema (matched from the header): positions 2+3+1 = 6, hires 1+1 = 2 (one empty)
t vacancy 0 "load --db v.db --table vacancy $VAC && $(Q v.db "select sum(positions), sum(hires), count(hires), count(*) from vacancy")" - \
	'6|2|2|3\n' 'lmi-load: in=3 inserted=3 updated=0 unchanged=0\n'
# awk on the CSV (positions and wage_min are the 5th and 6th fields from the end, which
# stays right although one employer name holds a quoted comma): 6 and 2,608,030.5 by hand
t vacancy-awk 0 "$N lmi load -q --db w.db --kind vacancy --table vacancy $VAC && $(Q w.db "select sum(positions), sum(wage_min) from vacancy") >sql.txt && awk -F, 'NR > 1 { p += \$(NF-4); w += \$(NF-5) } END { printf \"%d|%.1f\\n\", p, w }' $VAC | cmp - sql.txt && cat sql.txt" - \
	'6|2608030.5\n' ''
t vacancy-types 0 "$N $(Q v.db "select name || ':' || type from pragma_table_info('vacancy') where name in ('employer_id','region_code','wage_min','positions','reg_date','until_filled') order by cid")" - \
	'employer_id:TEXT\nregion_code:TEXT\nwage_min:REAL\npositions:INTEGER\nreg_date:TEXT\nuntil_filled:INTEGER\n'
t vacancy-leading-zero 0 "$N $(Q v.db "select employer_id, region_code, typeof(wage_min) from vacancy where source_id='K002'")" - \
	'0123456789|01100|real\n'
t vacancy-key 0 "$N $(Q v.db "select group_concat(name) from pragma_table_info('vacancy') where pk > 0 order by pk")" - \
	'source,source_id\n'

# other headers: types from the first rows (hand: office A,B,C text; code 0110 has a leading
# zero: text; amount 12,-3,0 integer; rate 0.5,2e3,-1.25 real; mixed 1,x text; blank: text)
t detect-types 0 "load --db m.db --table misc --key office $MISC && $(Q m.db "select group_concat(name || ':' || type, ' ') from pragma_table_info('misc')")" - \
	'office:TEXT code:TEXT amount:INTEGER rate:REAL mixed:TEXT blank:TEXT\n' \
	'lmi-load: in=3 inserted=3 updated=0 unchanged=0\n'
t detect-values 0 "$N $(Q m.db "select code, amount + 1, rate * 2 from misc order by office")" - \
	'0110|13|1.0\n0220|-2|4000.0\n7|1|-2.5\n'
t no-key 1 "load --db m2.db --table misc $MISC" - '' \
	"lmi-load: $MISC:1: no key for table 'misc': not a known schema; give --key COLS\n"
t bad-key 1 "load --db m2.db --table misc --key office,nope $MISC" - '' \
	"lmi-load: $MISC:1: no key column 'nope'\n"
# keys with an empty part still conflict (stored as '', not NULL): a second load is unchanged
printf 'indicator,period,region_code,numerator,denominator,value,ci_low,ci_high,n,note\nx,2026,,5,10,0.5,,,10,\n' >"$W/emptykey.csv"
t empty-key-part 0 "$N lmi load -q --db e.db --table ind emptykey.csv && lmi load --db e.db --table ind emptykey.csv && $(Q e.db "select count(*), quote(region_code) from ind")" - \
	"1|''\n" 'lmi-load: in=1 inserted=0 updated=0 unchanged=1\n'

# the loads log: one row per file, SHA-256 of the bytes (checked with sha256sum)
t loads-log 0 "$N lmi load -q --db l.db --table ind $FILL && lmi load -q --db l.db --table ind $FILL && $(Q l.db "select count(*), min(sha256) = max(sha256), sum(inserted), sum(unchanged) from loads") && $(Q l.db "select sha256 from loads limit 1") >sum.txt && sha256sum $FILL | cut -d' ' -f1 | cmp - sum.txt && echo sha-ok" - \
	'2|1|9|9\nsha-ok\n' ''
t loads-stdin-name 0 "$N lmi load -q --db l2.db --table ind <$FILL && $(Q l2.db "select file, rows from loads")" - \
	'<stdin>|9\n' ''
t two-files 0 "load --db f.db --table ind $FILL $FILL" - '' \
	'lmi-load: in=18 inserted=9 updated=0 unchanged=9\n'

# bad input
printf 'indicator,period,office,numerator,denominator,value,ci_low,ci_high,n,note\nx,2026,A,1,2,0.5,,,2,\n' >"$W/office.csv"
t header-differs 1 "load --db h.db --table ind $FILL office.csv" - '' \
	"lmi-load: office.csv:1: header differs from the header of '$FILL'\n"
t table-columns-differ 1 "$N lmi load -q --db c.db --table ind $FILL && lmi load --db c.db --table ind office.csv" - '' \
	"lmi-load: table 'ind' has column 'region_code', which the input lacks\n"
# a malformed row rolls back its batch: nothing stored, nothing logged
t malformed-rolls-back 1 "$N lmi load --db r.db --table ind; rc=\$?; $(Q r.db "select count(*) from ind; select count(*) from loads"); exit \$rc" \
	'indicator,period,numerator,denominator,value,ci_low,ci_high,n,note\na,2026,1,,1,,,1,\nb,"2026,1,,1,,,1,\n' \
	'0\n0\n' 'lmi-load: <stdin>:3: unterminated quoted field\n'
t missing-file 1 "load --db x.db --table ind nope.csv" - '' 'lmi-load: nope.csv: No such file or directory\n'
t bad-db 1 "load --db nodir/x.db --table ind $FILL" - '' \
	"lmi-load: cannot open 'nodir/x.db': unable to open database file\n"

# usage
t help 0 'load --help | head -1' - \
	'usage: lmi load --db FILE --table NAME [--key COLS] [--kind vacancy|claim|training] [--batch N] [FILE...]\n'
t help-example 0 'load --help | grep -c "^example: lmi indicators"' - '1\n'
t version 0 'load --version | head -1 | cut -d" " -f1-2' - 'lmi-load (lmi)\n'
t bad-option 2 'load --bogus' - '' -
t no-db 2 "load --table x $FILL" - '' -
t no-table 2 "load --db x.db $FILL" - '' -
t bad-kind 2 "load --db x.db --table x --kind nope $FILL" - '' -
t bad-batch 2 "load --db x.db --table x --batch 0 $FILL" - '' -
t stdout-full 0 "load -q --db full.db --table ind $FILL >/dev/full" - '' ''

# SIGKILL in the middle of a load keeps whole batches only.  A FIFO feeds 2,500 rows and then
# stays open, so the loader commits some batches of 1,000, holds the next one open and waits;
# kill -9 then; the table must hold a whole number of batches, pass integrity_check, and
# have nothing in loads.  A full re-run afterwards inserts exactly the rest.
killtest() {
	cd "$W"
	rm -f k.db k.db-wal k.db-shm k.fifo
	awk 'BEGIN { print "id,payload"; for (i = 1; i <= 2500; i++) printf "%06d,%090d\n", i, i }' >k.csv
	mkfifo k.fifo
	(cat k.csv; exec sleep 60) >k.fifo &
	feeder=$!
	lmi load -q --db k.db --table t --key id --batch 1000 k.fifo &
	loader=$!
	n=0
	for _ in $(seq 1 100); do
		n=$(sqlite3 k.db 'select count(*) from t' 2>/dev/null || echo 0)
		[ "$n" -ge 1000 ] && break
		sleep 0.2
	done
	sleep 0.5
	kill -9 "$loader"
	wait "$loader" 2>/dev/null
	kill "$feeder" 2>/dev/null
	wait "$feeder" 2>/dev/null
	n=$(sqlite3 k.db 'select count(*) from t')
	echo "whole-batches=$((n % 1000 == 0 && n >= 1000 && n < 2500))"
	sqlite3 k.db 'pragma integrity_check'
	echo "loads=$(sqlite3 k.db 'select count(*) from loads')"
	lmi load --db k.db --table t --key id k.csv 2>err.txt
	echo "rerun-ok=$(grep -c "^lmi-load: in=2500 inserted=$((2500 - n)) updated=0 unchanged=$n\$" err.txt)"
	echo "total=$(sqlite3 k.db 'select count(*) from t')"
}
check kill-9 "killtest >kill.out 2>&1; printf 'whole-batches=1\nok\nloads=0\nrerun-ok=1\ntotal=2500\n' | diff - kill.out"
