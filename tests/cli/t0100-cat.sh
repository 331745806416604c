#!/bin/sh
# lmi cat: RFC 4180 conformance (cases modelled on csv-spectrum), options and bad input.
# Expected outputs are written by hand from RFC 4180: quote only fields holding
# a comma, quote, CR or LF; double inner quotes; end rows with LF.
. "$(dirname "$0")/lib.sh"

# conformance
t simple 0 'cat' 'a,b,c\n1,2,3\n' 'a,b,c\n1,2,3\n'
t simple-crlf 0 'cat' 'a,b,c\r\n1,2,3\r\n' 'a,b,c\n1,2,3\n'
t no-final-newline 0 'cat' 'a,b\n1,2' 'a,b\n1,2\n'
t comma-in-quotes 0 'cat' 'first,last,address,city,zip\nJohn,Doe,120 any st.,"Anytown, WW",08123\n' \
	'first,last,address,city,zip\nJohn,Doe,120 any st.,"Anytown, WW",08123\n'
t escaped-quotes 0 'cat' 'a,b\n1,"ha ""ha"" ha"\n3,4\n' 'a,b\n1,"ha ""ha"" ha"\n3,4\n'
t needless-quotes-dropped 0 'cat' '"a","b"\n"1","two"\n' 'a,b\n1,two\n'
t empty-fields 0 'cat' 'a,b,c\n1,"",""\n2,3,4\n' 'a,b,c\n1,,\n2,3,4\n'
t empty-crlf 0 'cat' 'a,b,c\r\n1,"",""\r\n2,3,4\r\n' 'a,b,c\n1,,\n2,3,4\n'
t newlines 0 'cat' 'a,b,c\n1,2,3\n"Once upon \na time",5,6\n7,8,9\n' \
	'a,b,c\n1,2,3\n"Once upon \na time",5,6\n7,8,9\n'
t newlines-crlf 0 'cat' 'a,b,c\r\n1,2,3\r\n"Once upon \r\na time",5,6\r\n7,8,9\r\n' \
	'a,b,c\n1,2,3\n"Once upon \r\na time",5,6\n7,8,9\n'
t quotes-and-newlines 0 'cat' 'a,b\n1,"ha \n""ha"" \nha"\n3,4\n' 'a,b\n1,"ha \n""ha"" \nha"\n3,4\n'
t utf8 0 'cat' 'a,b,c\n1,2,3\n4,5,ʤ\n6,한빛소프트,"(주)한빛, 서울"\n' \
	'a,b,c\n1,2,3\n4,5,ʤ\n6,한빛소프트,"(주)한빛, 서울"\n'
t json-in-field 0 'cat' 'key,val\n1,"{""type"": ""Point""}"\n' 'key,val\n1,"{""type"": ""Point""}"\n'
t spaces-kept 0 'cat' 'a,b\n  1 , 2\n' 'a,b\n  1 , 2\n'
t leading-zeros-kept 0 'cat' 'code\n0110\n00012\n' 'code\n0110\n00012\n'
t lone-empty-field-quoted 0 'cat' 'a\n""\nx\n' 'a\n""\nx\n'
t bom-stripped 0 'cat' '\357\273\277a,b\n1,2\n' 'a,b\n1,2\n'
t blank-lines-skipped 0 'cat' 'a,b\n\n1,2\n\n' 'a,b\n1,2\n'

# several files, headers
printf 'a,b\n1,2\n' >"$W/x.csv"
printf '\357\273\277a,b\r\n3,4\r\n' >"$W/y.csv"
printf 'a,c\n5,6\n' >"$W/z.csv"
: >"$W/empty.csv"
t two-files 0 'cat x.csv y.csv' - 'a,b\n1,2\n3,4\n'
t dash-is-stdin 0 'cat x.csv -' 'a,b\n9,9\n' 'a,b\n1,2\n9,9\n'
t empty-file-contributes-nothing 0 'cat empty.csv x.csv' - 'a,b\n1,2\n'
t empty-input 0 'cat' - ''
t header-only 0 'cat' 'a,b\n' 'a,b\n'
t header-mismatch 1 'cat x.csv z.csv' - 'a,b\n1,2\n' \
	"lmi-cat: z.csv:1: header differs from the header of 'x.csv'\n"
t skip-headers 0 'cat --skip-headers' 'a,b\n1,2\na,b\n3,4\n' 'a,b\n1,2\n3,4\n'
t no-header 0 'cat --no-header' '1,2\n3,4,5\n' '1,2\n3,4,5\n'
printf 'x,y\n' >"$W/h.csv"
t header-from 0 'cat --header-from h.csv' '1,2\n3,4\n' 'x,y\n1,2\n3,4\n'
t header-from-ragged 1 'cat --header-from h.csv' '1,2\n3\n' 'x,y\n1,2\n' \
	'lmi-cat: <stdin>:2: expected 2 fields, found 1\n'
t delimiter-semicolon 0 'cat -d ";"' 'a;b\n1,5;2\n' 'a,b\n"1,5",2\n'
t delimiter-tab 0 'cat --delimiter tab' 'a\tb\n1\t2\n' 'a,b\n1,2\n'

# bad input: every case names file and line
t unterminated-quote 1 'cat' 'a,b\n1,2\n3,"oops\n4,5\n' 'a,b\n1,2\n' \
	'lmi-cat: <stdin>:3: unterminated quoted field\n'
t stray-quote 1 'cat' 'a,b\n1,x"y\n' 'a,b\n' \
	'lmi-cat: <stdin>:2: stray quote (a quote inside an unquoted field, or text after a closing quote)\n'
t text-after-quote 1 'cat' 'a,b\n1,"x"y\n' 'a,b\n' \
	'lmi-cat: <stdin>:2: stray quote (a quote inside an unquoted field, or text after a closing quote)\n'
t ragged-short 1 'cat' 'a,b\n1,2\n3\n' 'a,b\n1,2\n' 'lmi-cat: <stdin>:3: expected 2 fields, found 1\n'
t ragged-long 1 'cat' 'a,b\n1,2,3\n' 'a,b\n' 'lmi-cat: <stdin>:2: expected 2 fields, found 3\n'
printf 'a,b\n1,2\n"multi\nline",3\n4,5,6\n' >"$W/r.csv"
t ragged-line-after-multiline 1 'cat r.csv' - 'a,b\n1,2\n"multi\nline",3\n' \
	'lmi-cat: r.csv:5: expected 2 fields, found 3\n'
t invalid-utf8 1 'cat' 'a,b\n1,\377\n' 'a,b\n' \
	'lmi-cat: <stdin>:2: invalid UTF-8 in field 2 (convert it, e.g. lmi ingest --encoding cp949)\n'
# "서울" in CP949 is B C 5 ? bytes: 0xBC 0xAD 0xBF 0xEF
t cp949-without-encoding 1 'cat' 'a,b\n1,\274\255\277\357\n' 'a,b\n' \
	'lmi-cat: <stdin>:2: invalid UTF-8 in field 2 (convert it, e.g. lmi ingest --encoding cp949)\n'
t overlong-utf8 1 'cat' 'a\n\300\257\n' 'a\n' -
t surrogate-utf8 1 'cat' 'a\n\355\240\200\n' 'a\n' -
t nul-byte 1 'cat' 'a,b\n1,x\000y\n' 'a,b\n' 'lmi-cat: <stdin>:2: NUL byte in field 2\n'
t missing-file 1 'cat nope.csv' - '' 'lmi-cat: nope.csv: No such file or directory\n'
t crlf-line-numbers 1 'cat' 'a,b\r\n1,2\r\n\r\n3\r\n' 'a,b\n1,2\n' \
	'lmi-cat: <stdin>:4: expected 2 fields, found 1\n'

# The reader thread (input past the first 64 KiB is parsed ahead, LMI_READER_THREAD)
# changes nothing a tool prints: 1.3 MB through a pipe, then the same with invalid
# UTF-8 in the record after them (line 80,002: every record holds one LF in quotes).
awk 'BEGIN { print "id,text,n"
	for (i = 1; i <= 40000; i++) printf "%d,\"a,b\"\"%d\nx\",\303\251%d\n", i, i, i }' >"$W/big.csv"
printf 'lmi-cat: <stdin>:80002: invalid UTF-8 in field 2 (%s)\n' \
	'convert it, e.g. lmi ingest --encoding cp949' >"$W/big.err"
for v in 1 0; do
	check "reader-thread-$v-pipe" "cat big.csv | LMI_READER_THREAD=$v lmi cat >out.csv &&
		cmp big.csv out.csv"
	check "reader-thread-$v-error" "{ cat big.csv; printf '40001,\\377,z\\n'; } |
		LMI_READER_THREAD=$v lmi cat >out.csv 2>err.txt; test \$? -eq 1 &&
		cmp big.csv out.csv && cmp big.err err.txt"
done

# usage
t help 0 'cat --help | head -1' - \
	'usage: lmi cat [-d CHAR] [--no-header | --header-from FILE] [--skip-headers] [FILE...]\n'
t bad-option 2 'cat --bogus' - '' -
t bad-delimiter 2 'cat -d ab' - '' -
t no-header-and-header-from 2 'cat --no-header --header-from h.csv' - '' -
t write-error 1 'cat x.csv >/dev/full' - '' -
t version 0 'cat --version | head -1 | cut -d" " -f1-2' - 'lmi-cat (lmi)\n'

# dispatcher
t lmi-help-lists-cat 0 '--help | grep -c "^  cat "' - '1\n'
t lmi-unknown 2 'nosuchtool' - '' -
t lmi-no-args 2 '' - '' -
