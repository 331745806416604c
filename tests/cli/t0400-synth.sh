#!/bin/sh
# lmi synth: determinism, row counts, headers, planted truth and plausibility, options.
# The checks recompute everything independently in awk: the NTS business-number
# checksum (weights 1,3,7,1,3,7,1,3,5 plus floor(d9*5/10)), the minimum wage of
# the posting's year (2025: 10,030, 2026: 10,320 KRW/h; D/8, M/209, Y/2,508),
# and the UI claim date order.  Expected column lists are DESIGN.md §4, typed by hand.
. "$(dirname "$0")/lib.sh"

# In vacancy files only `description` (column 6 of 25) may hold commas, so
# awk -F, finds column k >= 7 at $(NF - 25 + k) and columns 1..5 as they are.

# headers: the schema of DESIGN §4 without the tool-added columns, then the truth columns
t header-vacancy 0 'synth --kind vacancy --rows 0' - \
	'source,source_id,employer_id,employer_name,title,description,occupation_code,industry_code,region_code,employment_type,wage_type,wage_min,wage_max,hours_per_week,edu_min,career_req,positions,reg_date,close_date,until_filled,status,status_date,hires,truth_cluster,truth_bad\n'
t header-claim 0 'synth --kind claim --rows 0' - \
	'claim_id,person_key,birth_year,sex,residence_region,office_code,separation_date,separation_reason,last_industry,last_occupation,desired_occupation,insured_months,eligibility_date,entitled_days,avg_daily_wage,daily_benefit,first_payment_date,days_paid,amount_paid,end_date,end_reason,reemployment_date,reemployment_occupation,truth_bad\n'
t header-training 0 'synth --kind training --rows 0' - \
	'enrollment_id,person_key,course_id,course_round,institution_id,training_type,ncs_code,region_code,start_date,end_date,planned_hours,status,attendance_rate,tuition_total,subsidy,outcome_excluded,employed_3m,employed_6m,employment_date,monthly_wage,truth_bad\n'
t header-seeker 0 'synth --kind seeker --rows 0' - \
	'seeker_id,sex,age,age_band,region_code,edu,ui_recipient,tenure_months,prior_spells,disability,split,ltu\n'

# --rows: header + N lines (no field holds a newline)
t rows-vacancy 0 'synth --kind vacancy --rows 37 | awk "END { print NR }"' - '38\n'
t rows-claim 0 'synth --kind claim --rows 1 | awk "END { print NR }"' - '2\n'
t rows-training 0 'synth --kind training --rows 250 | awk "END { print NR }"' - '251\n'
t rows-seeker 0 'synth -k seeker -n 99 -s 3 | awk "END { print NR }"' - '100\n'

# determinism: same seed -> identical bytes; another seed -> different; default seed is 1
for k in vacancy claim training seeker; do
	check "same-seed-$k" "lmi synth --kind $k --rows 2000 --seed 42 >a &&
		lmi synth --kind $k --rows 2000 --seed 42 >b && cmp a b"
	check "other-seed-$k" "lmi synth --kind $k --rows 200 --seed 42 >a &&
		lmi synth --kind $k --rows 200 --seed 43 >b && ! cmp -s a b"
done
check default-seed-is-1 'lmi synth --kind claim --rows 50 >a &&
	lmi synth --kind claim --rows 50 --seed 1 >b && cmp a b'
check prefix-stable 'lmi synth --kind seeker --rows 10 --seed 5 >a &&
	lmi synth --kind seeker --rows 20 --seed 5 | head -11 >b && cmp a b'
check output-is-valid-csv 'lmi synth --kind vacancy --rows 3000 --seed 9 >a &&
	lmi cat a >b && cmp a b'

# 10,000 postings, seed 11, default rates: planted truth and plausibility
lmi synth --kind vacancy --rows 10000 --seed 11 >"$W/v.csv"
# dup-rate 0.1: expected 1,000 duplicates, sd sqrt(10000*0.1*0.9) = 30; accept +-4 sd
check dup-rate-default 'awk -F, "NR > 1 && \$(NF-1) != \$2 { d++ } END { exit !(d >= 880 && d <= 1120) }" v.csv'
# bad-rate 0.02: expected 200, sd sqrt(10000*0.02*0.98) = 14; accept +-4 sd
check bad-rate-default 'awk -F, "NR > 1 && \$NF != \"\" { b++ } END { exit !(b >= 144 && b <= 256) }" v.csv'
check planted-ids-known 'awk -F, "NR > 1 && \$NF !~ /^(|R2|R4|R6|R7|R8|R10)\$/ { bad++ } END { exit bad > 0 }" v.csv'
check every-violation-planted 'for r in R2 R4 R6 R7 R8 R10; do grep -q ",$r\$" v.csv || exit 1; done'
# a duplicate points at an original that appears earlier and is itself an original
check dup-points-to-earlier-original 'awk -F, "NR > 1 { id[\$2] = (\$(NF-1) == \$2) }
	NR > 1 && \$(NF-1) != \$2 && !id[\$(NF-1)] { bad++ } END { exit bad > 0 }" v.csv'
check unique-source-id 'awk -F, "NR > 1 && seen[\$1 \",\" \$2]++ { d++ } END { exit d > 0 }" v.csv'
check dup-keeps-employer 'awk -F, "NR > 1 { emp[\$2] = \$3 }
	NR > 1 && \$(NF-1) != \$2 && emp[\$(NF-1)] != \$3 { bad++ } END { exit bad > 0 }" v.csv'

cat >"$W/bizno.awk" <<'EOF'
# Independent NTS check: weights 1,3,7,1,3,7,1,3,5, plus floor(d9*5/10).
function valid(b,   i, s, w) {
	if (b !~ /^[0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]$/) return 0
	split("1 3 7 1 3 7 1 3 5", w, " ")
	s = 0
	for (i = 1; i <= 9; i++) s += substr(b, i, 1) * w[i]
	s += int(substr(b, 9, 1) * 5 / 10)
	return (10 - s % 10) % 10 == substr(b, 10, 1) + 0
}
NR > 1 && $NF != "R2" && !valid($3) { print "bad checksum line " NR ": " $3; bad++ }
NR > 1 && $NF == "R2" && valid($3) { print "planted R2 passes, line " NR; bad++ }
END { exit bad > 0 }
EOF
check bizno-checksum 'awk -F, -f bizno.awk v.csv'
# Samsung Electronics 124-81-00998, checked by hand: 1+6+28+8+3+0+0+27+45 = 118,
# + floor(45/10) = 122, (10 - 2) % 10 = 8 = last digit.
check bizno-awk-self-test 'printf "h,h,h,h\n1,2,1248100998,x\n" | awk -F, -f bizno.awk'

cat >"$W/wage.awk" <<'EOF'
# Hourly offer of column k = NF-25+k; H, D/8, M/209, Y/2508 against the year's minimum.
function col(k) { return $(NF - 25 + k) }
NR > 1 && col(12) != "" {
	t = col(11); f = t == "H" ? 1 : t == "D" ? 8 : t == "M" ? 209 : t == "Y" ? 2508 : 0
	if (f == 0) { print "wage type " t; bad++; next }
	y = substr(col(18), 1, 4); m = y == "2025" ? 10030 : y == "2026" ? 10320 : 0
	if (m == 0) { print "reg year " y; bad++; next }
	h = col(12) / f
	if ($NF == "R6" && h >= m) { print "planted R6 pays " h " line " NR; bad++ }
	if ($NF != "R6" && h < m) { print "below minimum wage line " NR ": " h; bad++ }
	if (col(13) != "" && col(13) + 0 < col(12) + 0) { print "max < min line " NR; bad++ }
}
END { exit bad > 0 }
EOF
check minimum-wage 'awk -F, -f wage.awk v.csv'

cat >"$W/vac.awk" <<'EOF'
# Codes and dates of clean postings.
function col(k) { return $(NF - 25 + k) }
NR == 1 || $NF != "" { next }
$1 !~ /^(worknet|saramin|jobkorea|incruit)$/ { print "source " $1; bad++ }
col(7) !~ /^[0-9][0-9][0-9][0-9][0-9][0-9]$/ { print "occupation " col(7); bad++ }
col(9) !~ /^[1-5][0-9][0-9][0-9][0-9]$/ { print "region " col(9); bad++ }
col(10) !~ /^(4|10|11|20|21|Y)$/ { print "employment_type " col(10); bad++ }
col(16) !~ /^(N|E|Z)$/ { print "career " col(16); bad++ }
col(18) < "2025-01-01" || col(18) > "2026-11-25" { print "reg_date " col(18); bad++ }
col(20) == 1 && col(19) != "" { print "until_filled with a close date"; bad++ }
col(20) == 0 && col(19) < col(18) { print "close before reg line " NR; bad++ }
col(21) !~ /^(open|expired|filled|cancelled)$/ { print "status " col(21); bad++ }
col(21) == "open" && col(19) != "" && col(19) < "2026-11-25" { print "open but closed"; bad++ }
/남자만|35세 이하|보증금/ { print "banned wording in a clean row, line " NR; bad++ }
# R11: the title must not contradict the employment type
col(10) ~ /^1[01]$/ && $5 ~ /계약직|기간제|임시직/ { print "계약직 open-ended, line " NR; bad++ }
col(10) !~ /^1[01]$/ && $5 ~ /정규직/ { print "정규직 fixed-term, line " NR; bad++ }
END { exit bad > 0 }
EOF
check vacancy-clean-rows 'awk -F, -f vac.awk v.csv'
check r4-close-before-reg 'awk -F, "\$NF == \"R4\" && !(\$(NF-25+19) < \$(NF-25+18)) { bad++ } END { exit bad > 0 }" v.csv'
check r7-wording 'awk -F, "\$NF == \"R7\" && !/남자만/ { bad++ } END { exit bad > 0 }" v.csv'
check r8-wording 'awk -F, "\$NF == \"R8\" && !/35세 이하/ { bad++ } END { exit bad > 0 }" v.csv'
check r10-wording 'awk -F, "\$NF == \"R10\" && !/보증금/ { bad++ } END { exit bad > 0 }" v.csv'

# rates: 0 plants nothing; 0.3 duplicates -> 3,000 +- 4 sd (sd 46) of 10,000
check dup-rate-zero 'lmi synth --kind vacancy --rows 3000 --dup-rate 0 --bad-rate 0 |
	awk -F, "NR > 1 && (\$(NF-1) != \$2 || \$NF != \"\") { n++ } END { exit n > 0 }"'
check dup-rate-0.3 'lmi synth --kind vacancy --rows 10000 --dup-rate 0.3 --seed 2 |
	awk -F, "NR > 1 && \$(NF-1) != \$2 { d++ } END { exit !(d >= 2816 && d <= 3184) }"'
check bad-rate-1 'lmi synth --kind claim --rows 300 --bad-rate 1 |
	awk -F, "NR > 1 && \$NF == \"\" { n++ } END { exit n > 0 }"'

# claims: clean rows obey the claim rules (columns fixed: no field holds a comma)
lmi synth --kind claim --rows 5000 --seed 5 >"$W/c.csv"
cat >"$W/claim.awk" <<'EOF'
NR == 1 { next }
$2 !~ /^[0-9a-f]+$/ || length($2) != 64 { print "person_key " $2; bad++ }
$NF !~ /^(|C1|C2|C3|C4)$/ { print "truth_bad " $NF; bad++ }
$NF != "" { planted[$NF]++; next }
$14 < 120 || $14 > 270 { print "entitled_days " $14 " line " NR; bad++ }
$18 + 0 > $14 + 0 { print "days_paid > entitled line " NR; bad++ }
$13 < $7 { print "eligibility before separation line " NR; bad++ }
$17 != "" && $17 < $13 { print "first payment before eligibility line " NR; bad++ }
$20 != "" && ($17 == "" || $20 < $17) { print "end before first payment line " NR; bad++ }
($20 == "") != ($21 == "") { print "end_reason without end_date line " NR; bad++ }
$21 !~ /^(|reemployed|exhausted|period_expired|disqualified|other)$/ { print $21; bad++ }
$21 == "exhausted" && $18 != $14 { print "exhausted but days left line " NR; bad++ }
$22 != "" && $21 != "reemployed" { print "reemployment_date without reemployed"; bad++ }
$20 > "2026-11-25" { print "end in the future line " NR; bad++ }
END {
	for (k = 1; k <= 4; k++) if (!planted["C" k]) { print "C" k " never planted"; bad++ }
	exit bad > 0
}
EOF
check claim-rules 'awk -F, -f claim.awk c.csv'
check claim-repeat-claimants 'awk -F, "NR > 1 && seen[\$2]++ { r++ } END { exit !(r > 0) }" c.csv'

# training: clean rows obey the training rules
lmi synth --kind training --rows 5000 --seed 5 >"$W/tr.csv"
cat >"$W/training.awk" <<'EOF'
NR == 1 { next }
$NF !~ /^(|T1|T2|T3)$/ { print "truth_bad " $NF; bad++ }
$NF != "" { planted[$NF]++; next }
$10 < $9 { print "end before start line " NR; bad++ }
$13 < 0 || $13 > 1 { print "attendance " $13; bad++ }
$18 == 1 && $12 !~ /^(completed|early_employed)$/ { print "employed_6m with " $12; bad++ }
$17 == 1 && $18 != 1 { print "employed at 3 months but not 6"; bad++ }
$15 + 0 > $14 + 0 { print "subsidy above tuition line " NR; bad++ }
$12 !~ /^(enrolled|completed|early_employed|dropped)$/ { print "status " $12; bad++ }
END {
	for (k = 1; k <= 3; k++) if (!planted["T" k]) { print "T" k " never planted"; bad++ }
	exit bad > 0
}
EOF
check training-rules 'awk -F, -f training.awk tr.csv'

# seeker: train/test split near 80/20 (sd of 10,000 draws 40; +-4 sd), values in range
lmi synth --kind seeker --rows 10000 --seed 8 >"$W/s.csv"
check seeker-split 'awk -F, "NR > 1 && \$11 == \"train\" { n++ } END { exit !(n >= 7840 && n <= 8160) }" s.csv'
check seeker-values 'awk -F, "NR > 1 && (\$2 !~ /^[FM]\$/ || \$3 < 18 || \$3 > 64 ||
	\$6 !~ /^E[1-5]\$/ || \$7 !~ /^[01]\$/ || \$10 !~ /^[01]\$/ || \$12 !~ /^[01]\$/ ||
	\$8 > (\$3 - 17) * 12) { bad++ } END { exit bad > 0 }" s.csv'

# usage and bad options: exact messages
u="usage: lmi synth --kind KIND --rows N [--seed S] [--dup-rate R] [--bad-rate R]"
tr="try 'lmi synth --help'"
t help 0 'synth --help | head -1' - "$u\n"
t help-example 0 'synth --help | grep -c "^example: lmi synth"' - '1\n'
t version 0 'synth --version | head -1 | cut -d" " -f1-2' - 'lmi-synth (lmi)\n'
t no-kind 2 'synth --rows 5' - '' "lmi-synth: --kind and --rows are required\n$u\n$tr\n"
t no-rows 2 'synth --kind claim' - '' "lmi-synth: --kind and --rows are required\n$u\n$tr\n"
t bad-kind 2 'synth --kind person --rows 5' - '' \
	"lmi-synth: unknown kind 'person' (vacancy, claim, training, seeker)\n$u\n$tr\n"
t negative-rows 2 'synth --kind claim --rows -1' - '' "lmi-synth: --rows is too small: '-1'\n$u\n$tr\n"
t rows-not-number 2 'synth --kind claim --rows 1e3' - '' \
	"lmi-synth: --rows is invalid: '1e3'\n$u\n$tr\n"
t seed-too-large 2 'synth --kind claim --rows 1 --seed 4294967296' - '' \
	"lmi-synth: --seed is too large: '4294967296'\n$u\n$tr\n"
t dup-rate-above-1 2 'synth --kind vacancy --rows 1 --dup-rate 1.5' - '' \
	"lmi-synth: --dup-rate must be a number from 0 to 1: '1.5'\n$u\n$tr\n"
t bad-rate-negative 2 'synth --kind vacancy --rows 1 --bad-rate -0.1' - '' \
	"lmi-synth: --bad-rate must be a number from 0 to 1: '-0.1'\n$u\n$tr\n"
t rate-hex 2 'synth --kind vacancy --rows 1 --bad-rate 0x1' - '' \
	"lmi-synth: --bad-rate must be a number from 0 to 1: '0x1'\n$u\n$tr\n"
t rates-sum-above-1 2 'synth --kind vacancy --rows 1 --dup-rate 0.9 --bad-rate 0.2' - '' \
	"lmi-synth: --dup-rate plus --bad-rate exceeds 1\n$u\n$tr\n"
t extra-argument 2 'synth --kind claim --rows 1 file.csv' - '' \
	"lmi-synth: unexpected argument 'file.csv'\n$u\n$tr\n"
t unknown-option 2 'synth --bogus' - '' -
t write-error 1 'synth --kind vacancy --rows 100000 >/dev/full' - '' \
	'lmi-synth: write error on standard output: No space left on device\n'
