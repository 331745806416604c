#!/bin/sh
# lmi train, evaluate and score on real labour data, held out: SwissLabor (AER; labour force
# participation of 872 women, 1981 Swiss health survey).  tests/reference/model_swisslabor.R
# wrote tests/cli/data/model-swisslabor.csv (every third row held out) and printed every
# expected number below from R's glm(family = binomial), predict() and pROC; tolerance 1e-6
# relative.  The file keeps write.csv's first column, R's row names, whose header is "".
. "$(dirname "$0")/lib.sh"

# close NAME FILE KEYCOL [TOL]: each "key column value" line of $want matches FILE's row whose
# column KEYCOL is key (columns counted from 1) within TOL relative (default 1e-6).
close() {
	printf '%s\n' "$want" >"$W/want.$1"
	check "$1" "awk -F, -v k=$3 -v tol=${4:-1e-6} 'NR == FNR { w[\$1 \"|\" \$2] = \$3; next }
		{ for (c = 1; c <= NF; c++) if ((\$k \"|\" c) in w) { x = w[\$k \"|\" c]; n++
			d = \$c - x; s = x < 0 ? -x : x; if (d < 0) d = -d; if (s == 0) s = 1
			if (d > tol * s) { print \$k, c, \"got\", \$c, \"want\", x; bad = 1 } } }
		END { if (n != $(printf '%s\n' "$want" | wc -l)) { print \"matched\", n; bad = 1 }
			exit bad }' FS=' ' want.$1 FS=, $2"
}

# The summary goes to a file, not into head(1), which would close the pipe while lmi train
# still writes (SIGPIPE before m.csv is written).
t fit 0 'train -t y -f income,age,education,youngkids,oldkids,foreign -c foreign \
	--where split=train -o m.csv $D/model-swisslabor.csv 2> fit.err && head -1 fit.err' - \
	'lmi-train: fitted 582 of 872 rows (290 left out by --where), 7 terms\n' ''
# glm(y ~ income + age + education + youngkids + oldkids + foreign): estimate (column 2) and
# standard error (column 3) of each term
want='(Intercept) 2 11.4938496721567
(Intercept) 3 2.7554764978563
income 2 -0.9110802903170
income 3 0.2636531450332
age 2 -0.4865897966259
age 3 0.1086636913402
education 2 0.0215393644963
education 3 0.0364609535405
youngkids 2 -1.1900668347785
youngkids 3 0.2129284002856
oldkids 2 -0.0815541815507
oldkids 3 0.0906646561771
foreign=yes 2 1.1679300989096
foreign=yes 3 0.2370614339767
@deviance 2 713.790678728
@deviance 3 804.340452657
@deviance 4 727.790678728'
close coefficients m.csv 1

# The model card on the 290 held-out rows: pROC's AUC and DeLong standard error, Brier and
# log-loss written out in R (column 4 of rows keyed by the metric name in column 3).
t card 0 'evaluate -q -m m.csv -t y --where split=test $D/model-swisslabor.csv | \
	grep "^all,," > card.csv' - '' ''
want='n 4 290
positives 4 129
auc 4 0.742741586018
auc_se_delong 4 0.0285136214663
brier 4 0.203437794964
log_loss 4 0.589810261172'
close held-out-card card.csv 3

# lmi score on the held-out rows: R's predict(type = "response") for rows 3, 6 and 9.  The
# score (column 11) has six decimals, so it may be 5e-7 off: 2e-6 relative covers that here.
t score 0 'score -q -m m.csv $D/model-swisslabor.csv | awk -F, "\$10 == \"test\"" | head -3 \
	> scored.csv' - '' ''
want='3 11 0.367289096962
6 11 0.396388942844
9 11 0.543547048037'
close held-out-scores scored.csv 1 2e-6
