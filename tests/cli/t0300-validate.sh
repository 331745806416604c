#!/bin/sh
# lmi validate: one bad row per rule, warnings vs errors, rejects file, accounting, options,
# bad input.  The expected files tests/cli/data/validate-*.out and *.rej were written by hand
# from the rules in data-samples/rules and lmi-validate(1); the hourly wages in them are
# computed by hand: M 2,508,000 / 209 = 12,000 exactly (209 * 12,000 = 2,508,000);
# D 96,000 / 8 = 12,000; Y 30,096,000 / 2,508 = 12,000; M 2,000,000 / 209 = 9,569.378
# (209 * 9,569 = 1,999,921, remainder 79, 79 / 209 = 0.378), below 2025's 10,030.
# K04's posting runs 2025-03-01 .. 2025-06-30: 31 + 30 + 31 + 29 = 121 days > 90 (R4.span).
. "$(dirname "$0")/lib.sh"
unset LMI_RULES_DIR LMI_AS_OF

V="validate --as-of 2025-06-30"

# every vacancy rule on one fixture: 12 rows out (warnings in flags), 19 rejected
t vacancy 3 "$V -k vacancy --rejects rej.csv" @"$D/validate-vacancy.csv" @"$D/validate-vacancy.out" \
	'lmi-validate: in=31 out=12 rejected=19 duplicates=0\n'
check vacancy-rejects-file "lmi $V -k vacancy --rejects rej.csv $D/validate-vacancy.csv \
	>/dev/null 2>&1; test \$? -eq 3 && cmp rej.csv $D/validate-vacancy.rej"
t claim 3 "$V --kind claim --rejects rej.csv" @"$D/validate-claim.csv" @"$D/validate-claim.out" \
	'lmi-validate: in=10 out=2 rejected=8 duplicates=0\n'
check claim-rejects-file "lmi $V --kind claim --rejects rej.csv $D/validate-claim.csv \
	>/dev/null 2>&1; test \$? -eq 3 && cmp rej.csv $D/validate-claim.rej"
t training 3 "$V --kind training --rejects rej.csv" @"$D/validate-training.csv" \
	@"$D/validate-training.out" 'lmi-validate: in=8 out=2 rejected=6 duplicates=0\n'
check training-rejects-file "lmi $V --kind training --rejects rej.csv $D/validate-training.csv \
	>/dev/null 2>&1; test \$? -eq 3 && cmp rej.csv $D/validate-training.rej"

# without --rejects every rejected row is still reported, on stderr
t claim-no-rejects-file 3 "$V --kind claim" @"$D/validate-claim.csv" @"$D/validate-claim.out" \
"lmi-validate: <stdin>:4: rejected by C0: required field 'person_key' is empty
lmi-validate: <stdin>:5: rejected by C0.type: entitled_days 'abc' is not an integer
lmi-validate: <stdin>:6: rejected by C1: entitled_days 271 is outside 120..270
lmi-validate: <stdin>:7: rejected by C2: eligibility_date 2025-01-09 is before separation_date 2025-01-10
lmi-validate: <stdin>:8: rejected by C3: days_paid 181 is greater than entitled_days 180
lmi-validate: <stdin>:9: rejected by C4: end_reason is given but end_date is empty
lmi-validate: <stdin>:10: rejected by C4.reemp: end_reason is reemployed but reemployment_date is empty
lmi-validate: <stdin>:11: rejected by C5: end_reason 'quit' is not in the code list
lmi-validate: in=10 out=2 rejected=8 duplicates=0\n"
t file-name-in-messages 0 "$V --kind training $D/validate-training.csv 2>&1 >/dev/null | \
	sed -n 1p | sed 's|.*/||'" - \
	"validate-training.csv:4: rejected by T0: required field 'course_id' is empty\n"
# 25 rejected rows: 20 messages, then a summary
{
	head -1 "$D/validate-training.csv"
	for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25; do
		echo "E$i,pk,AIG1,2025-01-01,2025-06-30,completed,2,0"
	done
} >"$W/many.csv"
t warnings-capped 0 "$V -k training many.csv 2>&1 | grep -c 'rejected by T2'" - '20\n'
t warnings-capped-summary 0 "$V -k training many.csv 2>&1 | tail -2" - \
	'lmi-validate: 5 more messages suppressed\nlmi-validate: in=25 out=0 rejected=25 duplicates=0\n'
t quiet 3 "$V -k claim --quiet --rejects rej.csv" @"$D/validate-claim.csv" \
	@"$D/validate-claim.out" ''
t all-pass-exit-0 0 "$V -k training" 'enrollment_id,person_key,course_id,start_date,end_date,status\nE1,p,c,2025-01-01,2025-02-01,completed\n' \
	'enrollment_id,person_key,course_id,start_date,end_date,status,flags\nE1,p,c,2025-01-01,2025-02-01,completed,\n' \
	'lmi-validate: in=1 out=1 rejected=0 duplicates=0\n'

t dash-is-stdin 0 "$V -k training -q -" 'enrollment_id,person_key,course_id,start_date,end_date,status\nE1,p,c,2025-01-01,2025-02-01,completed\n' \
	'enrollment_id,person_key,course_id,start_date,end_date,status,flags\nE1,p,c,2025-01-01,2025-02-01,completed,\n' ''
check rejects-file-header-only-when-none "printf 'enrollment_id,person_key,course_id,start_date,end_date,status\nE1,p,c,2025-01-01,2025-02-01,completed\n' | \
	lmi $V -k training -q -r rej.csv >/dev/null && \
	test \"\$(cat rej.csv)\" = 'line,rule,field,value,message,enrollment_id,person_key,course_id,start_date,end_date,status'"
t crlf-and-bom 0 "$V -k training -q" '\357\273\277enrollment_id,person_key,course_id,start_date,end_date,status\r\nE1,p,c,2025-01-01,2025-02-01,completed\r\n' \
	'enrollment_id,person_key,course_id,start_date,end_date,status,flags\nE1,p,c,2025-01-01,2025-02-01,completed,\n' ''
t wrong-kind 0 "$V -k claim $D/validate-training.csv 2>&1 | sed 's|.*/||'" - \
	"validate-training.csv:1: missing column 'claim_id'\n"

# added columns: flags appended to an existing column; wage_hourly_min and status replaced
H='source,source_id,employer_id,employer_name,title,occupation_code,region_code,employment_type,reg_date'
R='worknet,K1,1248100998,한빛,남자만 채용,133201,11680,10,2025-06-01'
t flags-appended 0 "$V -k vacancy -q" "$H,flags,wage_type,wage_min,wage_hourly_min\n$R,X1,H,12000,999\n" \
	"$H,flags,wage_type,wage_min,wage_hourly_min,status\n$R,X1;R7,H,12000,12000.00,open\n"
t flags-new-column 0 "$V -k vacancy -q" "$H\n$R\n" "$H,flags,wage_hourly_min,status\n$R,R7,,open\n"
# replaced columns first, between and last, in another order: D 96,000 / 8 = 12,000 an hour
t replaced-columns-anywhere 0 "$V -k vacancy -q" \
	"status,$H,wage_hourly_min,wage_type,wage_min,flags\nfilled,$R,5,D,96000,X1\n" \
	"status,$H,wage_hourly_min,wage_type,wage_min,flags\nfilled,$R,12000.00,D,96000,X1;R7\n"
# R5: until_filled keeps a posting open; close_date before --as-of expires it
t status-expired 0 "validate -k vacancy -q --as-of 2025-07-01" "$H,close_date\n$R,2025-06-30\n" \
	"$H,close_date,flags,wage_hourly_min,status\n$R,2025-06-30,R7,,expired\n"
t status-open-on-close-date 0 "validate -k vacancy -q --as-of 2025-06-30" \
	"$H,close_date\n$R,2025-06-30\n" "$H,close_date,flags,wage_hourly_min,status\n$R,2025-06-30,R7,,open\n"
t status-until-filled 0 "validate -k vacancy -q --as-of 2025-07-01" \
	"$H,close_date,until_filled\n$R,2025-06-30,1\n" \
	"$H,close_date,until_filled,flags,wage_hourly_min,status\n$R,2025-06-30,1,R7,,open\n"
# --as-of defaults to $LMI_AS_OF
LMI_AS_OF=2025-07-01
export LMI_AS_OF
t as-of-from-env 0 "validate -k vacancy -q" "$H,close_date\n$R,2025-06-30\n" \
	"$H,close_date,flags,wage_hourly_min,status\n$R,2025-06-30,R7,,expired\n"
t as-of-option-beats-env 0 "validate -k vacancy -q --as-of 2025-06-30" "$H,close_date\n$R,2025-06-30\n" \
	"$H,close_date,flags,wage_hourly_min,status\n$R,2025-06-30,R7,,open\n"
LMI_AS_OF=someday
t bad-as-of-env 2 "validate -k vacancy" - '' \
	"lmi-validate: invalid LMI_AS_OF date 'someday'
usage: lmi validate --kind vacancy|claim|training [--rules DIR] [--as-of DATE] [--rejects FILE] [--quiet] [FILE]
try 'lmi validate --help'\n"
unset LMI_AS_OF
# the default as-of is today: a posting registered tomorrow is in the future
tomorrow=$(date -u -d tomorrow +%Y-%m-%d)
t as-of-default-today 3 "validate -k vacancy -q" "$H\n${R%,*},$tomorrow\n" "$H,flags,wage_hourly_min,status\n"

# empty input, header only, missing column, malformed CSV
t empty-input 0 "$V -k vacancy" - '' 'lmi-validate: in=0 out=0 rejected=0 duplicates=0\n'
t header-only 0 "$V -k vacancy" "$H\n" "$H,flags,wage_hourly_min,status\n" \
	'lmi-validate: in=0 out=0 rejected=0 duplicates=0\n'
t header-only-claim 0 "$V -k claim" 'claim_id,person_key,separation_date,eligibility_date,entitled_days\n' \
	'claim_id,person_key,separation_date,eligibility_date,entitled_days,flags\n' -
t missing-column 1 "$V -k vacancy" 'source,source_id,employer_id,employer_name,title,occupation_code,region_code,employment_type\n' \
	'' "lmi-validate: <stdin>:1: missing column 'reg_date'\n"
printf 'a,b\n1,2\n' >"$W/x.csv"
t missing-column-file 1 "$V -k claim x.csv" - '' "lmi-validate: x.csv:1: missing column 'claim_id'\n"
t unterminated-quote 1 "$V -k training" 'enrollment_id,person_key,course_id,start_date,end_date,status\nE1,p,c,2025-01-01,2025-02-01,completed\nE2,p,"c,2025-01-01\n' \
	'enrollment_id,person_key,course_id,start_date,end_date,status,flags\nE1,p,c,2025-01-01,2025-02-01,completed,\n' \
	'lmi-validate: <stdin>:3: unterminated quoted field\nlmi-validate: in=1 out=1 rejected=0 duplicates=0\n'
t ragged-row 1 "$V -k training -q" 'enrollment_id,person_key,course_id,start_date,end_date,status\nE1,p,c\n' \
	'enrollment_id,person_key,course_id,start_date,end_date,status,flags\n' \
	'lmi-validate: <stdin>:2: expected 6 fields, found 3\n'
t invalid-utf8 1 "$V -k training -q" 'enrollment_id,person_key,course_id,start_date,end_date,status\nE1,p,\377,2025-01-01,2025-02-01,completed\n' \
	'enrollment_id,person_key,course_id,start_date,end_date,status,flags\n' \
	'lmi-validate: <stdin>:2: invalid UTF-8 in field 3 (convert it, e.g. lmi ingest --encoding cp949)\n'
t missing-input 1 "$V -k vacancy nope.csv" - '' 'lmi-validate: nope.csv: No such file or directory\n'

# rule tables
t rules-dir-missing 1 "$V -k vacancy --rules nope" - '' \
	"lmi-validate: cannot open 'nope/rules.csv': No such file or directory\n"
LMI_RULES_DIR=envdir
export LMI_RULES_DIR
t rules-dir-from-env 1 "$V -k vacancy" - '' \
	"lmi-validate: cannot open 'envdir/rules.csv': No such file or directory\n"
t rules-option-beats-env 0 "$V -k vacancy -q --rules $S/rules" "$H\n" \
	"$H,flags,wage_hourly_min,status\n"
unset LMI_RULES_DIR
mkdir "$W/myrules"
cp "$S"/rules/*.csv "$W/myrules/"
echo 'R7,vacancy,off,,,,gender wording not checked here' >>"$W/myrules/rules.csv"
t rules-severity-off 0 "$V -k vacancy -q --rules myrules" "$H\n$R\n" "$H,flags,wage_hourly_min,status\n$R,,,open\n"
echo 'R4.span,vacancy,fatal,,,,x' >>"$W/myrules/rules.csv"
n=$(wc -l <"$W/myrules/rules.csv")
t rules-bad-severity 1 "$V -k vacancy --rules myrules" - '' \
	"lmi-validate: rules.csv:$n: unknown severity 'fatal'\n"

# output errors
t write-error 1 "$V -k claim $D/validate-claim.csv >/dev/full 2>/dev/null" - ''
t write-error-message 1 "$V -k claim -q -r rej.csv $D/validate-claim.csv 2>&1 >/dev/full" - \
	'lmi-validate: write error on standard output: No space left on device\n'
t rejects-unwritable 1 "$V -k claim --rejects nodir/r.csv $D/validate-claim.csv" - '' \
	"lmi-validate: cannot open 'nodir/r.csv': No such file or directory\n"
t rejects-full 1 "$V -k claim -q --rejects /dev/full $D/validate-claim.csv" - @"$D/validate-claim.out" \
	"lmi-validate: write error on '/dev/full': No space left on device\n"

# usage
t help 0 "validate --help | head -1" - \
	'usage: lmi validate --kind vacancy|claim|training [--rules DIR] [--as-of DATE] [--rejects FILE] [--quiet] [FILE]\n'
t help-example 0 "validate --help | grep -A1 '^example: ' | grep -c 'lmi validate'" - '1\n'
t version 0 "validate --version | head -1 | cut -d' ' -f1-2" - 'lmi-validate (lmi)\n'
t no-kind 2 'validate' - '' \
	"lmi-validate: --kind is required
usage: lmi validate --kind vacancy|claim|training [--rules DIR] [--as-of DATE] [--rejects FILE] [--quiet] [FILE]
try 'lmi validate --help'\n"
t bad-kind 2 'validate -k seeker' - '' -
t bad-as-of 2 'validate -k vacancy --as-of 2025-13-01' - '' \
	"lmi-validate: invalid --as-of date '2025-13-01'
usage: lmi validate --kind vacancy|claim|training [--rules DIR] [--as-of DATE] [--rejects FILE] [--quiet] [FILE]
try 'lmi validate --help'\n"
t bad-option 2 'validate -k vacancy --bogus' - '' -
t two-files 2 "validate -k vacancy a.csv b.csv" - '' -

# Column number of NAME in the header of CSV file FILE (no quoted commas in these headers).
col() {
	head -1 "$2" | tr ',' '\n' | grep -nx "$1" | cut -d: -f1
}

# samples KIND PROFILE FILE: ingest a sample extract and validate it; every row accounted for
# (in = out + rejected, and the counts match the records in stdout and the rejects file).
samples() {
	lmi ingest --kind "$1" --profile "$2" --key-file "$S/demo.key" "$S/$3" 2>/dev/null |
		lmi validate --kind "$1" --as-of 2026-11-25 --rejects rej.csv >out.csv 2>err.txt
	test $? -eq 3 || return 1
	set -- $(sed -n 's/.* in=\([0-9]*\) out=\([0-9]*\) rejected=\([0-9]*\) .*/\1 \2 \3/p' err.txt)
	echo "in=$1 out=$2 rejected=$3"
	test "$1" -gt 0 && test "$1" -eq $(($2 + $3)) && test "$3" -gt 0 &&
		test $(($(wc -l <out.csv) - 1)) -eq "$2" && test $(($(wc -l <rej.csv) - 1)) -eq "$3"
}
check samples-vacancy samples vacancy worknet worknet-vacancies.csv
check samples-claim samples claim ui claims.csv
check samples-training samples training hrd hrd-training.csv

# lmi synth plants rule violations and names them in a truth_bad column: every planted
# error (R2, R4 order, R6, R10) is rejected, only planted rows are rejected, and every planted
# wording warning is in the flags.  Miller reads the CSV (quoted commas in descriptions).
synth_truth() {
	lmi synth --kind vacancy --rows 2000 --seed 7 >syn.csv &&
		lmi validate -k vacancy --as-of 2026-11-25 --rejects rej.csv syn.csv >out.csv 2>/dev/null
	test $? -eq 3 || return 1
	planted=$(mlr --icsv --onidx filter '$truth_bad =~ "^(R2|R4|R6|R10)$"' then cut -f source_id \
		syn.csv | wc -l)
	rejected=$(mlr --icsv --onidx filter '$truth_bad =~ "^(R2|R4|R6|R10)$"' then cut -f source_id \
		rej.csv | wc -l)
	echo "planted errors $planted, rejected $rejected"
	echo "rejected rows without a planted error:"
	mlr --icsv --onidx filter '$truth_bad == ""' then cut -f source_id,rule rej.csv | tee bad.txt
	echo "planted warnings missing from flags:"
	mlr --icsv --onidx filter '$truth_bad =~ "^R(7|8|9|11)$" && !($flags =~ $truth_bad)' \
		then cut -f source_id,flags out.csv | tee -a bad.txt
	test "$planted" -gt 0 && test "$planted" -eq "$rejected" && test ! -s bad.txt
}
if command -v mlr >/dev/null; then
	check synth-truth synth_truth
fi
