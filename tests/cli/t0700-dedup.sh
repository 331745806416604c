#!/bin/sh
# lmi dedup: Korean and English variants, reposts inside and outside the window, options,
# --drop accounting, incremental nights with --state, sharding, a killed run, bad input.
#
# Expected clusters are worked out by hand from the rules in lmi-dedup(1):
# dedup-ko.csv rows 1-4 and 12 share the blocking key 한빛소프트|11110|133100 and
# the normalised title 웹개발자 ("[급구] 웹 개발자 채용", "웹개발자 모집",
# "【긴급】웹 개발자", "웹 개발자"); the earliest reg_date is S200 (2025-03-01).
# Row 4 (04-20) is 46 days after row 3 (03-05): inside the 60-day window.
# Row 5 (09-01) is 134 days after row 4: outside, so its own cluster.
# Rows 7-9: "Hanbit Soft Co.，Ltd." / "HANBIT SOFT LTD" / "Hanbit Soft Inc" all
# normalise to hanbitsoft; "Web Developer - URGENT" and "Web Developer (Seoul)"
# to webdeveloper (exact key); "Web Developers" is a near duplicate:
# bigrams of webdeveloper are 11 distinct, webdevelopers adds "rs":
# J = 11/12 = 0.9167 >= 0.7.  With trigrams: 10 vs 11, J = 10/11 = 0.9091.
# Row 10 has another employer, row 11 another region: singletons.
. "$(dirname "$0")/lib.sh"

K=$D/dedup-ko.csv
H='source,source_id,employer_id,employer_name,title,region_code,occupation_code,reg_date,truth_cluster'
cat >"$W/ko.want" <<EOF
$H,dup_cluster,is_canonical
worknet,W100,1208800767,(주)한빛소프트,[급구] 웹 개발자 채용,11110,133100,2025-03-03,A,saramin:S200,0
saramin,S200,,한빛소프트 주식회사,웹개발자 모집,11110,133100,2025-03-01,A,saramin:S200,1
jobkorea,J300,,㈜한빛소프트,【긴급】웹 개발자,11110,133100,2025-03-05,A,saramin:S200,0
worknet,W101,1208800767,(주)한빛소프트,웹 개발자,11110,133100,2025-04-20,A,saramin:S200,0
worknet,W102,1208800767,(주)한빛소프트,웹 개발자,11110,133100,2025-09-01,A,worknet:W102,1
worknet,W103,1208800767,(주)한빛소프트,간호사,11110,133100,2025-03-01,C,worknet:W103,1
indeed,I1,,Hanbit Soft Co.，Ltd.,Web Developer - URGENT,11110,133100,2025-03-02,D,indeed:I1,1
linkedin,L1,,HANBIT SOFT LTD,Web Developer (Seoul),11110,133100,2025-03-04,D,indeed:I1,0
indeed,I2,,Hanbit Soft Inc,Web Developers,11110,133100,2025-03-06,D,indeed:I1,0
worknet,W104,,다른상사,웹 개발자,11110,133100,2025-03-01,E,worknet:W104,1
worknet,W105,1208800767,(주)한빛소프트,웹 개발자,26110,133100,2025-03-01,F,worknet:W105,1
worknet,W100,1208800767,(주)한빛소프트,[급구] 웹 개발자 채용,11110,133100,2025-03-03,A,saramin:S200,0
EOF
t ko-variants 0 'dedup' "@$K" "@$W/ko.want" 'lmi-dedup: in=12 out=12 rejected=0 duplicates=0\n'
t file-argument 0 "dedup $K" - "@$W/ko.want" 'lmi-dedup: in=12 out=12 rejected=0 duplicates=0\n'
t quiet 0 'dedup --quiet' "@$K" "@$W/ko.want" ''
# a second run over its own output replaces dup_cluster and is_canonical in place
t rerun-own-output 0 "dedup -q $K | lmi dedup -q" - "@$W/ko.want" ''
# (rows with dup_cluster columns take the spool's binary form; without, its text form)
check rerun-own-output-rejects "lmi dedup -q --drop --rejects r1.csv <$K >o1.csv &&
	lmi dedup -q <$K | lmi dedup -q --drop --rejects r2.csv >o2.csv &&
	cmp o1.csv o2.csv && [ \$(wc -l <r1.csv) -gt 1 ] &&
	cut -d, -f1-5 r1.csv >a && cut -d, -f1-5 r2.csv >b && cmp a b"

# --window 200: row 5 (134 days after row 4) joins the S200 cluster
sed 's/^\(worknet,W102,.*\),worknet:W102,1$/\1,saramin:S200,0/' "$W/ko.want" >"$W/win.want"
t window 0 'dedup -q --window 200' "@$K" "@$W/win.want"
# --threshold 0.95 > 0.9167: Web Developers is no longer a near duplicate
sed 's/^\(indeed,I2,.*\),indeed:I1,0$/\1,indeed:I2,1/' "$W/ko.want" >"$W/thr.want"
t threshold 0 'dedup -q --threshold 0.95' "@$K" "@$W/thr.want"
# 0.91: bigrams (0.9167) join, trigrams (0.9091) do not
t ngram-2 0 'dedup -q --threshold 0.91' "@$K" "@$W/ko.want"
t ngram-3 0 'dedup -q --ngram 3 --threshold 0.91' "@$K" "@$W/thr.want"

# --exact: no n-gram pass, so Web Developers (a near duplicate only) stands alone, and the
# exact key holds the terms with empty values as values: the rows with employer_id
# 1208800767 (W100 twice, W101 48 days later) and those without (S200, J300) part
sed -e '2s/^\(worknet,W100,.*\),saramin:S200,0$/\1,worknet:W100,1/' \
	-e 's/^\(worknet,W10[01],.*\),saramin:S200,0$/\1,worknet:W100,0/' "$W/thr.want" >"$W/exact.want"
t exact-only 0 'dedup -q --exact' "@$K" "@$W/exact.want"

# --spool-memory: the rows wait in memory, in the temporary file (0), or in both (6000
# postings are 1.4 MB: 1 MiB in memory, the rest in the file); the output is the same
lmi synth --kind vacancy --rows 6000 --seed 5 >"$W/s6k.csv" 2>/dev/null
lmi dedup -q <"$W/s6k.csv" >"$W/s6k.want"
check spool-input-size "[ \$(wc -c <$W/s6k.csv) -gt 1048576 ] && [ \$(wc -l <$W/s6k.want) -gt 6000 ]"
t spool-memory-0 0 'dedup -q --spool-memory 0' "@$W/s6k.csv" "@$W/s6k.want"
t spool-memory-split 0 'dedup -q --spool-memory 1' "@$W/s6k.csv" "@$W/s6k.want"

# --clusters: clusters of two or more in label order, canonical member first, then by date
cat >"$W/cl.want" <<EOF
dup_cluster,size,members
indeed:I1,3,indeed:I1;linkedin:L1;indeed:I2
saramin:S200,5,saramin:S200;worknet:W100;worknet:W100;jobkorea:J300;worknet:W101
EOF
check clusters-file "lmi dedup -q --clusters cl.csv <$K >/dev/null && cmp cl.csv $W/cl.want"

# --truth: truth A = rows 1-5 and 12 (6 rows, 15 pairs) + D (3 pairs) = 18 true pairs;
# found: S200 cluster of 5 (10 pairs) + I1 cluster (3) = 13, all of them true.
# precision 13/13 = 1, recall 13/18 = 0.7222
t truth 0 'dedup --truth truth_cluster >/dev/null' "@$K" '' \
	"lmi-dedup: truth 'truth_cluster': pairs found=13 true=18 both=13 precision=1.0000 recall=0.7222\nlmi-dedup: in=12 out=12 rejected=0 duplicates=0\n"
t truth-missing-column 1 'dedup --truth cluster' "@$K" '' \
	"lmi-dedup: <stdin>:1: missing column 'cluster'\n"

# --drop: 6 canonical rows out, 6 duplicates to --rejects, in = out + duplicates
grep ',1$' "$W/ko.want" >"$W/drop.want"
cat >"$W/rej.want" <<EOF
line,rule,field,value,message,$H
2,DUP,dup_cluster,saramin:S200,"same employer, title, region and occupation within the window",worknet,W100,1208800767,(주)한빛소프트,[급구] 웹 개발자 채용,11110,133100,2025-03-03,A
4,DUP,dup_cluster,saramin:S200,"same employer, title, region and occupation within the window",jobkorea,J300,,㈜한빛소프트,【긴급】웹 개발자,11110,133100,2025-03-05,A
5,DUP,dup_cluster,saramin:S200,"same employer, title, region and occupation within the window",worknet,W101,1208800767,(주)한빛소프트,웹 개발자,11110,133100,2025-04-20,A
9,DUP,dup_cluster,indeed:I1,"same employer, title, region and occupation within the window",linkedin,L1,,HANBIT SOFT LTD,Web Developer (Seoul),11110,133100,2025-03-04,D
10,DUP,dup_cluster,indeed:I1,"similar title at the same employer, region and occupation within the window",indeed,I2,,Hanbit Soft Inc,Web Developers,11110,133100,2025-03-06,D
13,DUP,dup_cluster,saramin:S200,same source and source_id,worknet,W100,1208800767,(주)한빛소프트,[급구] 웹 개발자 채용,11110,133100,2025-03-03,A
EOF
t drop 0 'dedup --drop --rejects rej.csv' "@$K" "$(printf '%s,dup_cluster,is_canonical\\n' "$H")$(sed 's/$/\\n/' "$W/drop.want" | tr -d '\n')" \
	'lmi-dedup: in=12 out=6 rejected=0 duplicates=6\n'
check drop-rejects-file "cmp rej.csv $W/rej.want"
check drop-file-same-lines "lmi dedup -q --drop --rejects rej2.csv $K >/dev/null && cmp rej2.csv $W/rej.want"

# rows without a usable reg_date match any date and are never canonical over a dated row
t missing-date 0 'dedup' \
	'source,source_id,employer_name,title,reg_date\nwn,1,A사,기사,\nwn,2,A사,기사,2025-01-05\nwn,3,A사,기사,soon\n' \
	'source,source_id,employer_name,title,reg_date,dup_cluster,is_canonical\nwn,1,A사,기사,,wn:2,0\nwn,2,A사,기사,2025-01-05,wn:2,1\nwn,3,A사,기사,soon,wn:2,0\n' \
	'lmi-dedup: in=3 out=3 rejected=0 duplicates=0\n'
# same date: the more complete row wins, then the smaller source:source_id
t tie-break 0 'dedup -q' \
	'source,source_id,employer_name,title,reg_date,x\nz,1,B,t,2025-01-01,\nb,1,B,t,2025-01-01,y\nq,1,C,t,2025-01-01,\np,1,C,t,2025-01-01,\n' \
	'source,source_id,employer_name,title,reg_date,x,dup_cluster,is_canonical\nz,1,B,t,2025-01-01,,b:1,0\nb,1,B,t,2025-01-01,y,b:1,1\nq,1,C,t,2025-01-01,,p:1,0\np,1,C,t,2025-01-01,,p:1,1\n'

# empty input and header only
t empty-input 0 'dedup' - '' 'lmi-dedup: in=0 out=0 rejected=0 duplicates=0\n'
t header-only 0 'dedup' 'source,source_id,employer_name,title,reg_date\n' \
	'source,source_id,employer_name,title,reg_date,dup_cluster,is_canonical\n' \
	'lmi-dedup: in=0 out=0 rejected=0 duplicates=0\n'

# bad input: nothing on stdout, file:line on stderr
t missing-column 1 'dedup' 'source,source_id,title,reg_date\nwn,1,t,2025-01-01\n' '' \
	"lmi-dedup: <stdin>:1: missing column 'employer_name'\n"
t missing-column-file 1 "dedup $D/dedup-night1.csv --truth nope" - '' \
	"lmi-dedup: $D/dedup-night1.csv:1: missing column 'nope'\n"
t unterminated-quote 1 'dedup' 'source,source_id,employer_name,title,reg_date\nwn,1,A,t,2025-01-01\nwn,2,"A,t,2025-01-01\n' '' \
	'lmi-dedup: <stdin>:3: unterminated quoted field\n'
t ragged-row 1 'dedup' 'source,source_id,employer_name,title,reg_date\nwn,1,A,t\n' '' \
	'lmi-dedup: <stdin>:2: expected 5 fields, found 4\n'
t invalid-utf8 1 'dedup' 'source,source_id,employer_name,title,reg_date\nwn,1,A\377,t,2025-01-01\n' '' -
check invalid-utf8-message "printf 'source,source_id,employer_name,title,reg_date\nwn,1,A\377,t,x\n' | lmi dedup 2>&1 >/dev/null | grep -q '^lmi-dedup: <stdin>:2: '"
t no-such-file 1 'dedup nope.csv' - '' -
check no-such-file-message "lmi dedup nope.csv 2>&1 | grep -q \"^lmi-dedup: .*nope.csv\""
check dev-full "test_rc=0; lmi dedup $K >/dev/full 2>err || test_rc=\$?; test \$test_rc -eq 1 && grep -q 'lmi-dedup: ' err"

# usage
U='usage: lmi dedup [--window DAYS] [--threshold T] [--drop --rejects FILE] [--clusters F]'
t bad-window 2 'dedup --window 0' - '' "lmi-dedup: --window is too small: '0'\n$U\ntry 'lmi dedup --help'\n"
t bad-window-word 2 'dedup --window two' - '' "lmi-dedup: --window is invalid: 'two'\n$U\ntry 'lmi dedup --help'\n"
t bad-threshold 2 'dedup --threshold 1.5' - '' "lmi-dedup: threshold must be a number in (0, 1]: '1.5'\n$U\ntry 'lmi dedup --help'\n"
t bad-spool-memory 2 'dedup --spool-memory -1' - '' "lmi-dedup: --spool-memory is too small: '-1'\n$U\ntry 'lmi dedup --help'\n"
t bad-threshold-word 2 'dedup -t x' - '' "lmi-dedup: threshold must be a number in (0, 1]: 'x'\n$U\ntry 'lmi dedup --help'\n"
t bad-ngram 2 'dedup --ngram 4' - '' "lmi-dedup: --ngram is too large: '4'\n$U\ntry 'lmi dedup --help'\n"
t drop-needs-rejects 2 'dedup --drop' - '' "lmi-dedup: --drop and --rejects FILE go together\n$U\ntry 'lmi dedup --help'\n"
t rejects-needs-drop 2 'dedup --rejects r.csv' - '' "lmi-dedup: --drop and --rejects FILE go together\n$U\ntry 'lmi dedup --help'\n"
t night-needs-state 2 'dedup --night n1' - '' "lmi-dedup: --night needs --state\n$U\ntry 'lmi dedup --help'\n"
t exact-state 2 'dedup --exact --state x.db' - '' "lmi-dedup: --exact keeps no n-grams, so it cannot update --state\n$U\ntry 'lmi dedup --help'\n"
t shard-alone 2 'dedup --shard-key --state x.db' - '' "lmi-dedup: --shard-key only adds the key; run dedup on each shard\n$U\ntry 'lmi dedup --help'\n"
t two-files 2 'dedup a.csv b.csv' - '' "lmi-dedup: at most one input file\n$U\ntry 'lmi dedup --help'\n"
t unknown-option 2 'dedup --frobnicate' - '' -
check help "lmi dedup --help | grep -q '^example: .*lmi dedup --state'"
check help-memory "lmi dedup --help | grep -q 'at most 48 bytes'"
check version "lmi dedup --version | grep -q '^lmi-dedup'"
# 11 distinct source:source_id + 7 distinct (block, title, terms) keys = 18: rows 1-5 and 12
# give two (employer_id given or empty), rows 6, 7-8, 9, 10 and 11 one each
check stats "lmi dedup --stats <$K 2>&1 >/dev/null | grep -q '^lmi-dedup: rows=12 state_rows=0 exact_keys=18 '"

# Three nights with --state.  Night 2: S1 is W1 of night 1 (same normalised key).
# Night 3: W1 arrives again (same source_id as night 1), J1 is night 1's W2 posted
# two days earlier, so it becomes the canonical posting; W4 is new.
N=source,source_id,employer_name,title,region_code,occupation_code,reg_date,dup_cluster,is_canonical
R='line,rule,field,value,message,source,source_id,employer_name,title,region_code,occupation_code,reg_date'
t night-1 0 "dedup --state s.db --night n1 --drop --rejects r1.csv $D/dedup-night1.csv" - \
	"$N\nworknet,W1,(주)한빛소프트,웹 개발자,11110,133100,2025-03-01,worknet:W1,1\nworknet,W2,대한물산,간호사,11110,133100,2025-03-01,worknet:W2,1\n" \
	'lmi-dedup: in=2 out=2 rejected=0 duplicates=0\n'
N2OUT="$N\nworknet,W3,대한물산,요양보호사,11110,133100,2025-03-02,worknet:W3,1\n"
N2REJ="$R\n2,DUP,dup_cluster,worknet:W1,\"same employer, title, region and occupation within the window\",saramin,S1,한빛소프트 주식회사,웹개발자 모집,11110,133100,2025-03-02\n"
t night-2 0 "dedup --state s.db --night n2 --drop --rejects r2.csv $D/dedup-night2.csv" - "$N2OUT" \
	'lmi-dedup: in=2 out=1 rejected=0 duplicates=1\n'
printf '%b' "$N2REJ" >"$W/r2.want"
check night-2-rejects "cmp r2.csv r2.want"
check night-2-count "test \$(sqlite3 s.db 'SELECT count(*) FROM dedup_posting') = 4"
t night-2-again 0 "dedup --state s.db --night n2 --drop --rejects r2.csv $D/dedup-night2.csv" - "$N2OUT" \
	'lmi-dedup: in=2 out=1 rejected=0 duplicates=1\n'
check night-2-again-rejects "cmp r2.csv r2.want"
check night-2-again-count "test \$(sqlite3 s.db 'SELECT count(*) FROM dedup_posting') = 4"
t night-3 0 "dedup --state s.db --night n3 --drop --rejects r3.csv $D/dedup-night3.csv" - \
	"$N\njobkorea,J1,(유)대한물산,[급구] 간호사,11110,133100,2025-02-27,jobkorea:J1,1\nworknet,W4,새회사,바리스타,11110,133100,2025-03-03,worknet:W4,1\n" \
	'lmi-dedup: in=3 out=2 rejected=0 duplicates=1\n'
printf '%b' "$R\n2,DUP,dup_cluster,worknet:W1,same source and source_id,worknet,W1,(주)한빛소프트,웹 개발자,11110,133100,2025-03-01\n" >"$W/r3.want"
check night-3-rejects "cmp r3.csv r3.want"
# night 1's W2 now belongs to J1's cluster in the state
printf 'n3|jobkorea:J1|jobkorea:J1\nn2|saramin:S1|worknet:W1\nn1|worknet:W1|worknet:W1\nn3|worknet:W1|worknet:W1\nn1|worknet:W2|jobkorea:J1\nn2|worknet:W3|worknet:W3\nn3|worknet:W4|worknet:W4\n' >"$W/st3.want"
check night-3-state "sqlite3 s.db 'SELECT night, key, cluster FROM dedup_posting ORDER BY key, night' | cmp - st3.want"
# without --night the night is named by a hash of the rows: stdin twice adds nothing
check auto-night "lmi dedup -q --state a.db <$D/dedup-night1.csv >o1 && lmi dedup -q --state a.db <$D/dedup-night1.csv >o2 && cmp o1 o2 && test \$(sqlite3 a.db 'SELECT count(*) FROM dedup_posting') = 2"
t state-ngram-mismatch 1 "dedup --state s.db --ngram 3 $D/dedup-night1.csv" - '' \
	'lmi-dedup: s.db: state was built with --ngram 2, not 3\n'
t state-not-a-db 1 "dedup --state $K $D/dedup-night1.csv" - '' -

# Only what tonight can touch is loaded from the state: postings inside the window of
# tonight's dates, postings with tonight's source ids, and their clusters' canonical rows.
# p1: P1 (01-01) and its repost P2 (02-20, 50 days later): one cluster named wn:P1.
# p2: P3 (04-15) is 54 days after P2; P1 is outside [02-14, 06-14] but names the cluster:
#     2 state rows (P2, P1).  p3: P1 listed again on 09-01: only P1 is loaded (1 row).
PH=source,source_id,employer_name,title,region_code,occupation_code,reg_date
printf '%s\nwn,P1,가나상사,바리스타,11110,133100,2025-01-01\nwn,P2,가나상사,바리스타,11110,133100,2025-02-20\n' "$PH" >"$W/p1.csv"
printf '%s\nwn,P3,가나상사,바리스타,11110,133100,2025-04-15\n' "$PH" >"$W/p2.csv"
printf '%s\nwn,P1,가나상사,바리스타,11110,133100,2025-09-01\n' "$PH" >"$W/p3.csv"
t prune-1 0 'dedup -q --state p.db --night p1 p1.csv' - \
	"$PH,dup_cluster,is_canonical\nwn,P1,가나상사,바리스타,11110,133100,2025-01-01,wn:P1,1\nwn,P2,가나상사,바리스타,11110,133100,2025-02-20,wn:P1,0\n"
t prune-2 0 'dedup -q --stats --state p.db --night p2 p2.csv' - \
	"$PH,dup_cluster,is_canonical\nwn,P3,가나상사,바리스타,11110,133100,2025-04-15,wn:P1,0\n" \
	'lmi-dedup: rows=1 state_rows=2 exact_keys=4 key_bytes=32768 bytes_per_key=8192.0\n'
t prune-3 0 'dedup -q --stats --state p.db --night p3 p3.csv' - \
	"$PH,dup_cluster,is_canonical\nwn,P1,가나상사,바리스타,11110,133100,2025-09-01,wn:P1,0\n" \
	'lmi-dedup: rows=1 state_rows=1 exact_keys=2 key_bytes=32768 bytes_per_key=16384.0\n'

# --shard-key: the blocking key first; two shards give the same clusters as one run
# (awk routes on the key's first hex digit the way parallel --shard routes on a hash)
check shard-column "lmi dedup -q --shard-key <$K | head -1 | grep -q '^dedup_block,source,'"
check shard-keys-agree "lmi dedup -q --shard-key <$K | awk -F, 'NR>1 && \$3 ~ /W10[0-4]|S200|J300/ {print \$1}' | sort -u | wc -l | grep -qx 2"
check sharded-equals-single "lmi dedup -q --shard-key <$K | awk -F, 'NR==1{print >\"s0\"; print >\"s1\"; next} {f = (\$1 ~ /^[0-7]/) ? \"s0\" : \"s1\"; print >f}' &&
	test -s s0 && test -s s1 &&
	{ lmi dedup -q s0; lmi dedup -q s1; } | awk -F, '\$1 != \"dedup_block\" {print \$3\",\"\$(NF-1)\",\"\$NF}' | sort >sharded &&
	lmi dedup -q $K | awk -F, 'NR>1 {print \$2\",\"\$(NF-1)\",\"\$NF}' | sort >single &&
	cmp sharded single"
t shard-accounting 0 'dedup --shard-key >/dev/null' "@$K" '' 'lmi-dedup: in=12 out=12 rejected=0 duplicates=0\n'

# SIGKILL while the state is written: the test hook (LMI_DEDUP_TEST_PAUSE=N) stops the
# run after N of 20000 rows are in the open transaction (with a page cache of 16 pages, so
# changed pages have reached the database file and the journal); after kill -9 the
# database must be intact and unchanged (the hot journal rolls back), and a re-run must
# give the answer of a run that was not killed.
check killed-run "lmi synth --kind vacancy --rows 20000 --seed 5 >big.csv &&
	lmi dedup -q --state k.db --night n1 $D/dedup-night1.csv >/dev/null &&
	cp k.db fresh.db &&
	{ LMI_DEDUP_TEST_PAUSE=3000 lmi dedup -q --state k.db --night big big.csv >/dev/null 2>hook & } &&
	pid=\$! && i=0 && while ! grep -q paused hook && [ \$i -lt 600 ]; do sleep 0.05; i=\$((i+1)); done &&
	grep -q 'test hook: paused after 3000 state rows' hook &&
	test -s k.db-journal && kill -9 \$pid && { wait \$pid; test \$? -eq 137; } &&
	test -s k.db-journal &&
	test \"\$(sqlite3 k.db 'PRAGMA integrity_check')\" = ok &&
	test \"\$(sqlite3 k.db 'SELECT count(*) FROM dedup_posting')\" = 2 &&
	lmi dedup -q --state k.db --night big big.csv >after &&
	lmi dedup -q --state fresh.db --night big big.csv >want &&
	cmp after want &&
	test \"\$(sqlite3 k.db 'SELECT count(*) FROM dedup_posting')\" = 20002"

# Acceptance on lmi synth's planted duplicates (truth_cluster): precision and recall >= 0.98.
# lmi synth plants reposts 10 to 59 days after the original, inside the default window.
check synth-precision-recall "lmi synth --kind vacancy --rows 20000 --seed 3 |
	lmi dedup -q --truth truth_cluster 2>truth >/dev/null &&
	awk '{ for (i = 1; i <= NF; i++) { split(\$i, kv, \"=\"); v[kv[1]] = kv[2] } }
		END { exit !(v[\"precision\"] >= 0.98 && v[\"recall\"] >= 0.98) }' truth"
