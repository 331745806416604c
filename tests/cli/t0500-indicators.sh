#!/bin/sh
# lmi indicators: every SET on small fixtures, options, suppression, the stock-flow check, bad input.
# Expected values are worked out by hand in the comments (Wilson bounds from R
# prop.test(x, n, correct = FALSE), see tests/reference/indicators.R).
. "$(dirname "$0")/lib.sh"

H='indicator,period,numerator,denominator,value,ci_low,ci_high,n,note'
SP='completed spells, days'
CO='share of first-payment cohort exhausted'
LT='open longer than 365 days'

# claims, data/ind-claims.csv, no groups, no suppression.
# Jan: c1 c2 c3 eligible (I=3), c1 ends reemployed (O=1), open at 01-31: c2 c3 (S=2 = 0+3-1).
# Feb: c4 c5 eligible (I=2), c2 ends exhausted (O=1), open: c3 c4 c5 (S=3 = 2+2-1).
# Mar: c6 eligible (I=1), c4 disqualified and c5 other (O=2; c5 ends on 03-31 so it is
# not open at the end), open: c3 c6 (S=2 = 3+1-2).
# Completed durations by end month: Jan c1 20 days; Feb c2 35; Mar c4 30, c5 44: mean 37,
# var ((-7)^2+7^2)/1 = 98, half = 1.959964 * sqrt(98/2) = 1.959964 * 7 = 13.719748.
# First-payment cohorts: Jan c1 c2 (c2 exhausted) 1/2; Feb c3 c4 0/2; Mar c6 0/1.
# Long-term (> 365 days) share of the stock: 0/2, 0/3, 0/2.
# Wilson: 1/2 [0.094531, 0.905469], 0/2 [0, 0.657620], 0/1 [0, 0.793451], 0/3 [0, 0.561497].
cat >"$W/claims.want" <<EOT
$H
claims_duration_mean,2025-01,20,1,20.000000,,,1,"$SP"
claims_duration_mean,2025-02,35,1,35.000000,,,1,"$SP"
claims_duration_mean,2025-03,74,2,37.000000,23.280252,50.719748,2,"$SP"
claims_duration_median,2025-01,,,20.000000,,,1,"$SP"
claims_duration_median,2025-02,,,35.000000,,,1,"$SP"
claims_duration_median,2025-03,,,37.000000,,,2,"$SP"
claims_exhaustion_rate_cohort,2025-01,1,2,0.500000,0.094531,0.905469,2,$CO
claims_exhaustion_rate_cohort,2025-02,0,2,0.000000,0.000000,0.657620,2,$CO
claims_exhaustion_rate_cohort,2025-03,0,1,0.000000,0.000000,0.793451,1,$CO
claims_inflow,2025-01,3,,3,,,3,
claims_inflow,2025-02,2,,2,,,2,
claims_inflow,2025-03,1,,1,,,1,
claims_longterm_share,2025-01,0,2,0.000000,0.000000,0.657620,2,$LT
claims_longterm_share,2025-02,0,3,0.000000,0.000000,0.561497,3,$LT
claims_longterm_share,2025-03,0,2,0.000000,0.000000,0.657620,2,$LT
claims_outflow,2025-01,1,,1,,,1,
claims_outflow,2025-02,1,,1,,,1,
claims_outflow,2025-03,2,,2,,,2,
claims_outflow_disqualified,2025-01,0,,0,,,0,
claims_outflow_disqualified,2025-02,0,,0,,,0,
claims_outflow_disqualified,2025-03,1,,1,,,1,
claims_outflow_exhausted,2025-01,0,,0,,,0,
claims_outflow_exhausted,2025-02,1,,1,,,1,
claims_outflow_exhausted,2025-03,0,,0,,,0,
claims_outflow_other,2025-01,0,,0,,,0,
claims_outflow_other,2025-02,0,,0,,,0,
claims_outflow_other,2025-03,1,,1,,,1,
claims_outflow_period_expired,2025-01,0,,0,,,0,
claims_outflow_period_expired,2025-02,0,,0,,,0,
claims_outflow_period_expired,2025-03,0,,0,,,0,
claims_outflow_reemployed,2025-01,1,,1,,,1,
claims_outflow_reemployed,2025-02,0,,0,,,0,
claims_outflow_reemployed,2025-03,0,,0,,,0,
claims_stock,2025-01,2,,2,,,2,
claims_stock,2025-02,3,,3,,,3,
claims_stock,2025-03,2,,2,,,2,
EOT
t claims 0 'indicators claims --min-cell 0 $D/ind-claims.csv' - "@$W/claims.want" \
	'lmi-indicators: in=6 out=6 rejected=0 duplicates=0\n'
t claims-stdin 0 'indicators claims -m 0 -q' "@$D/ind-claims.csv" "@$W/claims.want" ''
t claims-dash 0 'indicators claims -m 0 -q -' "@$D/ind-claims.csv" "@$W/claims.want" ''
# --long-term 30: c3 (eligible 01-20, open) passes 30 days on 02-20: 1/3 at the end of Feb
# (c4 26 days, c5 13); at 03-31 c3 (70 days) yes, c6 (30 days, not more) no: 1/2.
# Wilson 1/3 [0.061492, 0.792340], 1/2 [0.094531, 0.905469].
t claims-long-term 0 'indicators claims -m 0 -q --long-term 30 $D/ind-claims.csv | grep longterm' - \
	'claims_longterm_share,2025-01,0,2,0.000000,0.000000,0.657620,2,open longer than 30 days
claims_longterm_share,2025-02,1,3,0.333333,0.061492,0.792340,3,open longer than 30 days
claims_longterm_share,2025-03,1,2,0.500000,0.094531,0.905469,2,open longer than 30 days\n'
# --period quarter: Q1 holds all: I=6, O=4, S=2.
t claims-quarter 0 'indicators claims -m 0 -q -p quarter $D/ind-claims.csv | grep -E "^claims_(inflow|outflow|stock),"' - \
	'claims_inflow,2025-Q1,6,,6,,,6,\nclaims_outflow,2025-Q1,4,,4,,,4,\nclaims_stock,2025-Q1,2,,2,,,2,\n'
t claims-year 0 'indicators claims -m 0 -q --period year $D/ind-claims.csv | grep -E "^claims_stock,"' - \
	'claims_stock,2025,2,,2,,,2,\n'
# --as-of 2025-02-28: c6 is not yet eligible, c4 c5 not yet ended: Feb S = c3 c4 c5 = 3;
# the range ends in Feb, and March events are unknown.
t claims-as-of 0 'indicators claims -m 0 -q --as-of 2025-02-28 $D/ind-claims.csv | grep -E "^claims_(stock|outflow),"' - \
	'claims_outflow,2025-01,1,,1,,,1,\nclaims_outflow,2025-02,1,,1,,,1,\nclaims_stock,2025-01,2,,2,,,2,\nclaims_stock,2025-02,3,,3,,,3,\n'
# --by with a prefix: region_code falls back to residence_region for claims;
# residence_region:2 gives 11 (c1 c2 c5) and 26 (c3 c4 c6).
t claims-by-prefix 0 'indicators claims -m 0 -q --by region_code:2 $D/ind-claims.csv | grep -E "^claims_inflow,"' - \
	'claims_inflow,2025-01,11,2,,2,,,2,\nclaims_inflow,2025-01,26,1,,1,,,1,\nclaims_inflow,2025-02,11,1,,1,,,1,\nclaims_inflow,2025-02,26,1,,1,,,1,\nclaims_inflow,2025-03,11,0,,0,,,0,\nclaims_inflow,2025-03,26,1,,1,,,1,\n'
t claims-by-header 0 'indicators claims -q --by office_code,region_code $D/ind-claims.csv | head -1' - \
	'indicator,period,office_code,region_code,numerator,denominator,value,ci_low,ci_high,n,note\n'

# Stock-flow identity: c7 has an end date but no eligibility date, so February's
# outflow (2) is not matched by the stock: 3 != 2 + 2 - 2.  In region 11110 alone: Jan
# c1 c2 in, c1 out (S = 1: c2); Feb c5 in, c2 and c7 out, S = 1 (c5): 1 != 1 + 1 - 2.
{ cat "$D/ind-claims.csv"; echo 'c7,p7,11110,A,021101,,,2025-02-10,other'; } >"$W/bad-sf.csv"
t stock-flow-fails 1 'indicators claims bad-sf.csv' - '' \
	'lmi-indicators: stock-flow identity fails for all rows in 2025-02: stock 3 != 2 + inflow 2 - outflow 2\nlmi-indicators: in=7 out=7 rejected=0 duplicates=0\n'
t stock-flow-fails-group 1 'indicators claims -q --by region_code bad-sf.csv' - '' \
	'lmi-indicators: stock-flow identity fails for region_code=11110 in 2025-02: stock 1 != 1 + inflow 1 - outflow 2\n'
# An end before the start is the same kind of inconsistency (O in Jan, I in Feb).
printf 'claim_id,eligibility_date,end_date,end_reason\nx1,2025-02-10,2025-01-05,other\n' >"$W/bad-order.csv"
t stock-flow-end-before-start 1 'indicators claims -q bad-order.csv' - '' \
	'lmi-indicators: stock-flow identity fails for all rows in 2025-01: stock 0 != 0 + inflow 0 - outflow 1\n'

# Suppression (default --min-cell 5).  Inflow in Jan by office: A 10, B 8, C 3.  C is
# primary; alone, so the smallest other (B, 8) is hidden too and C = total - A - B cannot
# be recovered.  Placements: A 6, B 2, C 3: two primaries, nothing more.
t suppression 0 'indicators office -q $D/ind-office.csv | grep -E "^office_(registrations|placements),2025-01"' - \
	'office_placements,2025-01,A,6,,6,,,6,
office_placements,2025-01,B,,,,,,,suppressed
office_placements,2025-01,C,,,,,,,suppressed
office_registrations,2025-01,A,10,,10,,,10,
office_registrations,2025-01,B,,,,,,,suppressed (complementary)
office_registrations,2025-01,C,,,,,,,suppressed\n'
# office with --min-cell 0: rates A 6/10, B 2/8, C 3/3; rank C 1, A 2, B 3 of 3.
# Wilson 6/10 [0.312674, 0.831820], 2/8 [0.071479, 0.590725], 3/3 [0.438503, 1].
ON='registrations of the month later reemployed'
RN='1 = highest placement rate among unsuppressed offices'
t office 0 'indicators office -q -m 0 $D/ind-office.csv | grep -E "^office_(placement_rate|rank),2025-01"' - \
	"office_placement_rate,2025-01,A,6,10,0.600000,0.312674,0.831820,10,$ON
office_placement_rate,2025-01,B,2,8,0.250000,0.071479,0.590725,8,$ON
office_placement_rate,2025-01,C,3,3,1.000000,0.438503,1.000000,3,$ON
office_rank,2025-01,A,,3,2,,,10,$RN
office_rank,2025-01,B,,3,3,,,8,$RN
office_rank,2025-01,C,,3,1,,,3,$RN\n"
# With suppression only A is ranked: 1 of 1; B and C are hidden.
t office-rank-suppressed 0 'indicators office -q $D/ind-office.csv | grep -E "^office_rank,2025-01"' - \
	"office_rank,2025-01,A,,1,1,,,10,$RN
office_rank,2025-01,B,,,,,,,suppressed (complementary)
office_rank,2025-01,C,,,,,,,suppressed\n"

# vacancy, data/ind-vacancy.csv, --as-of 2025-03-31.
# Ends: v1 filled 01-13 (10 days), v3 expired 02-19 (30), v4 filled 02-21 (20), v6
# cancelled 03-08 (3); v2 (until filled) and v5 (closes 04-30, after --as-of) are open,
# censored at 80 and 49 days.  New: Jan v1 v2 v3 (6 positions), Feb v4 v5 (3), Mar v6 (1).
# Open at the end of each month: Jan v2 v3; Feb v2 v5; Mar v2 v5.
# Closed-cohort durations: Jan 10; Feb 30, 20: mean 25, var 50, half 1.959964*5 = 9.799820;
# Mar 3.  Fill rate (hires/positions of closed): Jan 2/2, Feb (0+1)/(3+1), Mar 0/1.
# Kaplan-Meier by registration month: Jan 10, 30, 80+: S(10) = 2/3, S(30) = 1/3: 30;
# Feb 20, 49+: S(20) = 0.5 flat to the end: 20 (R survfit: 20); Mar 3.
# Wilson 2/2 [0.342380, 1], 1/4 [0.045587, 0.699358], 0/1 [0, 0.793451].
CC='closed cohort' FP='filled postings' FR='hires / positions of closed postings'
KM='kaplan-meier by registration period'
cat >"$W/vac.want" <<EOT
$H
vacancy_closed_postings,2025-01,1,,1,,,1,
vacancy_closed_postings,2025-02,2,,2,,,2,
vacancy_closed_postings,2025-03,1,,1,,,1,
vacancy_duration_km_median,2025-01,,,30.000000,,,3,$KM
vacancy_duration_km_median,2025-02,,,20.000000,,,2,$KM
vacancy_duration_km_median,2025-03,,,3.000000,,,1,$KM
vacancy_duration_mean,2025-01,10,1,10.000000,,,1,$CC
vacancy_duration_mean,2025-02,50,2,25.000000,15.200180,34.799820,2,$CC
vacancy_duration_mean,2025-03,3,1,3.000000,,,1,$CC
vacancy_duration_median,2025-01,,,10.000000,,,1,$CC
vacancy_duration_median,2025-02,,,25.000000,,,2,$CC
vacancy_duration_median,2025-03,,,3.000000,,,1,$CC
vacancy_fill_rate,2025-01,2,2,1.000000,0.342380,1.000000,1,$FR
vacancy_fill_rate,2025-02,1,4,0.250000,0.045587,0.699358,2,$FR
vacancy_fill_rate,2025-03,0,1,0.000000,0.000000,0.793451,1,$FR
vacancy_new_positions,2025-01,6,,6,,,3,
vacancy_new_positions,2025-02,3,,3,,,2,
vacancy_new_positions,2025-03,1,,1,,,1,
vacancy_new_postings,2025-01,3,,3,,,3,
vacancy_new_postings,2025-02,2,,2,,,2,
vacancy_new_postings,2025-03,1,,1,,,1,
vacancy_open_stock,2025-01,2,,2,,,2,
vacancy_open_stock,2025-02,2,,2,,,2,
vacancy_open_stock,2025-03,2,,2,,,2,
vacancy_time_to_fill_mean,2025-01,10,1,10.000000,,,1,$FP
vacancy_time_to_fill_mean,2025-02,20,1,20.000000,,,1,$FP
vacancy_time_to_fill_median,2025-01,,,10.000000,,,1,$FP
vacancy_time_to_fill_median,2025-02,,,20.000000,,,1,$FP
EOT
t vacancy 0 'indicators vacancy -m 0 --as-of 2025-03-31 $D/ind-vacancy.csv' - "@$W/vac.want" \
	'lmi-indicators: in=6 out=6 rejected=0 duplicates=0\n'
# Without --as-of no Kaplan-Meier rows (no censoring time), and v5's close date (04-30) ends it.
t vacancy-no-as-of 0 'indicators vacancy -m 0 -q $D/ind-vacancy.csv | awk "/km_median/ { n++ } END { print n + 0 }"' - '0\n'

# training, data/ind-training.csv.  Enrolments Jan 4 (e1-e4), Feb 2 (e5 e6).
# Ending Mar: e1 e2 e4 completed/early-employed, e3 dropped: completion 3/4.  Ending Apr:
# e6 completed, e5 still enrolled (not finished): 1/1.
# Employment 3m, Mar: e2 outcome-excluded, so e1 (1) e4 (1): 2/2; Apr e6 0/1.
# Employment 6m, Mar: e4 has no 6m outcome yet: e1 1/1; Apr e6 1/1.
# Wilson 3/4 [0.300642, 0.954413], 1/1 [0.206549, 1], 2/2 [0.342380, 1], 0/1 [0, 0.793451].
TC='completed / finished, by end period' TE='outcome-excluded removed from denominator'
t training 0 'indicators training -q -m 0 $D/ind-training.csv' - \
	"$H
training_completion_rate,2025-03,3,4,0.750000,0.300642,0.954413,4,\"$TC\"
training_completion_rate,2025-04,1,1,1.000000,0.206549,1.000000,1,\"$TC\"
training_employment_rate_3m,2025-03,2,2,1.000000,0.342380,1.000000,2,$TE
training_employment_rate_3m,2025-04,0,1,0.000000,0.000000,0.793451,1,$TE
training_employment_rate_6m,2025-03,1,1,1.000000,0.206549,1.000000,1,$TE
training_employment_rate_6m,2025-04,1,1,1.000000,0.206549,1.000000,1,$TE
training_enrolments,2025-01,4,,4,,,4,
training_enrolments,2025-02,2,,2,,,2,
training_enrolments,2025-03,0,,0,,,0,
training_enrolments,2025-04,0,,0,,,0,\n"
t training-by-course 0 'indicators training -q -m 0 --by course_id $D/ind-training.csv | grep enrolments,2025-0[12]' - \
	'training_enrolments,2025-01,K1,4,,4,,,4,\ntraining_enrolments,2025-01,K2,0,,0,,,0,\ntraining_enrolments,2025-02,K1,0,,0,,,0,\ntraining_enrolments,2025-02,K2,2,,2,,,2,\n'

# tightness, --as-of 2025-03-31: vacancy stock 2, 2, 2 over claims stock 2, 3, 2:
# V/U 1, 0.666667, 1.  Guin baesu: new positions 6, 3, 1 over new claims 3, 2, 1: 2, 1.5, 1.
VU='open postings / open claims at period end' GB='구인배수: new positions / new claims'
t tightness 0 'indicators tightness -q -m 0 --as-of 2025-03-31 --vacancies $D/ind-vacancy.csv --claims $D/ind-claims.csv' - \
	"$H
tightness_guin_baesu,2025-01,6,3,2.000000,,,3,$GB
tightness_guin_baesu,2025-02,3,2,1.500000,,,2,$GB
tightness_guin_baesu,2025-03,1,1,1.000000,,,1,$GB
tightness_v_u,2025-01,2,2,1.000000,,,2,$VU
tightness_v_u,2025-02,2,3,0.666667,,,3,$VU
tightness_v_u,2025-03,2,2,1.000000,,,2,$VU\n"

# mismatch by occupation_code:2 (claims: desired_occupation), stocks at month end:
# Jan u = (02: c2, 03: c3) = (1,1), v = (02: v2, 03: v3) = (1,1): both 0.
# Feb u = (c5; c3 c4) = (1,2), v = (v2 v5; -) = (2,0): JR 1/2 (|1/3-1| + |2/3-0|) = 0.666667,
#     SSTV 1 - sqrt(1 * 1/3) = 0.422650.
# Mar u = (c6; c3) = (1,1), v = (2,0): JR 1/2 (0.5 + 0.5) = 0.5, SSTV 1 - sqrt(0.5) = 0.292893.
JN='stocks at period end' SN='alpha=0.5; stocks at period end'
t mismatch 0 'indicators mismatch -q --as-of 2025-03-31 --vacancies $D/ind-vacancy.csv --claims $D/ind-claims.csv' - \
	"indicator,period,occupation_code,numerator,denominator,value,ci_low,ci_high,n,note
mismatch_jackman_roper,2025-01,,,,0.000000,,,2,$JN
mismatch_jackman_roper,2025-02,,,,0.666667,,,2,$JN
mismatch_jackman_roper,2025-03,,,,0.500000,,,2,$JN
mismatch_sahin_song_topa_violante,2025-01,,,,0.000000,,,2,$SN
mismatch_sahin_song_topa_violante,2025-02,,,,0.422650,,,2,$SN
mismatch_sahin_song_topa_violante,2025-03,,,,0.292893,,,2,$SN\n"
# --alpha 1: 1 - sum v_i/v = 0 always.
t mismatch-alpha 0 'indicators mismatch -q --alpha 1 --as-of 2025-03-31 --vacancies $D/ind-vacancy.csv --claims $D/ind-claims.csv | grep -c "sahin.*,0.000000,,,2,alpha=1;"' - '3\n'

# hhi by occupation_code,region_code and quarter, data/ind-hhi.csv.
# Q1 market 021101/11110: E1 5, E2 3, E3 2 postings: 2500 + 900 + 400 = 3800 (> 2500: high),
# 10000/3800 = 2.631579 equivalent employers.  Market 021101/26110: E1 E4 E5 E6 3 each:
# 4 * 25^2 = 2500 (moderate: 1500..2500), 4 employers.  Above 1500: 2 of 2 markets, 22 of
# 22 postings; above 2500: 1 of 2 markets, 10 of 22 postings = 0.454545.
# Q2: one posting in one market: every Q2 cell has n = 1 and is suppressed.
t hhi 0 'indicators hhi -q $D/ind-hhi.csv' - \
	'indicator,period,occupation_code,region_code,numerator,denominator,value,ci_low,ci_high,n,note
hhi,2025-Q1,021101,11110,3,,3800.000000,,,10,highly concentrated
hhi,2025-Q1,021101,26110,4,,2500.000000,,,12,moderately concentrated
hhi,2025-Q2,021101,26110,,,,,,,suppressed
hhi_equivalent_employers,2025-Q1,021101,11110,3,,2.631579,,,10,
hhi_equivalent_employers,2025-Q1,021101,26110,4,,4.000000,,,12,
hhi_equivalent_employers,2025-Q2,021101,26110,,,,,,,suppressed
hhi_share_markets_above_1500,2025-Q1,,,2,2,1.000000,,,2,
hhi_share_markets_above_1500,2025-Q2,,,,,,,,,suppressed
hhi_share_markets_above_2500,2025-Q1,,,1,2,0.500000,,,2,
hhi_share_markets_above_2500,2025-Q2,,,,,,,,,suppressed
hhi_share_postings_above_1500,2025-Q1,,,22,22,1.000000,,,22,
hhi_share_postings_above_1500,2025-Q2,,,,,,,,,suppressed
hhi_share_postings_above_2500,2025-Q1,,,10,22,0.454545,,,22,
hhi_share_postings_above_2500,2025-Q2,,,,,,,,,suppressed\n'
# --hhi-thresholds 1000,3000: 3800 is still high, 2500 now moderate; above 3000: 1 market.
t hhi-thresholds 0 'indicators hhi -q --hhi-thresholds 1000,3000 $D/ind-hhi.csv | grep -E "^hhi_share_markets.*Q1"' - \
	'hhi_share_markets_above_1000,2025-Q1,,,2,2,1.000000,,,2,\nhhi_share_markets_above_3000,2025-Q1,,,1,2,0.500000,,,2,\n'

# Bad input: rows are rejected with file:line, counted, exit 3.
printf 'claim_id,eligibility_date,end_date\nx1,2025-01-05,\nx2,2025-13-01,\nx3,2025-01-09,yesterday\n' >"$W/bad-date.csv"
t bad-dates 3 'indicators claims -m 0 bad-date.csv' - \
	"$H\nclaims_inflow,2025-01,1,,1,,,1,\nclaims_longterm_share,2025-01,0,1,0.000000,0.000000,0.793451,1,$LT\nclaims_outflow,2025-01,0,,0,,,0,\nclaims_outflow_disqualified,2025-01,0,,0,,,0,\nclaims_outflow_exhausted,2025-01,0,,0,,,0,\nclaims_outflow_other,2025-01,0,,0,,,0,\nclaims_outflow_period_expired,2025-01,0,,0,,,0,\nclaims_outflow_reemployed,2025-01,0,,0,,,0,\nclaims_stock,2025-01,1,,1,,,1,\n" \
	"lmi-indicators: bad-date.csv:3: bad date in 'eligibility_date': '2025-13-01'\nlmi-indicators: bad-date.csv:4: bad date in 'end_date': 'yesterday'\nlmi-indicators: in=3 out=1 rejected=2 duplicates=0\n"
t missing-column 1 'indicators claims' 'claim_id,end_date\n1,2025-01-01\n' '' \
	"lmi-indicators: <stdin>:1: missing column 'eligibility_date'\nlmi-indicators: in=0 out=0 rejected=0 duplicates=0\n"
t missing-by-column 1 'indicators claims -q --by nosuch' "@$D/ind-claims.csv" '' \
	"lmi-indicators: <stdin>:1: missing --by column 'nosuch'\n"
t malformed-csv 1 'indicators claims -q' 'claim_id,eligibility_date\n1,"2025-01-01\n' '' \
	'lmi-indicators: <stdin>:2: unterminated quoted field\n'
t vacancy-missing-reg 3 'indicators vacancy -q' 'reg_date,status\n,open\n' - \
	"lmi-indicators: <stdin>:2: missing 'reg_date'\n"
t vacancy-ends-before 3 'indicators vacancy -q' 'reg_date,close_date\n2025-02-01,2025-01-01\n' - \
	"lmi-indicators: <stdin>:2: posting ends before 'reg_date'\n"
t group-control-char 3 'indicators claims -m 0 --by region_code' \
	'claim_id,eligibility_date,region_code\nx1,2025-01-01,a\037b\nx2,2025-01-02,c\n' - \
	"lmi-indicators: <stdin>:2: control character in 'region_code'\nlmi-indicators: in=2 out=1 rejected=1 duplicates=0\n"
# A header repeated inside the input (chunks joined by a mapper) is skipped, not rejected.
{ head -3 "$D/ind-claims.csv"; cat "$D/ind-claims.csv"; } | sed '2,3d' >"$W/rehead.csv"
t repeated-header 0 'indicators claims -m 0 rehead.csv' - "@$W/claims.want" \
	'lmi-indicators: in=6 out=6 rejected=0 duplicates=0\n'
t empty-input 0 'indicators claims -q' - "$H\n" ''

# Usage errors.
U='usage: lmi indicators SET [--by COLS] [--period month|quarter|year] [--as-of DATE] [--min-cell N] [--partial] [FILE...]'
T="try 'lmi indicators --help'"
t no-set 2 'indicators' - '' "lmi-indicators: missing SET\n$U\n$T\n"
t bad-set 2 'indicators wages' - '' "lmi-indicators: unknown SET 'wages'\n$U\n$T\n"
t bad-period 2 'indicators claims --period week' - '' \
	"lmi-indicators: --period must be month, quarter or year: 'week'\n$U\n$T\n"
t bad-as-of 2 'indicators claims --as-of tomorrow' - '' "lmi-indicators: bad --as-of date 'tomorrow'\n$U\n$T\n"
t bad-min-cell 2 'indicators claims --min-cell -1' - '' "lmi-indicators: --min-cell is too small: '-1'\n$U\n$T\n"
t bad-by 2 'indicators claims --by a:x' - '' "lmi-indicators: bad prefix length in 'a:x'\n$U\n$T\n"
t bad-alpha 2 'indicators mismatch --alpha 2 --claims x --vacancies y' - '' \
	"lmi-indicators: --alpha must be a number in [0, 1]: '2'\n$U\n$T\n"
t bad-hhi 2 'indicators hhi --hhi-thresholds 3000,1000' - '' \
	"lmi-indicators: --hhi-thresholds must be LO,HI with 0 < LO < HI <= 10000\n$U\n$T\n"
t files-for-tightness 2 'indicators claims --claims x' - '' \
	"lmi-indicators: --vacancies and --claims go with tightness and mismatch only\n$U\n$T\n"
t tightness-no-files 2 'indicators tightness' - '' \
	"lmi-indicators: tightness needs --vacancies FILE and --claims FILE\n$U\n$T\n"
t unknown-option 2 'indicators claims --frobnicate' - '' - 
t help 0 'indicators --help | grep -c "^example: "' - '2\n'
t version 0 'indicators --version | grep -c "^lmi-indicators (lmi) "' - '1\n'
t missing-file 1 'indicators claims -q nosuch.csv' - '' -
check dev-full 'lmi indicators claims -q $D/ind-claims.csv >/dev/full 2>err; test $? -eq 1 && grep -q "lmi-indicators: " err'

# data-samples through lmi ingest.  Independent counts come from awk on the raw files:
# total inflow over all quarters = claims with an eligibility date up to --as-of, and the
# stock-flow identity holds on real-looking data (exit 0).
check samples-claims 'lmi ingest --kind claim --profile $S/profiles/ui.profile --key-file $S/demo.key $S/claims.csv 2>/dev/null |
lmi indicators claims -q -m 0 -p quarter --as-of 2026-11-25 >ind.csv &&
got=$(awk -F, "\$1 == \"claims_inflow\" { s += \$3 } END { print s }" ind.csv) &&
want=$(awk -F, "NR > 1 && \$13 != \"\" && \$13 <= \"2026-11-25\" { n++ } END { print n }" $S/claims.csv) &&
echo "inflow $got want $want" && test "$got" = "$want"'
# Vacancies: new postings over all quarters = rows the tool counted as out.
check samples-vacancy 'lmi ingest --kind vacancy --profile $S/profiles/worknet.profile $S/worknet-vacancies.csv 2>/dev/null |
lmi indicators vacancy -m 0 >ind.csv 2>err; test $? -eq 3 &&
got=$(awk -F, "\$1 == \"vacancy_new_postings\" { s += \$3 } END { print s }" ind.csv) &&
out=$(sed -n "s/.* out=\([0-9]*\) .*/\1/p" err) && echo "$got $out" && test "$got" = "$out"'
check samples-training 'lmi ingest --kind training --profile $S/profiles/hrd.profile --key-file $S/demo.key $S/hrd-training.csv 2>/dev/null |
lmi indicators training -q -m 0 -p year >ind.csv &&
got=$(awk -F, "\$1 == \"training_enrolments\" { s += \$3 } END { print s }" ind.csv) && test "$got" = 39'

# Exhaustion rate lagged two quarters: first payments in Q1 (x1, x2), x1 exhausted in Q3:
# 1 / 2 at 2025-Q3 (a ratio of two flows: no interval); by month the lag is 6: 2025-07.
# The cohort version puts it at the first-payment period: Q1 1/2, Wilson [0.094531, 0.905469].
printf 'claim_id,eligibility_date,first_payment_date,end_date,end_reason
x1,2025-01-02,2025-01-10,2025-07-10,exhausted\nx2,2025-01-03,2025-01-11,2025-03-01,reemployed\n' >"$W/exh.csv"
EX='exhaustions / first payments two quarters earlier'
t exhaustion-lag-quarter 0 'indicators claims -q -m 0 -p quarter exh.csv | grep ^claims_exhaustion' - \
	"claims_exhaustion_rate,2025-Q3,1,2,0.500000,,,2,$EX
claims_exhaustion_rate_cohort,2025-Q1,1,2,0.500000,0.094531,0.905469,2,$CO\n"
t exhaustion-lag-month 0 'indicators claims -q -m 0 exh.csv | grep ^claims_exhaustion_rate,' - \
	"claims_exhaustion_rate,2025-07,1,2,0.500000,,,2,$EX\n"
# Complementary suppression across end reasons: in Jan 15 claims end, reemployed 6,
# exhausted 2, other 7.  Exhausted (2) is primary; as outflow 15 is published, the smallest
# other reason (reemployed, 6) is hidden too.  Zeros stay.
awk 'BEGIN { print "claim_id,eligibility_date,end_date,end_reason"
	for (i = 1; i <= 15; i++) print "r" i ",2025-01-02,2025-01-20," (i <= 6 ? "reemployed" : i <= 8 ? "exhausted" : "other") }' >"$W/reasons.csv"
t reason-complementary 0 'indicators claims -q reasons.csv | grep ^claims_outflow' - \
	'claims_outflow,2025-01,15,,15,,,15,
claims_outflow_disqualified,2025-01,0,,0,,,0,
claims_outflow_exhausted,2025-01,,,,,,,suppressed
claims_outflow_other,2025-01,7,,7,,,7,
claims_outflow_period_expired,2025-01,0,,0,,,0,
claims_outflow_reemployed,2025-01,,,,,,,suppressed (complementary)\n'

# 2026-11-26 the per-row engine reads canonical YYYY-MM-DD through a month table and
# everything else through lmi_parse_date(); both must give the same periods.  The claims
# fixture with its dates as YYYYMMDD, Y.M.D. and ISO with a time gives the same output.
awk -F, 'BEGIN { OFS = "," }
function ymd(s) { return substr(s, 1, 4) substr(s, 6, 2) substr(s, 9, 2) }
function dots(s) { return (substr(s, 1, 4) + 0) "." (substr(s, 6, 2) + 0) "." (substr(s, 9, 2) + 0) "." }
NR > 1 { if ($6 != "") $6 = ymd($6); if ($7 != "") $7 = dots($7); if ($8 != "") $8 = $8 " 09:00:00" }
{ print }' "$D/ind-claims.csv" >"$W/formats.csv"
t date-formats 0 'indicators claims -m 0 -q formats.csv' - "@$W/claims.want" ''
# Many groups: the group and cell indexes grow past their first size.  500 regions, two
# claims each: 500 inflow rows summing to 1000.
awk 'BEGIN { print "claim_id,residence_region,eligibility_date"
	for (i = 0; i < 1000; i++) printf "c%d,r%d,2025-01-%02d\n", i, i % 500, i % 28 + 1 }' >"$W/groups.csv"
t many-groups 0 'indicators claims -m 0 -q --by region_code groups.csv |
awk -F, "/^claims_inflow,/ { n++; s += \$4 } END { print n, s }"' - '500 1000\n'
# Values that are prefixes of each other are different groups ("1", "11", and empty).
printf 'claim_id,residence_region,eligibility_date\na,1,2025-01-01\nb,11,2025-01-02\nc,,2025-01-03\nd,11,2025-01-04\n' >"$W/prefixes.csv"
t group-prefixes 0 'indicators claims -m 0 -q --by region_code prefixes.csv | grep ^claims_inflow,' - \
	'claims_inflow,2025-01,,1,,1,,,1,\nclaims_inflow,2025-01,1,1,,1,,,1,\nclaims_inflow,2025-01,11,2,,2,,,2,\n'
# The first and last days accepted; 2100-02-29 is not a date (2100 is not leap).
printf 'claim_id,eligibility_date\na,1900-01-01\nb,2100-12-31\nc,2100-02-29\n' >"$W/edges.csv"
t date-range-edges 0 'indicators claims -m 0 -p year edges.csv | grep -E "^claims_inflow,(1900|2100),"' - \
	'claims_inflow,1900,1,,1,,,1,\nclaims_inflow,2100,1,,1,,,1,\n' \
	"lmi-indicators: edges.csv:4: bad date in 'eligibility_date': '2100-02-29'\nlmi-indicators: in=3 out=2 rejected=1 duplicates=0\n"
# 2026-11-26 counts of up to 7 plain digits skip strtoll(); anything else still goes through
# lmi_parse_long(): leading zeros, a space, a sign and the 1,000,000 cap behave as before.
printf 'reg_date,positions\n2025-01-02,1000000\n2025-01-03,0007\n2025-01-04, 5\n2025-01-05,1000001\n2025-01-06,+3\n2025-01-07,12345678\n' >"$W/pos.csv"
t count-forms 0 'indicators vacancy -m 0 pos.csv | grep ^vacancy_new_' - \
	'vacancy_new_positions,2025-01,1000015,,1000015,,,4,\nvacancy_new_postings,2025-01,4,,4,,,4,\n' \
	"lmi-indicators: pos.csv:5: bad count in 'positions': '1000001'\nlmi-indicators: pos.csv:7: bad count in 'positions': '12345678'\nlmi-indicators: in=6 out=4 rejected=2 duplicates=0\n"
