#!/bin/sh
# lmi train: coefficients, standard errors, deviances and AIC against R's glm(family = binomial).
# Every expected number is printed by tests/reference/model_mtcars.R (R 4, mtcars from the 1974
# Motor Trend magazine, shipped with R); tolerances are 1e-6 relative unless said otherwise.
. "$(dirname "$0")/lib.sh"

# near NAME FILE TERM COLUMN WANT [TOL]: the model row TERM has WANT in COLUMN (2 estimate,
# 3 std_error, 4 z, 5 p, 6 mean) within relative TOL.
near() {
	check "$1" "awk -F, -v t='$3' -v c=$4 -v w=$5 -v tol=${6:-1e-6} '
		\$1 == t { f = 1; d = \$c - w; if (d < 0) d = -d; s = w < 0 ? -w : w
			if (s == 0) s = 1; if (d > tol * s) { print \"got\", \$c; exit 1 } }
		END { if (!f) { print \"no row\", t; exit 1 } }' $2"
}

# case 1: am ~ wt + hp; stderr is R's summary printed in lmi's format by model_mtcars.R
t glm-am-wt-hp 0 'train -t am -f wt,hp -o m1.csv $D/model-mtcars.csv' - '' \
'lmi-train: fitted 32 of 32 rows (0 left out by --where), 3 terms
Coefficients:
                  Estimate     Std. Error    z value     Pr(>|z|)
(Intercept)        18.8663       7.443558      2.535      0.01126
wt               -8.083475       3.068675     -2.634     0.008434
hp               0.0362556     0.01773415      2.044      0.04091

    Null deviance: 43.2297  on 31  degrees of freedom
Residual deviance: 10.0591  on 29  degrees of freedom
AIC: 16.0591

Number of Fisher Scoring iterations: 8\n'
near c1-intercept-est m1.csv '(Intercept)' 2 18.8662987172041
near c1-intercept-se m1.csv '(Intercept)' 3 7.4435580602053
near c1-wt-est m1.csv wt 2 -8.0834751824446
near c1-wt-se m1.csv wt 3 3.0686751130547
near c1-hp-est m1.csv hp 2 0.0362555960822
near c1-hp-se m1.csv hp 3 0.0177341536508
near c1-hp-z m1.csv hp 4 2.04439393028
near c1-hp-p m1.csv hp 5 0.04091464645903
near c1-wt-mean m1.csv wt 6 3.21725
near c1-residual-deviance m1.csv @deviance 2 10.0591104723
near c1-null-deviance m1.csv @deviance 3 43.2297332769
near c1-aic m1.csv @deviance 4 16.0591104723
near c1-iterations m1.csv @deviance 5 8 0
# the header rows are fixed by the format (lmi-train(1)), not computed
check c1-header-rows "head -7 m1.csv | cmp - $D/model-header-c1.txt && grep -qx @feature,wt,numeric,,3.21725, m1.csv"

# case 2: a categorical feature, reference level 4 by default (first in sorted order)
t glm-cyl-default-ref 0 'train -q -t am -f wt,cyl -c cyl -o m2.csv $D/model-mtcars.csv' - '' ''
near c2-intercept-est m2.csv '(Intercept)' 2 20.85278313457
near c2-intercept-se m2.csv '(Intercept)' 3 8.03175726788
near c2-wt-est m2.csv wt 2 -7.85934263584
near c2-wt-se m2.csv wt 3 3.05497749525
near c2-cyl6-est m2.csv cyl=6 2 3.10462643177
near c2-cyl6-se m2.csv cyl=6 3 2.42483193201
near c2-cyl8-est m2.csv cyl=8 2 5.37942092366
near c2-cyl8-se m2.csv cyl=8 3 3.20062772660
near c2-cyl8-mean m2.csv cyl=8 6 0.4375
near c2-residual-deviance m2.csv @deviance 2 14.6610594536
near c2-iterations m2.csv @deviance 5 7 0
check c2-reference-recorded "grep -qx '@feature,cyl,categorical,4,,' m2.csv"

# case 3: --ref cyl=8
t glm-cyl-ref-8 0 'train -q -t am -f wt,cyl -c cyl --ref cyl=8 -o m3.csv $D/model-mtcars.csv' - '' ''
near c3-intercept-est m3.csv '(Intercept)' 2 26.23220405823
near c3-intercept-se m3.csv '(Intercept)' 3 10.65203953259
near c3-cyl4-est m3.csv cyl=4 2 -5.37942092366
near c3-cyl4-se m3.csv cyl=4 3 3.20062772660
near c3-cyl6-est m3.csv cyl=6 2 -2.27479449189
near c3-cyl6-se m3.csv cyl=6 3 2.05350128651
check c3-reference-recorded "grep -qx '@feature,cyl,categorical,8,,' m3.csv"

# case 4: --where gear=4 (R: subset = gear == 4)
t glm-where 0 'train -t vs -f mpg --where gear=4 -o m4.csv $D/model-mtcars.csv 2>e4 && head -1 e4' - \
	'lmi-train: fitted 12 of 32 rows (20 left out by --where), 2 terms\n'
near c4-intercept-est m4.csv '(Intercept)' 2 -4.39403153498
near c4-intercept-se m4.csv '(Intercept)' 3 5.999344628209
near c4-mpg-est m4.csv mpg 2 0.26450208739
near c4-mpg-se m4.csv mpg 3 0.277751077022
near c4-null-deviance m4.csv @deviance 3 10.8134690128

# case 5: --missing indicator (hp blank in two rows; R: mean imputation + indicator column)
t missing-is-error 1 'train -t am -f wt,hp $D/model-mtcars-na.csv' - '' \
	"lmi-train: $D/model-mtcars-na.csv:4: feature 'hp' is missing (see --missing)\n"
t missing-indicator 0 'train -q -t am -f wt,hp --missing indicator -o m5.csv $D/model-mtcars-na.csv' \
	- '' ''
near c5-hp-est m5.csv hp 2 0.0408902037266
near c5-hp-se m5.csv hp 3 0.0233589900481
near c5-missing-est m5.csv hp:missing 2 -0.5309599883603
near c5-missing-se m5.csv hp:missing 3 8.2019184336288
near c5-wt-est m5.csv wt 2 -7.7974687086291
check c5-impute-mean "grep -qx @feature,hp,numeric,,145.2, m5.csv"
check c5-mode-recorded "grep -qx '@missing,indicator,,,,' m5.csv"
# --na NA: R's write.csv writes NA for missing; the same fit, and the token is recorded
sed "s/,,/,NA,/" "$D/model-mtcars-na.csv" >"$W/na.csv"
t na-token 0 'train -q -t am -f wt,hp --missing indicator --na NA -o m5na.csv na.csv &&
	grep -c "^@na,NA," m5na.csv' - '1\n' ''
near c5-na-missing-est m5na.csv hp:missing 2 -0.5309599883603
near c5-na-hp-se m5na.csv hp 3 0.0233589900481
t na-token-scored 0 'score -m m5na.csv -k 0 na.csv | wc -l' - '33\n' \
	'lmi-score: in=32 out=32 rejected=0 duplicates=0\n'
# R's logical outcome: FALSE/TRUE are 0/1 (am recoded in a copy; the same fit as case 1)
sed '1!s/,0,\([345]\),\([0-9]*\)$/,FALSE,\1,\2/; 1!s/,1,\([345]\),\([0-9]*\)$/,TRUE,\1,\2/' \
	"$D/model-mtcars.csv" >"$W/lg.csv"
t logical-target 0 'train -q -t am -f wt,hp -o ml.csv lg.csv && grep -c TRUE lg.csv' - '13\n' ''
near c1-logical-wt-est ml.csv wt 2 -8.0834751824446
# categorical levels that are all numbers sort numerically, as R's factor(): ref 4 before 10
t numeric-levels 0 'train -q -t y -f g -c g | grep "^g=" | cut -d, -f1' \
	'y,g\n0,10\n1,10\n1,10\n0,4\n1,4\n0,4\n0,9\n1,9\n' 'g=9\ng=10\n' ''
t numeric-levels-ref 0 'train -q -t y -f g -c g | grep "^@feature" | cut -c2-' \
	'y,g\n0,10\n1,10\n1,10\n0,4\n1,4\n0,4\n0,9\n1,9\n' 'feature,g,categorical,4,,\n' ''

# case 6: --l2 1 against R's optim(BFGS) on the penalised log-likelihood (1e-6 relative)
t ridge 0 'train -q -t am -f wt,hp --l2 1 -o m6.csv $D/model-mtcars.csv' - '' ''
near c6-intercept m6.csv '(Intercept)' 2 5.6773486059727
near c6-wt m6.csv wt 2 -2.4186728511076
near c6-hp m6.csv hp 2 0.0096839133106

# infert (R datasets; tests/reference/model_infert.R): string levels with spaces and '+'
t infert 0 'train -q -t case -f age,parity,induced,spontaneous,education -c education \
	-o mi.csv $D/model-infert.csv' - '' ''
near inf-intercept mi.csv '(Intercept)' 2 -1.1492365368637
near inf-parity-se mi.csv parity 3 0.1964894921449
near inf-spont mi.csv spontaneous 2 2.0459050192519
near inf-edu611 mi.csv education=6-11yrs 2 -1.0442435817854
near inf-edu12-se mi.csv 'education=12+ yrs' 3 0.8341561759691
near inf-deviance mi.csv @deviance 2 257.797690206
# three categoricals, one reference given with a space in the level
t infert-ref 0 'train -q -t case -f age,parity,induced,spontaneous,education \
	-c education,induced,spontaneous --ref "education=12+ yrs" -o mj.csv $D/model-infert.csv' - '' ''
near infr-intercept mj.csv '(Intercept)' 2 -2.5282037776877
near infr-intercept-se mj.csv '(Intercept)' 3 1.0572057976704
near infr-induced2 mj.csv induced=2 2 2.5920639969739
near infr-spont2-se mj.csv spontaneous=2 3 0.6426982176258
near infr-edu05 mj.csv education=0-5yrs 2 1.3975198848301
near infr-edu611-se mj.csv education=6-11yrs 3 0.3346283156237

# case 7: --standardize (R: scale(wt) + scale(hp) + factor(cyl)); centre and sd are recorded
t standardize 0 'train -q -s -t am -f wt,hp,cyl -c cyl -o m7.csv $D/model-mtcars.csv' - '' ''
near c7-intercept-est m7.csv '(Intercept)' 2 -1.11399511616
near c7-wt-est m7.csv wt 2 -10.44599246169
near c7-wt-se m7.csv wt 3 5.32459150861
near c7-hp-est m7.csv hp 2 7.07630840264
near c7-cyl8-se m7.csv cyl=8 3 13.16708703963
check c7-scale-recorded "grep '^@scale,wt,3.21725,' m7.csv | cut -d, -f4 | grep -q '^0.97845744298'"
# standardising changes the coefficients, not the model: the same scores as without it
t standardize-same-scores 0 'train -q -t am -f wt,hp,cyl -c cyl -o m7r.csv $D/model-mtcars.csv &&
	lmi score -q -m m7.csv $D/model-mtcars.csv > s7.csv &&
	lmi score -q -m m7r.csv $D/model-mtcars.csv | cmp - s7.csv && wc -l < s7.csv' - '33\n' ''

# --points: factor 50/ln 2 = 72.13, offset 600 - factor ln 19 = 387.60; level points are
# -factor * beta (model_mtcars.R prints them: base -1116.61, wt 566.93, cyl6 -223.95, cyl8 -388.04)
t points 0 'train -q -t am -f wt,cyl -c cyl --points - -o /dev/null $D/model-mtcars.csv' - \
'feature,level,points
(factor),,72.13
(offset),,387.60
(base),,-1116.61
wt,(per unit),566.93
cyl,4,0.00
cyl,6,-223.95
cyl,8,-388.04\n'

# seeker recovery: lmi synth --kind seeker plants the coefficients of lib/synth.h (LMI_SYNTH_B*):
# intercept -1.5, age 0.03, tenure_months -0.01, prior_spells 0.25, ui_recipient -0.4,
# disability 0.7, edu E2..E5 -0.2 -0.4 -0.6 -0.8 against E1.  Fitting 100,000 rows must put each
# true value inside estimate +- 3 standard errors.
t seeker-fit 0 'synth --kind seeker --rows 100000 --seed 7 > s.csv && lmi train -q -t ltu \
	-f age,tenure_months,prior_spells,ui_recipient,disability,edu -c edu -o sm.csv s.csv' - '' ''
within() { # TERM TRUE
	check "seeker-$1" "awk -F, -v t='$1' -v b=$2 '\$1 == t { f = 1; d = \$2 - b; if (d < 0) d = -d
		if (d > 3 * \$3) { print \$2, \$3; exit 1 } } END { if (!f) exit 1 }' sm.csv"
}
within '(Intercept)' -1.5
within age 0.03
within tenure_months -0.01
within prior_spells 0.25
within ui_recipient -0.4
within disability 0.7
within edu=E2 -0.2
within edu=E3 -0.4
within edu=E4 -0.6
within edu=E5 -0.8

# options
t as-of 0 'train -q -t am -f wt --as-of 2025-06-30 $D/model-mtcars.csv | sed -n 4p | cut -c2-' - \
	'as_of,2025-06-30,,,,\n'
t tiers 0 'train -q -t am -f wt --tiers high:0.6,low:0.1 $D/model-mtcars.csv | grep @tiers | cut -c2-' - \
	'tiers,0.1,0.6,,,\n'
t stdout-default 0 'train -q -t am -f wt $D/model-mtcars.csv | head -1' - \
	'term,estimate,std_error,z_value,p_value,mean\n'
t stdin 0 'train -q -t am -f wt < $D/model-mtcars.csv | grep -c .' - '11\n'

# data problems, named by term and line
t target-not-binary 1 'train -t y -f x' 'y,x\n0,1\n2,3\n' '' \
	"lmi-train: <stdin>:3: target 'y' must be 0 or 1 (or FALSE or TRUE), found '2'\n"
t target-missing 1 'train -t y -f x' 'y,x\n,1\n' '' "lmi-train: <stdin>:2: target 'y' is missing\n"
t not-a-number 1 'train -t y -f x' 'y,x\n0,1\n1,abc\n' '' \
	"lmi-train: <stdin>:3: feature 'x' is not a number: 'abc'\n"
t no-target-column 1 'train -t am -f wt' 'x,wt\n1,2\n' '' \
	"lmi-train: <stdin>:1: no column 'am' (the target) in the header\n"
t no-feature-column 1 'train -t y -f wt' 'y,x\n1,2\n' '' \
	"lmi-train: <stdin>:1: no column 'wt' (a feature) in the header\n"
t no-where-column 1 'train -t y -f x -w split=train' 'y,x\n1,2\n' '' \
	"lmi-train: <stdin>:1: no column 'split' (in --where) in the header\n"
t separated-level 1 'train -t y -f x,g -c g' 'y,x,g\n0,1,a\n1,2,a\n0,3,a\n1,1,a\n0,2,b\n0,5,b\n1,4,c\n0,2,c\n' '' \
	"lmi-train: term 'g=b' is perfectly separated: all 2 rows have y=0; the estimate would be infinite (try --l2)\n"
t separated-numeric 1 'train -t y -f x' 'y,x\n0,1\n0,2\n1,3\n1,4\n' '' \
	"lmi-train: term 'x' perfectly separates y: every row with y=1 has x >= 3; the estimate would be infinite (try --l2)\n"
t separated-but-ridge 0 'train -q -t y -f x --l2 0.5 -o /dev/null' 'y,x\n0,1\n0,2\n1,3\n1,4\n' '' \
	"lmi-train: term 'x' perfectly separates y: every row with y=1 has x >= 3 (held finite by --l2)\n"
# neither a nor b separates y alone, a + 2b > 0 does (R: "fitted probabilities numerically 0 or
# 1 occurred" after 23 iterations, coefficients 5.1, 28.0, 22.8)
t separated-combination 1 'train -t y -f a,b' 'y,a,b\n0,1,-3\n0,2,-4\n0,-1,0\n0,3,-5\n1,1,0\n1,-1,2\n1,2,-1\n1,0,1\n' '' \
	"lmi-train: fitted probabilities of 0 or 1 occurred (quasi-complete separation); the largest standard error is on term 'a' (try --l2)\n"
# x2 = 2 * x1: aliased with the earlier terms
t singular 1 'train -t y -f x1,x2' 'y,x1,x2\n0,1,2\n1,2,4\n0,3,6\n1,1,2\n0,2,4\n1,3,6\n' '' \
	"lmi-train: term 'x2' is a linear combination of earlier terms (singular design); drop it or merge levels\n"
t constant-feature 1 'train -t y -f x' 'y,x\n0,5\n1,5\n0,5\n' '' \
	"lmi-train: term 'x' is a linear combination of earlier terms (singular design); drop it or merge levels\n"
t one-level 1 'train -t y -f g -c g' 'y,g\n0,a\n1,a\n' '' \
	"lmi-train: categorical 'g' has only one level ('a')\n"
t ref-not-in-data 1 'train -t am -f cyl -c cyl --ref cyl=5 $D/model-mtcars.csv' - '' \
	"lmi-train: reference level '5' of 'cyl' does not occur in the data\n"
awk 'BEGIN { print "y,g"; for (i = 0; i < 1002; i++) print i % 2 "," i }' >"$W/many.csv"
t too-many-terms 1 'train -t y -f g -c g many.csv' - '' "lmi-train: more than 1000 terms\n"
t no-rows 1 'train -t y -f x' 'y,x\n' '' "lmi-train: no rows to fit\n"
t empty-input 1 'train -t y -f x' - '' "lmi-train: <stdin>: empty input\n"
t malformed-csv 1 'train -t y -f x' 'y,x\n0,"1\n' '' "lmi-train: <stdin>:2: unterminated quoted field\n"
t too-few-rows 1 'train -t y -f x' 'y,x\n0,1\n1,2\n' '' \
	"lmi-train: 2 rows are too few for 2 terms\n"

# usage
t help 0 'train --help | grep -c "^example: lmi train"' - '1\n'
t version 0 'train --version | grep -c "^lmi-train"' - '1\n'
U="$(lmi train --help | head -1)\ntry 'lmi train --help'\n"
# usage_err NAME 'ARGS' 'MESSAGE': exit 2, the message, the usage line and the hint
usage_err() {
	t "$1" 2 "$2" - '' "lmi-train: $3\n$U"
}
usage_err no-target 'train -f x' '--target and --features are required'
t bad-option 2 'train -t y -f x --nope' - '' \
	"lmi-train: unrecognized option '--nope'\nlmi-train: unknown option\n$U"
usage_err bad-l2 'train -t y -f x --l2 -1' "--l2 wants a number >= 0, not '-1'"
usage_err bad-missing 'train -t y -f x --missing drop' "--missing is 'error' or 'indicator'"
usage_err bad-as-of 'train -t y -f x --as-of 30.6.2025' "--as-of wants YYYY-MM-DD, not '30.6.2025'"
usage_err bad-ref 'train -t y -f x --ref x=1' "--ref 'x=1': 'x' is not a categorical feature"
usage_err bad-categorical 'train -t y -f x -c z' "categorical 'z' is not in --features"
usage_err target-as-feature 'train -t y -f x,y' "target 'y' is also a feature"
usage_err bad-tiers 'train -t y -f x --tiers low:0.7,high:0.5' \
	'--tiers wants low:P,high:P with 0 < low <= high < 1'
usage_err two-files 'train -t y -f x a.csv b.csv' 'at most one input file'
t dev-full 1 'train -q -t am -f wt $D/model-mtcars.csv > /dev/full 2>/dev/null' - -
