#!/bin/sh
# lmi merge: partial + merge equals one process, byte for byte, for every SET and any split;
# GNU parallel when installed (else split by awk into chunks with headers); bad partials.
. "$(dirname "$0")/lib.sh"

# Deterministic fixtures: 400 claims, 300 postings, 200 enrolments over 2024.
awk 'BEGIN {
	srand(7); print "claim_id,residence_region,office_code,desired_occupation,eligibility_date,first_payment_date,end_date,end_reason"
	split("reemployed exhausted period_expired disqualified other", R, " ")
	for (i = 1; i <= 400; i++) {
		m = 1 + int(rand() * 9); d = 1 + int(rand() * 28)
		e = sprintf("2024-%02d-%02d", m, d); f = sprintf("2024-%02d-%02d", m, d < 20 ? d + 5 : d)
		end = ""; r = ""
		if (rand() < 0.7) {
			m2 = m + int(rand() * 4); if (m2 > 12) m2 = 12
			d2 = m2 == m ? (d < 25 ? d + 3 : d) : 1 + int(rand() * 28)
			end = sprintf("2024-%02d-%02d", m2, d2); r = R[1 + int(rand() * 5)]
		}
		printf "x%d,%d,%s,0%d1101,%s,%s,%s,%s\n", i, 11000 + 10 * int(rand() * 4),
			substr("ABC", 1 + int(rand() * 3), 1), 2 + int(rand() * 3), e, f, end, r
	}
}' >"$W/c.csv"
awk 'BEGIN {
	srand(11); print "source,source_id,employer_id,occupation_code,region_code,positions,reg_date,close_date,until_filled,status,status_date,hires"
	split("open filled expired cancelled", S, " ")
	for (i = 1; i <= 300; i++) {
		m = 1 + int(rand() * 9); d = 1 + int(rand() * 28); s = S[1 + int(rand() * 4)]
		reg = sprintf("2024-%02d-%02d", m, d); sd = ""; cl = ""
		if (s != "open") sd = sprintf("2024-%02d-%02d", m + int(rand() * 3), d)
		if (rand() < 0.5) cl = sprintf("2024-%02d-%02d", m + 1 + int(rand() * 3), d)
		printf "worknet,v%d,E%d,0%d1101,%d,%d,%s,%s,%d,%s,%s,%d\n", i, int(rand() * 6),
			2 + int(rand() * 3), 11000 + 10 * int(rand() * 3), 1 + int(rand() * 3), reg, cl,
			cl == "", s, sd, s == "filled" ? 1 : 0
	}
}' >"$W/v.csv"
awk 'BEGIN {
	srand(13); print "enrollment_id,course_id,start_date,end_date,status,outcome_excluded,employed_3m,employed_6m"
	split("completed completed early_employed dropped enrolled", S, " ")
	for (i = 1; i <= 200; i++) {
		m = 1 + int(rand() * 6); s = S[1 + int(rand() * 5)]
		printf "t%d,K%d,2024-%02d-01,2024-%02d-15,%s,%d,%s,%s\n", i, int(rand() * 3), m, m + 2, s,
			rand() < 0.1, rand() < 0.6, rand() < 0.3 ? "" : (rand() < 0.7)
	}
}' >"$W/t.csv"

# split_merge FILE N ARGS...: N-row chunks each with the header, one partial per chunk,
# concatenated (repeated headers) into lmi merge.  Used when GNU parallel is missing,
# and always, so the comparison never depends on parallel being installed.
cat >"$W/split.sh" <<'EOT'
f=$1 n=$2; shift 2
rm -f chunk.*
awk -v n="$n" 'NR == 1 { h = $0; next } (NR - 2) % n == 0 { k++; print h > ("chunk." k) } { print > ("chunk." k) }' "$f"
for c in chunk.*; do lmi indicators "$@" --partial -q "$c"; done | lmi merge
EOT

same() { # NAME FILE ARGS...: single process == split/merge == GNU parallel
	nm=$1 f=$2
	shift 2
	(cd "$W" && lmi indicators "$@" -q "$f") >"$W/single" 2>"$W/single.err"
	check "$nm-nonempty" "test \$(wc -l <single) -gt 5"
	check "$nm-split-13" "sh split.sh $f 13 $* | cmp - single"
	check "$nm-split-1" "sh split.sh $f 1 $* | cmp - single"
	if command -v parallel >/dev/null 2>&1; then
		check "$nm-parallel" "parallel --will-cite --pipe --header : -N 3 lmi indicators $* --partial -q <$f | lmi merge | cmp - single"
	else
		echo "ok $script/$nm-parallel # skip: GNU parallel not installed"
	fi
}
same claims c.csv claims --by region_code
same claims-quarter c.csv claims --by office_code --period quarter --min-cell 3
same claims-as-of c.csv claims --as-of 2024-08-31 --long-term 60
same office c.csv office
same vacancy v.csv vacancy --by region_code --as-of 2024-12-31
same vacancy-prefix v.csv vacancy --by occupation_code:2 --min-cell 0
same hhi v.csv hhi --by occupation_code:2
same training t.csv training --by course_id

# Two-input SETs: partials of vacancy chunks and of claim chunks merge into one.
for set in tightness mismatch; do
	(cd "$W" && lmi indicators $set -q --as-of 2024-12-31 --vacancies v.csv --claims c.csv) >"$W/single"
	check "$set-two-partials" "{ lmi indicators $set -q --partial --as-of 2024-12-31 --vacancies v.csv; \
lmi indicators $set -q --partial --as-of 2024-12-31 --claims c.csv; } | lmi merge | cmp - single"
done

# A combiner (merge --partial) between mappers and the reducer changes nothing.
(cd "$W" && lmi indicators claims -q --by region_code c.csv) >"$W/single"
check combiner "sh split.sh c.csv 50 claims --by region_code >/dev/null;
for c in chunk.1 chunk.2 chunk.3; do lmi indicators claims --by region_code --partial -q \$c; done |
lmi merge --partial >p1; for c in chunk.4 chunk.5 chunk.6 chunk.7 chunk.8; do
lmi indicators claims --by region_code --partial -q \$c; done | lmi merge --partial >p2;
test -s chunk.8 && lmi merge p1 p2 | cmp - single"
check files-and-stdin "lmi indicators claims --by region_code --partial -q c.csv >p.csv && lmi merge - <p.csv | cmp - single"

# Bad partials.
P='set,stat,period,sub,n,sum,sumsq,min,max,hist'
O='claims,@opt,,period=month,,,,,,\nclaims,@opt,,as_of=,,,,,,\nclaims,@opt,,min_cell=5,,,,,,\nclaims,@opt,,alpha=0.5,,,,,,\nclaims,@opt,,"hhi=1500,2500",,,,,,\nclaims,@opt,,long_term=365,,,,,,\nclaims,@opt,,by=,,,,,,\n'
# One stock cell by hand: 7 claims eligible in 2025-01, none ended: inflow 7, stock 7.
HAND='indicator,period,numerator,denominator,value,ci_low,ci_high,n,note
claims_inflow,2025-01,7,,7,,,7,
claims_longterm_share,2025-01,0,7,0.000000,0.000000,0.354330,7,open longer than 365 days
claims_outflow,2025-01,0,,0,,,0,
claims_outflow_disqualified,2025-01,0,,0,,,0,
claims_outflow_exhausted,2025-01,0,,0,,,0,
claims_outflow_other,2025-01,0,,0,,,0,
claims_outflow_period_expired,2025-01,0,,0,,,0,
claims_outflow_reemployed,2025-01,0,,0,,,0,
claims_stock,2025-01,7,,7,,,7,\n'
t merge-by-hand 0 'merge' "$P\n${O}claims,c.in,2025-01,,7,7,7,1,1,\nclaims,c.cov+,2025-01,,7,7,7,1,1,\n" \
	"$HAND" ''
# Wilson 0/7 from R prop.test(0, 7, correct = FALSE): [0, 0.354333].
# The stock-flow check runs at merge time too: stock 7 but no inflow.
t merge-stock-flow 1 'merge' "$P\n${O}claims,c.cov+,2025-01,,7,7,7,1,1,\n" '' \
	'lmi-merge: stock-flow identity fails for all rows in 2025-01: stock 7 != 0 + inflow 0 - outflow 0\n'
t not-partial 1 'merge' 'a,b\n1,2\n' '' "lmi-merge: <stdin>:1: not a partial file (header must start 'set,stat,period')\n"
t no-opts 1 'merge' "$P\nclaims,c.in,2025-01,,7,7,7,1,1,\n" '' \
	"lmi-merge: <stdin>:2: partial data before its '@opt' rows\n"
t disagree 1 'merge' "$P\n${O}claims,@opt,,min_cell=3,,,,,,\n" '' \
	"lmi-merge: <stdin>:9: partials disagree: 'min_cell=5' vs 'min_cell=3'\n"
t other-set 1 'merge' "$P\n${O}vacancy,v.new,2025-01,,1,1,1,1,1,\n" '' \
	'lmi-merge: <stdin>:9: partials disagree on the set\n'
t bad-number 1 'merge' "$P\n${O}claims,c.in,2025-01,,x,7,7,1,1,\n" '' \
	'lmi-merge: <stdin>:9: bad number in partial row\n'
t bad-period 1 'merge' "$P\n${O}claims,c.in,2025-Q1,,1,1,1,1,1,\n" '' \
	"lmi-merge: <stdin>:9: bad period '2025-Q1'\n"
t bad-hist 1 'merge' "$P\n${O}claims,c.dur,2025-01,,1,1,1,1,1,1:x\n" '' 'lmi-merge: <stdin>:9: bad histogram\n'
t hist-too-wide 1 'merge' "$P\n${O}claims,c.dur,2025-01,,2,1,1,1,1,0:1;1999999:1\n" '' \
	'lmi-merge: <stdin>:9: histogram too wide\n'
t bad-option 1 'merge' "$P\nclaims,@opt,,period=week,,,,,,\n" '' "lmi-merge: <stdin>:2: bad option 'period=week'\n"
t ragged 1 'merge' "$P\n${O}claims,c.in\n" '' 'lmi-merge: <stdin>:9: expected 10 fields, found 2\n'
t empty 1 'merge' - '' 'lmi-merge: <stdin>: empty partial input\n'
printf 'set,stat,period,region_code,sub,n,sum,sumsq,min,max,hist\n' >"$W/g1.csv"
printf "$P\n" >"$W/g0.csv"
t header-only 1 'merge g0.csv' - '' "lmi-merge: no partial state in the input (no '@opt' rows)\n"
t header-only-first 0 'merge -- g0.csv -' "$P\n${O}claims,c.in,2025-01,,7,7,7,1,1,\nclaims,c.cov+,2025-01,,7,7,7,1,1,\n" \
	"$HAND"
t group-mismatch 1 'merge g0.csv g1.csv' - '' 'lmi-merge: g1.csv:1: partials disagree on the group columns\n'
t usage 2 'merge --frobnicate' - '' -
t help 0 'merge --help | grep -c "^example: "' - '1\n'
t version 0 'merge --version | grep -c "^lmi-merge (lmi) "' - '1\n'
check dev-full "lmi indicators claims -q --partial c.csv | lmi merge >/dev/full 2>err; test \$? -eq 1 && grep -q 'lmi-merge: ' err"
# 2026-11-26 partial numbers are written without snprintf: negative and 19-digit values
# survive a combiner unchanged.
t combiner-integers 0 'merge --partial' \
	"$P\n${O}claims,c.dur,2025-01,,2,-4000000000000000000,25,-4000000000000000000,-5,-5:1;0:1\n" \
	"$P\n${O}claims,c.dur,2025-01,,2,-4000000000000000000,25,-4000000000000000000,-5,-5:1;0:1\n" ''
