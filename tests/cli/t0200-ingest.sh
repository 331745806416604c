#!/bin/sh
# lmi ingest: profiles x kinds, transforms, raw_ columns and ingest_flags, CP949,
# person keys, rejects, bad input and usage.  Every expected row below is written
# by hand from the fixture (tests/cli/data/ingest-*) and the transform rules of
# lmi-ingest(1); person keys are checked against Python's hmac module, an
# independent HMAC-SHA-256.
. "$(dirname "$0")/lib.sh"

# Profiles come from data-samples/profiles whatever build tree runs the test.
LMI_PROFILE_DIR=$S/profiles
export LMI_PROFILE_DIR
unset LMI_KEY_FILE || true

for f in worknet claims hrd canonical-vacancy canonical-claim canonical-training; do
	cp "$D/ingest-$f.csv" "$W/$f.csv"
done
cp "$D/ingest-bad.profile" "$D/ingest-mini.profile" "$W/"
printf '0123456789abcdef0123456789abcdef\n' >"$W/k.key"
chmod 600 "$W/k.key"
printf 'short\n' >"$W/s.key"
chmod 600 "$W/s.key"
printf '0123456789abcdef0123456789abcdef' >"$W/open.key"
chmod 644 "$W/open.key"

# ---- worknet x vacancy: every column, hand-written ----
# K001: busino dashes dropped, "3,500,000" -> 3500000, 대졸(4년) -> 05, 경력 -> E.
# K002: leading zeros kept (0123456789, 024100), 시급 -> H, "12,000원" -> 12000,
#       협의 -> empty (not a failure), 학력무관 -> 00, 관계없음 -> Z, 20260905,
#       채용시까지 -> close_date empty and until_filled 1.
# K003: 10만원 -> 100000, 12만원 -> 120000, 2026.09.10 and 2026/9/30, codes 00 and N
#       pass the maps as they are.
# K004: seven fields fail: 12-AB (letters), X, abc, 대학원, ?, 2026-02-30, "next week".
# K005: 연봉 -> Y, "3,200만원" -> 32000000, a time part dropped, 9999-12-31 = until filled.
H='source,source_id,employer_id,employer_name,title,description,occupation_code,industry_code,'
H=${H}'region_code,employment_type,wage_type,wage_min,wage_max,hours_per_week,edu_min,career_req,'
H=${H}'positions,reg_date,close_date,until_filled,status,status_date,hires,raw_employer_id,'
H=${H}'raw_wage_type,raw_wage_min,raw_wage_max,raw_hours_per_week,raw_edu_min,raw_career_req,'
H=${H}'raw_positions,raw_reg_date,raw_close_date,ingest_flags'
E14=',,,,,,,,,,,,,,'
WANT="$H
worknet,K001,1234567890,(주)한빛소프트,웹 개발자,,133100,,11680,10,M,3500000,4500000,,05,E,,2026-09-01,2026-10-15,0$E14
worknet,K002,0123456789,다온물류,상하차,,024100,,41410,21,H,12000,,,00,Z,,2026-09-05,,1$E14
worknet,K003,6214507891,한솥밥,주방 보조,,531200,,26350,20,D,100000,120000,,00,N,,2026-09-10,2026-09-30,0$E14
worknet,K004,,오류상사,영업,,611100,,11140,10,,,,,,,,,,0,,,,12-AB,X,abc,,,대학원,?,,2026-02-30,next week,employer_id;wage_type;wage_min;edu_min;career_req;reg_date;close_date
worknet,K005,2208713571,데이터웨이브,데이터 엔지니어,,133200,,11440,10,Y,32000000,,,05,E,,2026-09-15,,1$E14
"
printf '%s' "$WANT" >"$W/worknet.want"
t worknet-vacancy 0 'ingest --kind vacancy --profile worknet worknet.csv' - @"$W/worknet.want" \
	"lmi-ingest: worknet.csv:5: cannot parse employer_id '12-AB' (kept in raw_employer_id)
lmi-ingest: rows with unparseable values: 1 (see ingest_flags)
lmi-ingest: in=5 out=5 rejected=0 duplicates=0\n"
t stdin-and-dispatcher 0 'ingest -q -k vacancy -p worknet' @"$W/worknet.csv" @"$W/worknet.want" ''
t dash-is-stdin 0 'ingest -q -k vacancy -p worknet -' @"$W/worknet.csv" @"$W/worknet.want" ''
t quiet 0 'ingest --quiet --kind vacancy --profile worknet worknet.csv' - @"$W/worknet.want" ''
# Two files: one header, rows of both, counts add up.
t two-files 0 'ingest -k vacancy -p worknet worknet.csv worknet.csv | wc -l' - '11\n' \
	"lmi-ingest: worknet.csv:5: cannot parse employer_id '12-AB' (kept in raw_employer_id)
lmi-ingest: worknet.csv:5: cannot parse employer_id '12-AB' (kept in raw_employer_id)
lmi-ingest: rows with unparseable values: 2 (see ingest_flags)
lmi-ingest: in=10 out=10 rejected=0 duplicates=0\n"
# salTpNm is the alternative to salTpCd.
t wage-type-name-column 0 \
	'ingest -q -k vacancy -p worknet | cut -d, -f2,11' \
	'wantedAuthNo,company,busino,title,jobsCd,regionCd,empTpCd,salTpNm,minSal,maxSal,minEdubg,career,regDt,closeDt\nK9,a,1,t,1,1,10,월급,1,1,00,N,20260101,20260201\n' \
	'source_id,wage_type\nK9,M\n' ''

# ---- date formats, one per row, through the mini profile (source_id, reg_date) ----
t date-formats 0 'ingest -q -k vacancy -p ./ingest-mini.profile | cut -d, -f2,18' \
	'id,date\na,2026-09-01\nb,20260902\nc,2026.09.03\nd,2026/9/4\ne,2026-9-5\nf,2026.9.6.\ng,2026-09-07T09:00\nh, 2026-09-08 \ni,\nj,2026-13-01\nk,채용시까지\n' \
	'source_id,reg_date\na,2026-09-01\nb,2026-09-02\nc,2026-09-03\nd,2026-09-04\ne,2026-09-05\nf,2026-09-06\ng,2026-09-07\nh,2026-09-08\ni,\nj,\nk,\n' ''
# "채용시까지" is a failure for reg_date (date), not for close_date (enddate).
t until-filled-only-for-close 0 'ingest -q -k vacancy -p ./ingest-mini.profile | cut -d, -f2,18,24-' \
	'id,date\nj,2026-13-01\nk,채용시까지\n' \
	'source_id,reg_date,raw_reg_date,ingest_flags\nj,,2026-13-01,reg_date\nk,,채용시까지,reg_date\n' ''
# An optional source column may be absent; 'a|b' takes the first present.
t optional-and-alternative 0 'ingest -q -k vacancy -p ./ingest-mini.profile | cut -d, -f1,2,18' \
	'wantedAuthNo,x\nW1,y\n' 'source,source_id,reg_date\ntest,W1,\n' ''
t profile-by-path-header 0 'ingest -q -k vacancy -p ./ingest-mini.profile | head -1 | tr , "\\n" | tail -3' \
	'id\n' 'hires\nraw_reg_date\ningest_flags\n' ''

# ---- canonical profile x the three kinds ----
# vacancy: 20260901 -> ISO; 채용시까지 -> empty close_date (enddate); "1만" is not a
# canonical number (num, decimal dot only), so it lands in raw_wage_min.
t canonical-vacancy 0 \
	'ingest -q -k vacancy -p canonical canonical-vacancy.csv | cut -d, -f1-5,7,9-12,18-20,24,33' - \
	'source,source_id,employer_id,employer_name,title,occupation_code,region_code,employment_type,wage_type,wage_min,reg_date,close_date,until_filled,raw_wage_min,ingest_flags
worknet,K1,0123456789,가나,제목,024100,01680,4,M,2300000,2026-09-01,,1,,
portal,P2,1234567890,다라,제목2,133100,11680,10,H,,2026-09-02,2026-09-30,0,1만,wage_min\n' ''
# claim: absent optional columns come out empty; 2026/3/2 -> 2026-03-02; 0110 kept.
t canonical-claim 0 'ingest -q -k claim -p canonical canonical-claim.csv | cut -d, -f1-14' - \
	'claim_id,person_key,birth_year,sex,residence_region,office_code,separation_date,separation_reason,last_industry,last_occupation,desired_occupation,insured_months,eligibility_date,entitled_days
C01,ab12,,,,0110,2026-03-02,,,,,,2026-03-16,180\n' ''
t canonical-claim-raw-columns 0 \
	'ingest -q -k claim -p canonical canonical-claim.csv | head -1 | cut -d, -f24-' - \
	'raw_birth_year,raw_separation_date,raw_insured_months,raw_eligibility_date,raw_entitled_days,raw_avg_daily_wage,raw_daily_benefit,raw_first_payment_date,raw_days_paid,raw_amount_paid,raw_end_date,raw_reemployment_date,ingest_flags\n' ''
# training: person_key passes as text; 880.0 -> 880, 0.90 -> 0.9, 01 and 0500 kept.
t canonical-training 0 'ingest -q -k training -p canonical canonical-training.csv' - \
	'enrollment_id,person_key,course_id,course_round,institution_id,training_type,ncs_code,region_code,start_date,end_date,planned_hours,status,attendance_rate,tuition_total,subsidy,outcome_excluded,employed_3m,employed_6m,employment_date,monthly_wage,raw_start_date,raw_end_date,raw_planned_hours,raw_attendance_rate,raw_tuition_total,raw_subsidy,raw_outcome_excluded,raw_employed_3m,raw_employed_6m,raw_employment_date,raw_monthly_wage,ingest_flags
E01,ab12,AIG1,01,0500,C0061,08020101,01680,2025-09-15,2026-02-27,880,completed,0.9,1000000,600000,0,1,1,2026-03-10,2700000,,,,,,,,,,,,\n' ''

# ---- ui x claim and hrd x training: person keys ----
# C001: "120,000원" -> 120000, 20260316 and 2026.04.01 -> ISO.
# C002: entitled_days 300 passes (lmi validate judges it); days_paid "1o" fails.
t ui-claim 0 'ingest -q -k claim -p ui --key-file k.key claims.csv | cut -d, -f1,3-' - \
	'claim_id,birth_year,sex,residence_region,office_code,separation_date,separation_reason,last_industry,last_occupation,desired_occupation,insured_months,eligibility_date,entitled_days,avg_daily_wage,daily_benefit,first_payment_date,days_paid,amount_paid,end_date,end_reason,reemployment_date,reemployment_occupation,raw_birth_year,raw_separation_date,raw_insured_months,raw_eligibility_date,raw_entitled_days,raw_avg_daily_wage,raw_daily_benefit,raw_first_payment_date,raw_days_paid,raw_amount_paid,raw_end_date,raw_reemployment_date,ingest_flags
C001,1990,M,11680,0110,2026-03-02,,,,,,2026-03-16,180,120000,,2026-04-01,30,,,,,,,,,,,,,,,,,,
C002,1985,F,26350,0320,2026-01-05,,,,,,2026-01-20,300,95000,,2026-02-10,,,2026-06-30,reemployed,,,,,,,,,,,1o,,,,days_paid\n' ''
# HMAC-SHA-256 under the key, of the id without '-' and upper-cased, computed by Python.
cat >"$W/keyhash.py" <<'EOF'
import hashlib, hmac, sys
key = open(sys.argv[1], "rb").read().rstrip(b"\n")
for ident in sys.argv[2:]:
    print(hmac.new(key, ident.encode(), hashlib.sha256).hexdigest())
EOF
check ui-person-key-is-hmac 'lmi ingest -q -k claim -p ui --key-file k.key claims.csv |
	cut -d, -f2 >got && { echo person_key; python3 keyhash.py k.key 9001011234567 8505052345678; } >want &&
	cmp want got'
check env-key-file 'LMI_KEY_FILE=k.key lmi ingest -q -k claim -p ui claims.csv >a &&
	lmi ingest -q -k claim -p ui --key-file k.key claims.csv >b && cmp a b'
check raw-id-never-written 'lmi ingest -q -k claim -p ui --key-file k.key claims.csv >o.csv &&
	awk "/1234567|2345678/ { n++ } END { exit n > 0 }" o.csv'
# 수료 -> completed, N/Y -> 0/1, money with separators; row 2: 수료예정 and ? fail,
# 1.4 is a number (lmi validate judges the range), 예 -> 1.
t hrd-training 0 'ingest -q -k training -p hrd --key-file k.key hrd.csv | cut -d, -f1,3-' - \
	'enrollment_id,course_id,course_round,institution_id,training_type,ncs_code,region_code,start_date,end_date,planned_hours,status,attendance_rate,tuition_total,subsidy,outcome_excluded,employed_3m,employed_6m,employment_date,monthly_wage,raw_start_date,raw_end_date,raw_planned_hours,raw_status,raw_attendance_rate,raw_tuition_total,raw_subsidy,raw_outcome_excluded,raw_employed_3m,raw_employed_6m,raw_employment_date,raw_monthly_wage,ingest_flags
0001,AIG20250000498765,3,500020031234,C0054,08020101,11680,2025-09-15,2026-02-27,880,completed,0.94,11500000,9775000,0,0,1,2026-06-20,3420000,,,,,,,,,,,,,
0002,AIG20250000498765,3,500020031234,C0054,08020101,11680,2025-09-15,2026-02-27,880,,1.4,,,1,,,,,,,,수료예정,,,,,?,,,,status;employed_3m\n' ''
check hrd-person-key-is-hmac 'lmi ingest -q -k training -p hrd --key-file k.key hrd.csv |
	cut -d, -f2 >got && { echo person_key; python3 keyhash.py k.key H1234567 H1234568; } >want &&
	cmp want got'

# ---- keys ----
t no-key 2 'ingest -k claim -p ui claims.csv' - '' \
	"lmi-ingest: profile 'ui' hashes person identifiers: give --key-file FILE or set LMI_KEY_FILE
usage: lmi ingest --kind vacancy|claim|training --profile NAME [--encoding ENC]
try 'lmi ingest --help'\n"
t short-key 2 'ingest -k claim -p ui --key-file s.key claims.csv' - '' \
	"lmi-ingest: key file 's.key' must hold 32 to 1024 bytes
usage: lmi ingest --kind vacancy|claim|training --profile NAME [--encoding ENC]
try 'lmi ingest --help'\n"
t missing-key-file 1 'ingest -k claim -p ui --key-file nope.key claims.csv' - '' \
	"lmi-ingest: cannot read key file 'nope.key': No such file or directory\n"
t readable-key-warns 0 'ingest -k claim -p ui --key-file open.key claims.csv >/dev/null' - '' \
	"lmi-ingest: key file 'open.key' is readable by group or others (chmod 600 it)
lmi-ingest: claims.csv:3: cannot parse days_paid '1o' (kept in raw_days_paid)
lmi-ingest: rows with unparseable values: 1 (see ingest_flags)
lmi-ingest: in=2 out=2 rejected=0 duplicates=0\n"
t readable-key-quiet 0 'ingest -q -k claim -p ui --key-file open.key claims.csv >/dev/null' - '' ''
long=$(printf '%0300d' 7)
t identifier-too-long 1 'ingest -q -k claim -p ui --key-file k.key >o; r=$?; cut -d, -f1 o; exit $r' \
	"claim_id,rrn,separation_date,eligibility_date,entitled_days\nC1,1,2026-01-01,2026-01-02,120\nC2,$long,2026-01-01,2026-01-02,120\n" \
	'claim_id\nC1\n' 'lmi-ingest: <stdin>:3: person identifier exceeds 256 bytes\n'
t key-not-needed-without-person 0 'ingest -q -k vacancy -p worknet worknet.csv | wc -l' - '6\n' ''

# ---- ragged rows: rejected, person fields masked in the rejects file ----
# Row 3 has one field too many: fields within 1 of the rrn column (index 1) are masked;
# row 4 has two too few: fields within 2 of it.
t ragged-rejects 3 'ingest -k claim -p ui --key-file k.key --rejects rej.csv >o; r=$?; cut -d, -f1 o; cat rej.csv; exit $r' \
	'claim_id,rrn,separation_date,eligibility_date,entitled_days\nC1,900101-1234567,2026-03-02,2026-03-16,180\nC2,850505-2345678,2026-03-02,extra,2026-03-16,180\nC3,7001011234567,2026-01-02\n' \
	'claim_id\nC1\nfile,line,rule,field,value,message,row
<stdin>,3,ingest-ragged,,,"expected 5 fields, found 6","***,***,***,extra,2026-03-16,180"
<stdin>,4,ingest-ragged,,,"expected 5 fields, found 3","***,***,***"\n' \
	'lmi-ingest: <stdin>:3: expected 5 fields, found 6 (row rejected)
lmi-ingest: <stdin>:4: expected 5 fields, found 3 (row rejected)
lmi-ingest: in=3 out=1 rejected=2 duplicates=0\n'
check raw-id-not-in-rejects 'printf "claim_id,rrn,separation_date,eligibility_date,entitled_days\nC1,900101-1234567,x\nC2,850505-2345678,1,2,3,4,5,6\n" |
	lmi ingest -q -k claim -p ui --key-file k.key --rejects r.csv >o.csv; test $? -eq 3 &&
	awk "/1234567|2345678/ { n++ } END { exit n > 0 }" o.csv r.csv'
t ragged-without-rejects-file 3 'ingest -k vacancy -p ./ingest-mini.profile >o; r=$?; cut -d, -f2 o; exit $r' \
	'id\na\nb,c\n' 'source_id\na\n' \
	'lmi-ingest: <stdin>:3: expected 1 fields, found 2 (row rejected)
lmi-ingest: in=2 out=1 rejected=1 duplicates=0\n'
t rejects-unwritable 1 'ingest -k vacancy -p worknet --rejects /nonexistent/r.csv worknet.csv' - '' \
	"lmi-ingest: cannot open '/nonexistent/r.csv': No such file or directory\n"

# ---- encodings ----
iconv -f UTF-8 -t CP949 "$W/worknet.csv" >"$W/cp949.csv"
t cp949-with-encoding 0 'ingest -q -k vacancy -p worknet --encoding cp949 cp949.csv' - @"$W/worknet.want" ''
t euc-kr-stdin 0 'ingest -q -k vacancy -p worknet -e euc-kr' @"$W/cp949.csv" @"$W/worknet.want" ''
t cp949-without-encoding 1 'ingest -q -k vacancy -p worknet cp949.csv' - "$H\n" \
	'lmi-ingest: cp949.csv:2: invalid UTF-8 in field 2 (convert it, e.g. lmi ingest --encoding cp949)\n'
# \260\241 is 가 in CP949; \377 is no CP949 lead byte.  Rows before the bad line come out.
t cp949-invalid-byte 1 'ingest -q -k vacancy -p ./ingest-mini.profile -e cp949 >o; r=$?; cut -d, -f2 o; exit $r' \
	'id\n\260\241\nb\nc\377\nd\n' 'source_id\n가\nb\n' \
	'lmi-ingest: <stdin>:4: invalid byte sequence for the input encoding (cp949)\n'
t cp949-truncated 1 'ingest -q -k vacancy -p ./ingest-mini.profile -e cp949 >o; r=$?; cut -d, -f2 o; exit $r' \
	'id\na\n\260' 'source_id\na\n' \
	'lmi-ingest: <stdin>:3: incomplete multibyte sequence at end of input (cp949)\n'
t unknown-encoding 2 'ingest -k vacancy -p worknet -e klingon worknet.csv' - '' \
	"lmi-ingest: unknown encoding 'klingon' (see iconv -l)
usage: lmi ingest --kind vacancy|claim|training --profile NAME [--encoding ENC]
try 'lmi ingest --help'\n"

# ---- header and empty input ----
t missing-column 1 'ingest -k vacancy -p worknet' 'wantedAuthNo,company,title\nK1,a,b\n' "$H\n" \
	"lmi-ingest: <stdin>:1: missing column 'busino' (profile worknet)\n"
cut -d, -f1-2,4- "$W/worknet.csv" >"$W/nobusino.csv"
t missing-column-file 1 'ingest -q -k vacancy -p worknet nobusino.csv' - "$H\n" \
	"lmi-ingest: nobusino.csv:1: missing column 'busino' (profile worknet)\n"
t empty-file 0 'ingest -k vacancy -p worknet' - "$H\n" \
	'lmi-ingest: in=0 out=0 rejected=0 duplicates=0\n'
t header-only 0 'ingest -k vacancy -p worknet' "$(head -1 "$W/worknet.csv")\n" "$H\n" \
	'lmi-ingest: in=0 out=0 rejected=0 duplicates=0\n'
t crlf-and-bom 0 'ingest -q -k vacancy -p ./ingest-mini.profile | cut -d, -f2,18' \
	'\357\273\277id,date\r\na,20260901\r\n' 'source_id,reg_date\na,2026-09-01\n' ''
t unterminated-quote 1 'ingest -q -k vacancy -p ./ingest-mini.profile >o; r=$?; cut -d, -f2 o; exit $r' \
	'id\na\n"b\n' 'source_id\na\n' 'lmi-ingest: <stdin>:3: unterminated quoted field\n'
t missing-file 1 'ingest -q -k vacancy -p worknet nope.csv' - "$H\n" \
	'lmi-ingest: nope.csv: No such file or directory\n'

# ---- profiles ----
t unknown-profile 2 'ingest -k vacancy -p nosuch' - '' \
	"lmi-ingest: unknown profile 'nosuch'
usage: lmi ingest --kind vacancy|claim|training --profile NAME [--encoding ENC]
try 'lmi ingest --help'\n"
t bad-profile 1 'ingest -k vacancy -p ./ingest-bad.profile' - '' \
	"lmi-ingest: ./ingest-bad.profile:3: unknown transform 'uppercase'\n"
t profile-lacks-kind 1 'ingest -k claim -p worknet' - '' \
	"lmi-ingest: $S/profiles/worknet.profile: profile has no [claim] section\n"
printf '[vacancy]\ntitle title\n' >"$W/p1.profile"
printf '[vacancy]\nnosuch x code\n' >"$W/p2.profile"
printf '[vacancy]\ntitle a text\ntitle b text\n' >"$W/p3.profile"
printf '[vacancy]\ntitle - text\n' >"$W/p4.profile"
printf '[vacancy]\nsource x const:a\n' >"$W/p5.profile"
printf '[vacancy]\ntitle x person\n' >"$W/p6.profile"
printf '[vacancy\n' >"$W/p7.profile"
printf '[seeker]\n' >"$W/p8.profile"
printf '[vacancy]\nflags x text\n' >"$W/p9.profile"
t profile-two-words 1 'ingest -k vacancy -p ./p1.profile' - '' \
	"lmi-ingest: ./p1.profile:2: expected 'FIELD SOURCE TRANSFORM', found 2 words\n"
t profile-unknown-field 1 'ingest -k vacancy -p ./p2.profile' - '' \
	"lmi-ingest: ./p2.profile:2: unknown vacancy field 'nosuch'\n"
t profile-field-twice 1 'ingest -k vacancy -p ./p3.profile' - '' \
	"lmi-ingest: ./p3.profile:3: field 'title' already mapped on line 2\n"
t profile-no-source 1 'ingest -k vacancy -p ./p4.profile' - '' \
	"lmi-ingest: ./p4.profile:2: field 'title' needs a source column\n"
t profile-const-with-source 1 'ingest -k vacancy -p ./p5.profile' - '' \
	"lmi-ingest: ./p5.profile:2: a const field takes '-' as its source\n"
t profile-person-elsewhere 1 'ingest -k vacancy -p ./p6.profile' - '' \
	"lmi-ingest: ./p6.profile:2: the person transform goes with person_key fields only ('title')\n"
t profile-unclosed-section 1 'ingest -k vacancy -p ./p7.profile' - '' \
	"lmi-ingest: ./p7.profile:1: section header needs a closing ']'\n"
t profile-unknown-section 1 'ingest -k vacancy -p ./p8.profile' - '' \
	"lmi-ingest: ./p8.profile:1: unknown kind 'seeker' in section header\n"
t profile-added-field 1 'ingest -k vacancy -p ./p9.profile' - '' \
	"lmi-ingest: ./p9.profile:2: unknown vacancy field 'flags'\n"
# Without LMI_PROFILE_DIR the profiles are found next to the executable (only when
# this test runs the repository's own bin/).
if [ -d "$LMI_BIN/../data-samples/profiles" ]; then
	check profile-next-to-executable 'env -u LMI_PROFILE_DIR lmi ingest -q -k vacancy -p worknet worknet.csv >a &&
		cmp a worknet.want'
fi
check profile-dir-env 'mkdir -p pd && cp ingest-mini.profile pd/zz.profile &&
	printf "id\nq\n" | LMI_PROFILE_DIR=pd lmi ingest -q -k vacancy -p zz | cut -d, -f2 | tail -1 >a &&
	test "$(cat a)" = q'

# Files may order their columns differently: each header is bound on its own.
printf 'date,id\n20260901,a\n' >"$W/o1.csv"
printf 'id,date\nb,2026.09.02\n' >"$W/o2.csv"
t column-order-per-file 0 'ingest -q -k vacancy -p ./ingest-mini.profile o1.csv o2.csv | cut -d, -f2,18' \
	- 'source_id,reg_date\na,2026-09-01\nb,2026-09-02\n' ''

# ---- samples in data-samples/ ----
# Canonical output read back through the canonical profile keeps every canonical column.
cat >"$W/same23.py" <<'EOF'
import csv, sys
a = [r[:23] for r in csv.reader(open(sys.argv[1], encoding="utf-8"))]
b = [r[:23] for r in csv.reader(open(sys.argv[2], encoding="utf-8"))]
sys.exit(0 if a == b and len(a) == 42 else 1)
EOF
check sample-round-trip 'lmi ingest -q -k vacancy -p worknet $S/worknet-vacancies.csv >a &&
	lmi ingest -q -k vacancy -p canonical a >b && python3 same23.py a b'
check sample-vacancies 'lmi ingest -k vacancy -p worknet $S/worknet-vacancies.csv >a 2>e &&
	test "$(wc -l <a)" = 42 && grep -q "in=41 out=41 rejected=0" e'
check sample-vacancies-cp949 'lmi ingest -q -k vacancy -p worknet -e cp949 $S/worknet-vacancies.cp949.csv >a &&
	lmi ingest -q -k vacancy -p worknet $S/worknet-vacancies.csv >b && cmp a b'
check sample-claims 'lmi ingest -q -k claim -p ui --key-file $S/demo.key $S/claims.csv >a &&
	test "$(wc -l <a)" = 42 && awk -F, "NR > 1 && length(\$2) != 64 { n++ } END { exit n > 0 }" a'
check sample-training 'lmi ingest -q -k training -p hrd --key-file $S/demo.key $S/hrd-training.csv >a &&
	test "$(wc -l <a)" = 40'
check sample-ids-not-written 'lmi ingest -q -k claim -p ui --key-file $S/demo.key $S/claims.csv >a &&
	lmi ingest -q -k training -p hrd --key-file $S/demo.key $S/hrd-training.csv >b &&
	cut -d, -f2 $S/claims.csv | sed 1d | tr -d - >ids &&
	cut -d, -f2 $S/hrd-training.csv | sed 1d | tr -d - >>ids &&
	awk "NR == FNR { id[\$0] = 1; next } { for (k in id) if (index(\$0, k)) n++ } END { exit n > 0 }" ids a b'

# ---- usage ----
t help 0 'ingest --help | head -1' - \
	'usage: lmi ingest --kind vacancy|claim|training --profile NAME [--encoding ENC]\n'
t help-example 0 'ingest --help | grep -c "^example: lmi ingest"' - '1\n'
t version 0 'ingest --version | head -1 | cut -d" " -f1-2' - 'lmi-ingest (lmi)\n'
t bad-option 2 'ingest --bogus' - '' -
t no-kind 2 'ingest -p worknet' - '' \
	"lmi-ingest: --kind and --profile are required
usage: lmi ingest --kind vacancy|claim|training --profile NAME [--encoding ENC]
try 'lmi ingest --help'\n"
t no-profile 2 'ingest -k vacancy' - '' -
t unknown-kind 2 'ingest -k seeker -p worknet' - '' \
	"lmi-ingest: unknown kind 'seeker' (vacancy, claim or training)
usage: lmi ingest --kind vacancy|claim|training --profile NAME [--encoding ENC]
try 'lmi ingest --help'\n"
t write-error 1 'ingest -q -k vacancy -p worknet worknet.csv >/dev/full' - '' \
	'lmi-ingest: write error on standard output: No space left on device\n'
t write-error-rejects 1 'ingest -q -k vacancy -p worknet --rejects /dev/full worknet.csv >/dev/null' - '' \
	"lmi-ingest: cannot write '/dev/full'\n"
t lmi-help-lists-ingest 0 '--help | grep -c "^  ingest "' - '1\n'
