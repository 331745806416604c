#!/bin/sh
# lmi score: probability, tier and reasons from a hand-written model (tests/cli/data/model-hand.csv).
#
# Hand calculation.  Per-feature mean terms: age 0.05*40 + 0.3*0.1 (age:missing) = 2.03,
# ui 0.8*0.5 = 0.40, edu -0.6*0.3 + 0.4*0.2 = -0.10.  eta = -1 + 0.05 age + 0.8 [ui=1]
# - 0.6 [edu=high] + 0.4 [edu=low]; a missing age counts 0.3 + 0.05*40 = 2.3.
#   52,1,mid : eta = -1 + 2.6 + 0.8       =  2.4  p = 1/(1+e^-2.4) = 0.916827  high
#              age 2.6-2.03 = +0.57, ui 0.8-0.4 = +0.40, edu 0+0.10 = +0.10
#   30,0,high: eta = -1 + 1.5 - 0.6       = -0.1  p = 0.475021  medium
#              age 1.5-2.03 = -0.53, edu -0.6+0.1 = -0.50, ui -0.40
#   ,0,low   : eta = -1 + 2.3 + 0.4       =  1.7  p = 0.845535  high
#              edu 0.4+0.1 = +0.50, ui -0.40, age 2.3-2.03 = +0.27
#   20,0,mid : eta = -1 + 1.0             =  0    p = 0.500000  high (at the threshold)
#              age 1-2.03 = -1.03, ui -0.40, edu +0.10
#   1,0,mid  : eta = -1 + 0.05            = -0.95 p = 1/(1+e^0.95) = 0.278885  medium
#              age 0.05-2.03 = -1.98, ui -0.40, edu +0.10
#   0,0,high : eta = -1 + 0 - 0.6         = -1.6  p = 0.167982  low
#              age -2.03, edu -0.50, ui -0.40
. "$(dirname "$0")/lib.sh"

IN='id,age,ui,edu\na,52,1,mid\nb,30,0,high\nc,,0,low\nd,20,0,mid\ne,0,0,high\n'
OUT='id,age,ui,edu,score,tier,reasons
a,52,1,mid,0.916827,high,age=52 +0.57; ui=1 +0.40; edu=mid +0.10
b,30,0,high,0.475021,medium,age=30 -0.53; edu=high -0.50; ui=0 -0.40
c,,0,low,0.845535,high,edu=low +0.50; ui=0 -0.40; age=(missing) +0.27
d,20,0,mid,0.500000,high,age=20 -1.03; ui=0 -0.40; edu=mid +0.10
e,0,0,high,0.167982,low,age=0 -2.03; edu=high -0.50; ui=0 -0.40\n'
t hand 0 'score -m $D/model-hand.csv' "$IN" "$OUT" 'lmi-score: in=5 out=5 rejected=0 duplicates=0\n'
# The same model with level low renamed lo"w,x (model-hand-quote.csv): the reasons
# text then holds a quote and a comma and goes out quoted, on first sight of the
# level and on the repeat (the second comes from the memo of repeated values).
t reasons-quoted 0 'score -q -m $D/model-hand-quote.csv' \
	'id,age,ui,edu\nc,,0,"lo""w,x"\na,52,1,mid\nc2,,0,"lo""w,x"\n' \
'id,age,ui,edu,score,tier,reasons
c,,0,"lo""w,x",0.845535,high,"edu=lo""w,x +0.50; ui=0 -0.40; age=(missing) +0.27"
a,52,1,mid,0.916827,high,age=52 +0.57; ui=1 +0.40; edu=mid +0.10
c2,,0,"lo""w,x",0.845535,high,"edu=lo""w,x +0.50; ui=0 -0.40; age=(missing) +0.27"\n' ''
t top-k-1 0 'score -q -m $D/model-hand.csv --top-k 1 | cut -d, -f5-' "$IN" \
'score,tier,reasons
0.916827,high,age=52 +0.57
0.475021,medium,age=30 -0.53
0.845535,high,edu=low +0.50
0.500000,high,age=20 -1.03
0.167982,low,age=0 -2.03\n' ''
t top-k-0 0 'score -q -m $D/model-hand.csv -k 0 | cut -d, -f6-' "$IN" 'tier,reasons\nhigh,\nmedium,\nhigh,\nhigh,\nlow,\n'
t tiers-override 0 'score -q -m $D/model-hand.csv --tiers low:0.48,high:0.9 | cut -d, -f6' "$IN" \
	'tier\nhigh\nlow\nmedium\nmedium\nlow\n'
printf "$IN" >"$W/in.csv"
t file-argument 0 'score -q -m $D/model-hand.csv in.csv | wc -l' - '6\n'

# rejects: unknown level, not a number, missing feature without a missing term
BAD='id,age,ui,edu\na,52,1,mid\nx,33,2,mid\ny,abc,0,low\nz,40,1,\n'
t rejects 3 'score -m $D/model-hand.csv --rejects rej.csv && :; cat rej.csv >&2; exit 3' "$BAD" \
'id,age,ui,edu,score,tier,reasons
a,52,1,mid,0.916827,high,age=52 +0.57; ui=1 +0.40; edu=mid +0.10\n' \
"lmi-score: <stdin>:3: level '2' of 'ui' was not seen in training
lmi-score: <stdin>:4: feature 'age' is not a number: 'abc'
lmi-score: <stdin>:5: feature 'edu' is missing (the model has no missing term for it)
lmi-score: in=4 out=1 rejected=3 duplicates=0
line,rule,field,value,message,id,age,ui,edu
3,unknown_level,ui,2,level '2' of 'ui' was not seen in training,x,33,2,mid
4,not_numeric,age,abc,feature 'age' is not a number: 'abc',y,abc,0,low
5,missing,edu,,feature 'edu' is missing (the model has no missing term for it),z,40,1,\n"
t rejects-exit-3 3 'score -q -m $D/model-hand.csv 2>/dev/null' "$BAD" - ''
t rejects-quiet-still-warns 3 'score -q -m $D/model-hand.csv >/dev/null' 'age,ui,edu\n1,7,mid\n' - \
	"lmi-score: <stdin>:2: level '7' of 'ui' was not seen in training\n"

# a model trained here scores like R's fitted() (tests/reference/model_evaluate.R:
# 0.966622688551 0.796052006065 0.932081273313)
t trained-like-r 0 'train -q -t am -f wt,cyl -c cyl -o m.csv $D/model-mtcars.csv &&
	lmi score -q -m m.csv -k 0 $D/model-mtcars.csv | sed -n 2,4p | cut -d, -f13' - \
	'0.966623\n0.796052\n0.932081\n' ''

# reasons order (2026-11-26, pinned before the top-k selection was rewritten): larger
# |contribution| first, ties in feature order; a negative value rounding to zero prints
# +0.00; a contribution past the fast formatting range prints as printf rounds it.
printf 'term,estimate,std_error,z_value,p_value,mean\n@target,y,,,,\n@feature,a,numeric,,0,\n@feature,b,numeric,,0,\n@feature,c,numeric,,0,\n(Intercept),0,1,0,1,1\na,1,1,1,1,0\nb,-1,1,1,1,0\nc,1,1,1,1,0\n' >"$W/tie.csv"
TIE='a,b,c\n1,1,2\n0,3,-3\n-0.001,0,0.004\n0,0,12345678.125\n'
t reasons-ties 0 'score -q -m tie.csv' "$TIE" \
'a,b,c,score,tier,reasons
1,1,2,0.880797,high,c=2 +2.00; a=1 +1.00; b=1 -1.00
0,3,-3,0.002473,low,b=3 -3.00; c=-3 -3.00; a=0 +0.00
-0.001,0,0.004,0.500750,high,c=0.004 +0.00; a=-0.001 +0.00; b=0 +0.00
0,0,12345678.125,1.000000,high,c=12345678.125 +12345678.12; a=0 +0.00; b=0 +0.00\n' ''
t reasons-ties-k2 0 'score -q -m tie.csv -k 2 | cut -d, -f6' "$TIE" \
	'reasons\nc=2 +2.00; a=1 +1.00\nb=3 -3.00; c=-3 -3.00\nc=0.004 +0.00; a=-0.001 +0.00\nc=12345678.125 +12345678.12; a=0 +0.00\n' ''
t top-k-beyond-features 0 'score -q -m $D/model-hand.csv -k 1000 | cut -d, -f7' "$IN" \
'reasons
age=52 +0.57; ui=1 +0.40; edu=mid +0.10
age=30 -0.53; edu=high -0.50; ui=0 -0.40
edu=low +0.50; ui=0 -0.40; age=(missing) +0.27
age=20 -1.03; ui=0 -0.40; edu=mid +0.10
age=0 -2.03; edu=high -0.50; ui=0 -0.40\n' ''

# input and model problems
t no-feature-column 1 'score -m $D/model-hand.csv' 'age,ui\n1,0\n' '' \
	"lmi-score: <stdin>:1: no column 'edu' (a feature) in the header\nlmi-score: in=0 out=0 rejected=0 duplicates=0\n"
t malformed-input 1 'score -q -m $D/model-hand.csv' 'age,ui,edu\n1,0,mid\n2,"0\n' \
	'age,ui,edu,score,tier,reasons\n1,0,mid,0.278885,medium,age=1 -1.98; ui=0 -0.40; edu=mid +0.10\n' \
	'lmi-score: <stdin>:3: unterminated quoted field\n'
t empty-input 0 'score -m $D/model-hand.csv' - '' 'lmi-score: in=0 out=0 rejected=0 duplicates=0\n'
t no-model-file 1 'score -m nope.csv' 'a\n' '' "lmi-score: nope.csv: No such file or directory\n"
printf 'a,b\n1,2\n' >"$W/notmodel.csv"
t not-a-model 1 'score -m notmodel.csv' 'a\n' '' \
	"lmi-score: notmodel.csv: not an lmi model file (header must start with 'term')\n"
printf 'term,estimate,std_error,z_value,p_value,mean\n@target,y,,,,\n(Intercept),1,1,1,1,1\nx,1,1,1,1,1\n' >"$W/orphan.csv"
t orphan-term 1 'score -m orphan.csv' 'x\n1\n' '' \
	"lmi-score: orphan.csv: line 4: term 'x' matches no @feature\n"
printf 'term,estimate,std_error,z_value,p_value,mean\n@target,y,,,,\n(Intercept),1,oops,1,1,1\n' >"$W/badnum.csv"
t bad-number-in-model 1 'score -m badnum.csv' 'x\n1\n' '' \
	"lmi-score: badnum.csv: line 3: term '(Intercept)': bad number 'oops'\n"

# usage
U="$(lmi score --help | head -1)\ntry 'lmi score --help'\n"
t no-model 2 'score' - '' "lmi-score: --model is required\n$U"
t bad-top-k 2 'score -m x -k -1' - '' "lmi-score: --top-k is too small: '-1'\n$U"
t bad-tiers 2 'score -m $D/model-hand.csv --tiers low:0.5' - '' \
	"lmi-score: --tiers wants low:P,high:P with 0 < low <= high < 1\n$U"
t two-files 2 'score -m x a b' - '' "lmi-score: at most one input file\n$U"
t help 0 'score --help | grep -c "^example: lmi score"' - '1\n'
t version 0 'score --version | grep -c "^lmi-score"' - '1\n'
t dev-full 1 'score -q -m $D/model-hand.csv > /dev/full' "$IN" - \
	"lmi-score: write error on standard output: No space left on device\n"
