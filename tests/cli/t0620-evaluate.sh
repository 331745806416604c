#!/bin/sh
# lmi evaluate: the model card against R.  Every expected number is printed by
# tests/reference/model_evaluate.R (pROC 1.18 for AUC and the DeLong variance, cross-checked
# by a base-R DeLong; Brier, log-loss, Hosmer-Lemeshow and confusion counts written out in
# base R) for glm(am ~ wt + hp) on mtcars, evaluated in-sample.
. "$(dirname "$0")/lib.sh"

# card NAME GROUP LEVEL METRIC WANT [TOL]: the card row has WANT (relative TOL, absolute at 0)
card() {
	check "$1" "awk -F, -v g='$2' -v l='$3' -v m='$4' -v w='$5' -v tol=${6:-1e-6} '
		\$1 == g && \$2 == l && \$3 == m { f = 1
			if (w == \"\") { if (\$4 != \"\") { print \"got\", \$4; exit 1 } ; next }
			d = \$4 - w; if (d < 0) d = -d; s = w < 0 ? -w : w
			if (s == 0) s = 1; if (d > tol * s || \$4 == \"\") { print \"got\", \$4; exit 1 } }
		END { if (!f) { print \"no row\"; exit 1 } }' card.csv"
}

t fit 0 'train -q -t am -f wt,hp -o m.csv $D/model-mtcars.csv' - '' ''
t card 0 'evaluate -m m.csv -g cyl $D/model-mtcars.csv > card.csv && head -1 card.csv' - \
	'group,level,metric,value\n' 'lmi-evaluate: in=32 out=32 rejected=0 duplicates=0\n'
card all-n all '' n 32
card all-prevalence all '' prevalence 0.40625
card all-mean-predicted all '' mean_predicted 0.40625
card all-auc all '' auc 0.983805668016
card all-auc-se all '' auc_se_delong 0.0176473641439
card all-auc-lower all '' auc_lower_95 0.949217469872
card all-auc-upper all '' auc_upper_95 1
card all-brier all '' brier 0.0465923632253
card all-log-loss all '' log_loss 0.157173601129
card all-calibration-slope all '' calibration_slope 1 1e-5
card all-calibration-intercept all '' calibration_intercept 0 1e-6
card all-tp-low all '' tp_at_low 13 0
card all-fp-low all '' fp_at_low 2 0
card all-tn-low all '' tn_at_low 17 0
card all-fn-low all '' fn_at_low 0 0
card all-fpr-low all '' fpr_at_low 0.105263157895
card all-tp-high all '' tp_at_high 12 0
card all-fn-high all '' fn_at_high 1 0
card all-fpr-high all '' fpr_at_high 0.0526315789474
card all-fnr-high all '' fnr_at_high 0.0769230769231
card hl-chisq all '' hosmer_lemeshow_chisq 2.4036523035
card hl-df all '' hosmer_lemeshow_df 8 0
card hl-p all '' hosmer_lemeshow_p 0.966072407258
card decile-1-n decile 1 n 4 0
card decile-1-mean decile 1 mean_predicted 0.000137232332299 1e-5
card decile-6-n decile 6 n 4 0
card decile-6-mean decile 6 mean_predicted 0.326970704798
card decile-6-observed decile 6 observed_rate 0.5
card decile-10-mean decile 10 mean_predicted 0.999282738469
card cyl4-n cyl 4 n 11 0
card cyl4-prevalence cyl 4 prevalence 0.727272727273
card cyl4-mean-predicted cyl 4 mean_predicted 0.771258558867
card cyl4-auc cyl 4 auc 0.958333333333
card cyl4-auc-se cyl 4 auc_se_delong 0.0589255650989
card cyl4-auc-lower cyl 4 auc_lower_95 0.842841347971
card cyl4-brier cyl 4 brier 0.0930648378958
card cyl4-log-loss cyl 4 log_loss 0.290892717199
card cyl4-cal-intercept cyl 4 calibration_intercept -0.403020314547 1e-5
card cyl4-cal-slope cyl 4 calibration_slope 0.692998267827 1e-5
card cyl4-fpr-high cyl 4 fpr_at_high 0.333333333333
card cyl6-auc cyl 6 auc 1
card cyl6-fnr-high cyl 6 fnr_at_high 0.333333333333
# cyl 6 is separated by the score; R's glm still stops by its deviance rule (with a warning)
# at slope 16.8130817272, and so does lmi
card cyl6-slope-separated cyl 6 calibration_slope 16.8130817272 1e-5
card cyl8-brier cyl 8 brier 0.00592273848009
card cyl8-fpr-low cyl 8 fpr_at_low 0.0833333333333
# gaps (max - min over cyl): FPR at high 1/3 - 0, FNR at high 1/3 - 0, calibration in the
# large (prevalence - mean predicted) 0.105721111008 - (-0.043985831594) = 0.149706942602
card gap-fpr-high cyl '(max-min)' fpr_at_high_gap 0.333333333333
card gap-fnr-high cyl '(max-min)' fnr_at_high_gap 0.333333333333
card gap-citl cyl '(max-min)' calibration_in_the_large_gap 0.149706942602

# options
t md 0 'evaluate -q -m m.csv --format md $D/model-mtcars.csv | sed -n 1,4p' - \
	'| group | level | metric | value |\n|---|---|---|---|\n| all |  | threshold_low | 0.2 |\n| all |  | threshold_high | 0.5 |\n' ''
t tiers 0 'evaluate -q -m m.csv --tiers low:0.1,high:0.9 $D/model-mtcars.csv | grep threshold' - \
	'all,,threshold_low,0.1\nall,,threshold_high,0.9\n' ''
# --where gear=4: 12 cars, 8 with am = 1 (table(mtcars$gear, mtcars$am))
t where 0 'evaluate -m m.csv --where gear=4 $D/model-mtcars.csv | grep -E ",(n|positives)," | head -2' - \
	'all,,n,12\nall,,positives,8\n' \
	'lmi-evaluate: 20 rows left out by --where\nlmi-evaluate: in=12 out=12 rejected=0 duplicates=0\n'
t target-override 0 'evaluate -q -m m.csv -t vs $D/model-mtcars.csv | grep ",positives,"' - \
	'all,,positives,14\n' ''
# a protected attribute that is not a model feature, and a level with one class only
t group-not-feature 0 'evaluate -q -m $D/model-hand.csv -g sex | grep -E "^sex,m,(n|auc|auc_se_delong),"' \
	'ltu,age,ui,edu,sex\n1,52,1,mid,f\n0,30,0,high,m\n1,,0,low,f\n0,20,0,mid,f\n0,0,0,high,f\n' \
	'sex,m,n,1\nsex,m,auc,\nsex,m,auc_se_delong,\n' ''

# rejected rows: bad target, unscorable row
# 29 card rows: header, 2 thresholds, 25 metrics of the one row left, HL undefined (n < 10)
t rejected 3 'evaluate -m $D/model-hand.csv > c.csv; rc=$?; grep -c . c.csv; exit $rc' \
	'ltu,age,ui,edu\n1,52,1,mid\n2,30,0,high\n0,20,9,mid\n' '29\n' \
	"lmi-evaluate: <stdin>:3: target must be 0 or 1 (or FALSE or TRUE), found '2'
lmi-evaluate: <stdin>:4: cannot score: unknown_level '9' of 'ui'
lmi-evaluate: in=3 out=1 rejected=2 duplicates=0\n"
t no-target-column 1 'evaluate -m $D/model-hand.csv' 'age,ui,edu\n1,0,mid\n' '' \
	"lmi-evaluate: <stdin>:1: no column 'ltu' (the target) in the header\n"
t no-group-column 1 'evaluate -m m.csv -g region $D/model-mtcars.csv' - '' \
	"lmi-evaluate: $D/model-mtcars.csv:1: no column 'region' (in --group) in the header\n"
t empty-input 1 'evaluate -m m.csv' - '' 'lmi-evaluate: <stdin>: empty input\n'

# usage
U="$(lmi evaluate --help | head -1)\ntry 'lmi evaluate --help'\n"
t no-model 2 'evaluate' - '' "lmi-evaluate: --model is required\n$U"
t bad-format 2 'evaluate -m m.csv --format xlsx' - '' "lmi-evaluate: --format is 'csv' or 'md'\n$U"
t bad-where 2 'evaluate -m m.csv --where gear' - '' "lmi-evaluate: --where wants COL=VALUE, not 'gear'\n$U"
t help 0 'evaluate --help | grep -c "^example: lmi evaluate"' - '1\n'
t version 0 'evaluate --version | grep -c "^lmi-evaluate"' - '1\n'
t dev-full 1 'evaluate -q -m m.csv $D/model-mtcars.csv > /dev/full' - - \
	"lmi-evaluate: write error on standard output: No space left on device\n"
