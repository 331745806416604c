#!/bin/sh
# lmi link: person linkage across two files and within one, options and bad input.
# Expected pairs and agreement levels are worked out by hand from the data
# files (tests/cli/data/link-*.csv), where each true pair was planted on
# purpose; the Jaro-Winkler values are computed in the comments.  Weights and
# probabilities are cut off here (cut -f1,2,5-) except where the comment
# names tests/reference/link_golden.R as their source.
. "$(dirname "$0")/lib.sh"

cp "$D"/link-claims.csv "$D"/link-training.csv "$D"/link-register.csv "$D"/link-weights.csv "$W/"
F='--fields name:jw,birth_date:date,sex,region'
ID='--id claim_id=enrollment_id'

# Claims x training: twelve claims, twelve enrolments, ten planted pairs.
#  c01-t01 day and month swapped (date 3);  c02-t02 LEE SEOYEON/LEE SEOYOEN: m = 11,
#  t = 1, jaro = (1 + 1 + 10/11)/3 = 0.9697, l = 4 -> 0.9818 (name 2);  c03-t03 birth date
#  missing (empty level);  c05-t05, c10-t09 region missing on one side;  c07-t06 MARTHA
#  JONES/JONSE: m = 12, t = 1, jaro = 0.9722, l = 4 -> 0.9833 (name 2), region moved (0);
#  c08-t07 DWAYNE/DWYANE SMITH: jaro 0.9722, l = 2 -> 0.9778 (name 2);  c11-t11 day
#  differs (date 2).  c06, c12, t10 and t12 have no partner.  Order: weight, then A, B.
#  Every weight is a sum of the same per-level weights, so equal patterns tie.
PAIRS='id_a,id_b,gamma_name,gamma_birth_date,gamma_sex,gamma_region
c04,t04,3,4,1,1
c09,t08,3,4,1,1
c02,t02,2,4,1,1
c08,t07,2,4,1,1
c01,t01,3,3,1,1
c11,t11,3,2,1,1
c05,t05,3,4,1,
c10,t09,3,4,1,
c07,t06,2,4,1,0
c03,t03,3,,1,1
'
t two-files 0 "link $ID $F -q link-claims.csv link-training.csv | cut -d, -f1,2,5-" - "$PAIRS"
# The broad sex block adds 62 same-sex non-matching candidates; EM still finds the ten.
t block-sex 0 "link $ID $F --block sex -q link-claims.csv link-training.csv | cut -d, -f1,2,5-" \
	- "$PAIRS"
t block-prefix 0 "link $ID $F --block name:3 --block birth_date:4 -q link-claims.csv \
	link-training.csv | cut -d, -f1,2,5-" - "$PAIRS"
t a-from-stdin 0 "link $ID $F -q - link-training.csv | cut -d, -f1,2,5-" @"$W"/link-claims.csv \
	"$PAIRS"
# in = 12 claims + 12 enrolments; every record is kept, none rejected.
t accounting 0 "link $ID $F link-claims.csv link-training.csv 2>&1 >/dev/null | tail -1" - \
	'lmi-link: in=24 out=24 rejected=0 duplicates=0\n'
t pairs-only 0 "link $ID $F --pairs-only -q link-claims.csv link-training.csv | head -1" - \
	'id_a,id_b,match_weight,match_probability\n'
t threshold-one 0 "link $ID $F --threshold 1 -q link-claims.csv link-training.csv | cut -d, -f1,2" - \
	'id_a,id_b\n'
t default-fields 0 "link $ID -q link-claims.csv link-training.csv | cut -d, -f1,2,5- | head -2" - \
	'id_a,id_b,gamma_name,gamma_birth_date,gamma_sex,gamma_region\nc04,t04,3,4,1,1\n'
# Default comparators: name -> jw, birth_date -> date, sex -> exact, region -> exact.
t params-table 0 "link $ID -q -p params.csv link-claims.csv link-training.csv >/dev/null &&
	sed 2d params.csv | cut -d, -f1-4" - 'field,comparator,level,meaning
name,jw,3,equal
name,jw,2,jaro-winkler >= 0.92
name,jw,1,jaro-winkler >= 0.85
name,jw,0,other
birth_date,date,4,equal
birth_date,date,3,day and month swapped
birth_date,date,2,one of y/m/d differs
birth_date,date,1,within 365 days
birth_date,date,0,other
sex,exact,1,equal
sex,exact,0,other
region,exact,1,equal
region,exact,0,other
'
t one-to-one-two-files 0 "link $ID $F -1 -q link-claims.csv link-training.csv | cut -d, -f1,2,5-" \
	- "$PAIRS"
# Clusters: numbered by their first record (A in order, then B); unmatched records are
# clusters of one, so every one of the 24 records appears once.
t clusters-two-files 0 "link $ID $F --clusters -q link-claims.csv link-training.csv" - \
'cluster_id,file,id
1,a,c01
1,b,t01
2,a,c02
2,b,t02
3,a,c03
3,b,t03
4,a,c04
4,b,t04
5,a,c05
5,b,t05
6,a,c06
7,a,c07
7,b,t06
8,a,c08
8,b,t07
9,a,c09
9,b,t08
10,a,c10
10,b,t09
11,a,c11
11,b,t11
12,a,c12
13,b,t10
14,b,t12
'

# One file: a register against itself, pairs i < j.  p1, p3 and p7 are one person
# (case differs; p7 has day and month swapped; phones equal once '-' is dropped);
# p2-p5: LEE SEOYEON/SEOYOEN (name 2) and phones one edit apart (phone 1).  p1-p3,
# p1-p7 and p3-p7 tie (date levels 4 and 3 each seen twice among the candidates) and
# come in A order; p2-p5 agrees less on two fields, so it weighs less.
REG='id_a,id_b,gamma_name,gamma_birth_date,gamma_sex,gamma_phone
p1,p3,3,4,1,2
p1,p7,3,3,1,2
p3,p7,3,3,1,2
p2,p5,2,4,1,1
'
t self-link 0 "link --id person_id -q link-register.csv | cut -d, -f1,2,5-" - "$REG"
t self-link-stdin 0 "link --id person_id -q | cut -d, -f1,2,5-" @"$W"/link-register.csv "$REG"
t self-one-to-one 0 "link --id person_id -1 -q link-register.csv | cut -d, -f1,2" - \
	'id_a,id_b\np1,p3\np2,p5\n'
t self-clusters 0 "link --id person_id --clusters link-register.csv" - \
	'cluster_id,file,id\n1,a,p1\n1,a,p3\n1,a,p7\n2,a,p2\n2,a,p5\n3,a,p4\n4,a,p6\n5,a,p8\n' -
t self-clusters-accounting 0 "link --id person_id --clusters link-register.csv 2>&1 >/dev/null |
	tail -1" - 'lmi-link: in=8 out=8 rejected=0 duplicates=0\n'
# Default comparators on the register: phone -> id (typo-tolerant).
t self-params 0 "link --id person_id -q -p p.csv link-register.csv >/dev/null &&
	cut -d, -f1,2 p.csv | uniq" - \
	'field,comparator\n_prior,em\nname,jw\nbirth_date,date\nsex,exact\nphone,id\n'

# Values a comparator cannot read count as missing, with one warning per column.
# A column called name is compared by jw (3 = equal) and is the default block, so all
# three pairs are candidates; --threshold 0 lists them all (sorted: weights do not matter).
t bad-number-warns 0 "link --id id --fields name,birth_year:num --threshold 0 -q link-weights.csv |
	cut -d, -f1,2,5- | sort" - '1,2,3,\n1,3,3,1\n2,3,3,\nid_a,id_b,gamma_name,gamma_birth_year\n' \
	"lmi-link: link-weights.csv:3: 1 value(s) of column 'birth_year' are not a number; compared as missing\n"

# Bad input: each names the file (and line) and stops with exit 1.
t missing-id-column 1 "link --id nope link-claims.csv" - '' \
	"lmi-link: link-claims.csv: no column 'nope' (--id)\n"
t missing-id-column-b 1 "link --id claim_id link-claims.csv link-training.csv" - '' \
	"lmi-link: link-training.csv: no column 'claim_id' (--id)\n"
t missing-field-column 1 "link $ID --fields name,income link-claims.csv link-training.csv" - '' \
	"lmi-link: link-claims.csv: no column 'income' (--fields)\n"
t missing-block-column 1 "link $ID --block postcode link-claims.csv link-training.csv" - '' \
	"lmi-link: link-claims.csv: no column 'postcode' (--block)\n"
t unterminated-quote 1 'link --id id' 'id,name\n1,Kim\n2,"Lee\n' '' \
	'lmi-link: <stdin>:3: unterminated quoted field\n'
t ragged-row 1 'link --id id' 'id,name\n1,Kim\n2,Lee,x\n' '' \
	'lmi-link: <stdin>:3: expected 2 fields, found 3\n'
t invalid-utf8 1 'link --id id' 'id,name\n1,\377\n' '' \
	'lmi-link: <stdin>:2: invalid UTF-8 in field 2 (convert it, e.g. lmi ingest --encoding cp949)\n'
t empty-id 1 'link --id id' 'id,name\n1,Kim\n ,Lee\n' '' \
	"lmi-link: <stdin>:3: empty id in column 'id'\n"
t empty-input 1 'link --id id' - '' 'lmi-link: <stdin>: empty input (no header row)\n'
t missing-file 1 'link --id id nope.csv' - '' 'lmi-link: nope.csv: No such file or directory\n'
t too-many-pairs 1 "link $ID $F --block sex --max-pairs 5 link-claims.csv link-training.csv" - '' \
	"lmi-link: blocking pass 'sex' gives more than 5 candidate pairs; use a narrower --block or raise --max-pairs\n"
t nothing-to-compare 1 'link --id id' 'id\n1\n2\n' '' \
	'lmi-link: no column to compare besides the id; name them with --fields\n'
t header-only 0 'link --id id -q' 'id,name\n' 'id_a,id_b,match_weight,match_probability,gamma_name\n'
t write-error 1 "link $ID $F -q link-claims.csv link-training.csv >/dev/full" - '' \
	'lmi-link: write error on standard output: No space left on device\n'
t params-cannot-open 1 "link $ID $F -q -p nodir/p.csv link-claims.csv link-training.csv >/dev/null" \
	- '' "lmi-link: cannot open 'nodir/p.csv': No such file or directory\n"
t params-write-error 1 "link $ID $F -q -p /dev/full link-claims.csv link-training.csv >/dev/null" \
	- '' "lmi-link: cannot write '/dev/full'\n"

# Usage errors: exit 2 with the reason first.
t no-id 2 'link link-claims.csv' - '' -
t no-id-message 0 'link link-claims.csv 2>&1 | head -1' - 'lmi-link: --id is required\n'
t unknown-comparator 2 "link $ID --fields name:soundex link-claims.csv link-training.csv" - '' -
t unknown-comparator-message 0 "link $ID --fields name:soundex link-claims.csv 2>&1 | head -1" - \
	"lmi-link: unknown comparator 'soundex' in --fields (use exact, jw, id, num or date)\n"
t bad-tolerance 0 "link $ID --fields region:num:x link-claims.csv 2>&1 | head -1" - \
	"lmi-link: bad tolerance 'x' for num\n"
t bad-block-prefix 0 "link $ID --block name:0 link-claims.csv 2>&1 | head -1" - \
	"lmi-link: bad prefix length '0' in --block 'name:0' (too small)\n"
t bad-threshold 2 "link $ID --threshold 1.5 link-claims.csv" - '' -
t three-files 2 "link $ID a b c" - '' -
t two-stdins 2 "link $ID - -" - '' -
t clusters-and-pairs-only 2 "link $ID --clusters --pairs-only link-claims.csv" - '' -
t bad-option 2 'link --bogus' - '' -
t help 0 'link --help | head -1 | cut -c1-22' - 'usage: lmi link --id C\n'
t help-example 0 'link --help | grep -c "^example: lmi link"' - '1\n'
t version 0 'link --version | head -1 | cut -d" " -f1-2' - 'lmi-link (lmi)\n'

# Weights, probabilities and the summary line as printed by Rscript
# tests/reference/link_golden.R (the same pipeline written again in base R).
t weights-match-r 0 "link $ID $F --block sex link-claims.csv link-training.csv" - \
'id_a,id_b,match_weight,match_probability,gamma_name,gamma_birth_date,gamma_sex,gamma_region
c04,t04,43.4035,1.000000,3,4,1,1
c09,t08,43.4035,1.000000,3,4,1,1
c02,t02,42.1811,1.000000,2,4,1,1
c08,t07,42.1811,1.000000,2,4,1,1
c01,t01,40.5961,1.000000,3,3,1,1
c11,t11,40.5961,1.000000,3,2,1,1
c05,t05,40.0979,1.000000,3,4,1,
c10,t09,40.0979,1.000000,3,4,1,
c07,t06,36.0092,1.000000,2,4,1,0
c03,t03,23.8345,0.999999,3,,1,1
' 'lmi-link: candidates=72 patterns=14 linked=10 lambda=0.0694445 em_iterations=9
lmi-link: in=24 out=24 rejected=0 duplicates=0
'

# Dates block by their YYYY-MM-DD form whatever the format; KIM MINJUN/KIM MINJN: m = 9,
# t = 0, jaro = (9/10 + 1 + 1)/3 = 0.9667, l = 4 -> 0.98 (name 2).
printf 'id,name,dob\n1,Kim Minjun,1985.3.7\n2,Lee Jun,1990-01-01\n3,Park,1970-05-05\n' >"$W/x.csv"
printf 'id,name,dob\n9,Kim Minjn,19850307\n8,Lee Jun,1990/1/1\n7,Choi,1971-05-05\n' >"$W/y.csv"
t date-formats-block 0 "link --id id --block dob --threshold 0 -q x.csv y.csv | cut -d, -f1,2,5- |
	sort" - '1,9,2,4\n2,8,3,4\nid_a,id_b,gamma_name,gamma_dob\n'

# Synthetic people (scripts/bench.d/80-link.sh: typos, swapped day/month, missing and
# moved fields, 20% of A absent from B, extra people in B) with a known truth file.
# 1200 x 1260 = 1.5 million pairs, more than the one million compared outside the
# blocks, so the sampled estimate of u is exercised.  Precision and recall >= 0.97.
. "$LMI_TOP/scripts/bench.d/80-link.sh"
link_gen 1200 11 "$W/sa.csv" "$W/sb.csv" "$W/st.csv"
SYN='--id id --fields first_name:jw,surname:jw,birth_date:date,sex,region'
SYN="$SYN --block birth_date --block surname:3+first_name:3"
check synthetic-quality "lmi link $SYN -1 -q sa.csv sb.csv >sl.csv &&
	awk -F, 'NR == FNR { t[\$0] = 1; nt++; next } FNR > 1 { n++; tp += (\$1 \",\" \$2) in t }
	END { p = tp / n; r = tp / (nt - 1); print p, r; exit !(p >= 0.97 && r >= 0.97) }' st.csv sl.csv"
check synthetic-deterministic "lmi link $SYN -1 -q sa.csv sb.csv | cmp - sl.csv"

# Hostile input: two 300,000-character names that differ in the last character.  jw and
# id see the first 256 code points (equal there: jaro 1 -> level 2, distance 0 -> level 1),
# so the run takes no time; exact equality still sees the difference.
awk 'BEGIN { s = "xxx"; while (length(s) < 300000) s = s s; s = substr(s, 1, 300000)
	print "id,name"; print "1," s; print "2," substr(s, 2) "y"; print "3,zz" }' >"$W/long.csv"
t long-field 0 "link --id id --fields name:jw,name:id,name:exact --block name:5 --threshold 0 -q long.csv |
	cut -d, -f1,2,5-" - 'id_a,id_b,gamma_name,gamma_name,gamma_name\n1,2,2,1,0\n'

# Comparator inference tolerates a few bad values: nine dates in ten still make a date
# field (the bad one is missing, with a warning); codes with leading zeros stay exact.
printf 'id,dob,code\n1,1985-03-07,01\n2,1985-03-08,02\n3,1985-03-09,03\n4,1985-03-10,01\n5,1985-03-11,02
6,1985-03-12,03\n7,1985-03-13,01\n8,1985-03-14,02\n9,1985-03-15,03\n10,1985x0316,01\n' >"$W/dates.csv"
t infer-date 0 "link --id id -q -p p.csv dates.csv >/dev/null && cut -d, -f1,2 p.csv | uniq" - \
	'field,comparator\n_prior,em\ndob,date\ncode,exact\n' \
	"lmi-link: dates.csv:11: 1 value(s) of column 'dob' are not a date; compared as missing\n"

# Phonetic blocking (:sdx).  American Soundex as the US National Archives define it:
# Robert = Rupert = R163, Rubin = R150, Ashcraft = Ashcroft = A261 (H between S and C does
# not separate them), Tymczak = Tomsuk = T522, Pfister = Pasteur = P236 (F repeats the
# first letter's code), Honeyman = Hannemann = H555.  Hangul: initial consonants,
# 김민준 = 김민중 = ㄱㅁㅈ, 이서연 = ㅇㅅㅇ.  Pairs = records sharing a code.
printf 'id,name\n1,Robert\n2,Rupert\n3,Rubin\n4,Ashcraft\n5,Ashcroft\n6,Tymczak\n7,Tomsuk
8,Pfister\n9,Pasteur\n10,Honeyman\n11,Hannemann\n12,김민준\n13,김민중\n14,이서연\n' >"$W/sdx.csv"
t block-soundex 0 "link --id id --fields name:exact --block name:sdx --threshold 0 -q sdx.csv |
	cut -d, -f1,2 | sort -t, -k1,1n" - 'id_a,id_b\n1,2\n4,5\n6,7\n8,9\n10,11\n12,13\n'
