#!/bin/sh
# lmi report: XLSX workbook (read back with Python's zipfile, tests/cli/data/report-inspect.py),
# HTML board (escaping, self-containment, headline arithmetic) and the board in headless Chromium.
# Every expected value below is worked out by hand from the fixtures in tests/cli/data/report-*.csv.
. "$(dirname "$0")/lib.sh"

X="python3 $D/report-inspect.py"
FILL=$D/report-fill.csv
COUNTS=$D/report-counts.csv

# normal run and row accounting: report-fill.csv has 9 data rows, report-counts.csv 3 -> in=12
t run 0 "report --xlsx a.xlsx --html a.html --as-of 2026-11-25 $FILL $COUNTS" - '' \
	'lmi-report: in=12 out=12 rejected=0 duplicates=0\n'
t quiet 0 "report --quiet --xlsx a.xlsx $FILL" - '' ''
t stdin 0 "report --quiet --html a.html && grep -c '<h2>fill_rate</h2>' a.html" @"$FILL" '1\n' ''

# Workbook structure: README first, one sheet per indicator in order of appearance, Charts last.
# Charts: fill_rate has 3 periods (line chart) and 3 regions (bar chart); new_postings has
# 3 periods and no group columns (line chart only) -> line,bar,line.
# fill_rate has 9 rows + header in columns indicator,period,region_code + 7 fixed = A..J;
# new_postings has 3 rows + header in 9 columns = A1:I4.
t xlsx-structure 0 "report --quiet --xlsx a.xlsx $FILL $COUNTS && $X a.xlsx" - \
	'sheets README,fill_rate,new_postings,Charts\ncharts line,bar,line\nfill_rate frozen 1 autofilter A1:J10\nnew_postings frozen 1 autofilter A1:I4\n'

# Typed cells.  2026-01 is a real date: Excel serial = days from 1899-12-30 to 2026-01-01
# = 46023 (2025-01-01 is 45658, + 365); 2026-03-01 = 46023 + 31 + 28 = 46082.
# region_code 01100 stays text with its leading zero; numbers are numbers with formats;
# the suppressed value (row 10) is an empty grey cell and its note says so.
t xlsx-cells 0 "report --quiet --xlsx a.xlsx $FILL $COUNTS && $X a.xlsx 'fill_rate!B2' 'fill_rate!B10' 'fill_rate!C2' 'fill_rate!D2' 'fill_rate!F2' 'fill_rate!G2' 'fill_rate!F10' 'fill_rate!J10' 'new_postings!E2' 'new_postings!D3' | tail -n +5" - \
	'fill_rate!B2 n 46023 yyyy-mm -\nfill_rate!B10 n 46082 yyyy-mm -\nfill_rate!C2 s 01100 General -\nfill_rate!D2 n 30 #,##0 -\nfill_rate!F2 n 0.5 0.0000 -\nfill_rate!G2 n 0.3773 0.0000 -\nfill_rate!F10 blank  General fill\nfill_rate!J10 s suppressed General fill\nnew_postings!E2 n 1200 #,##0 -\nnew_postings!D3 missing\n'

# README: title, as-of, sources with row counts, one line per indicator.
t xlsx-readme 0 "report --quiet --title 'Daily board' --xlsx a.xlsx --as-of 2026-11-25 $FILL $COUNTS && $X a.xlsx 'README!A1' 'README!B2' 'README!C4' 'README!C5' 'README!B8' 'README!C8' 'README!F8' 'README!G8' 'README!B9' | tail -n +5" - \
	'README!A1 s Daily board General -\nREADME!B2 s 2026-11-25 General -\nREADME!C4 n 9 #,##0 -\nREADME!C5 n 3 #,##0 -\nREADME!B8 s fill_rate General -\nREADME!C8 n 9 #,##0 -\nREADME!F8 s region_code General -\nREADME!G8 n 1 #,##0 -\nREADME!B9 s new_postings General -\n'

# --as-of in another date format is printed as ISO
t as-of-iso 0 "report --quiet --as-of 20261125 --xlsx a.xlsx $FILL && $X a.xlsx 'README!B2' | tail -n 1" - \
	'README!B2 s 2026-11-25 General -\n'

# Charts sheet: the fill_rate pivot (periods down, regions across, shaded header row);
# 11010 in 2026-03 is suppressed (grey blank).
t xlsx-chart-data 0 "report --quiet --xlsx a.xlsx $FILL && $X a.xlsx 'Charts!A1' 'Charts!B2' 'Charts!A3' 'Charts!B3' 'Charts!D4' 'Charts!D5' | tail -n +4" - \
	'Charts!A1 s fill_rate General -\nCharts!B2 s 01100 General fill\nCharts!A3 n 46023 yyyy-mm -\nCharts!B3 n 0.5 0.0000 -\nCharts!D4 n 0.6 0.0000 -\nCharts!D5 blank  General fill\n'

# The same workbook through an independent reader, openpyxl (Debian python3-openpyxl):
# dates come back as datetimes, codes as str, rates as float, suppressed values as None.
if /usr/bin/python3 -c 'import openpyxl' 2>/dev/null; then
	t openpyxl 0 "report --quiet --xlsx a.xlsx $FILL $COUNTS && /usr/bin/python3 \$D/report-openpyxl.py a.xlsx 'fill_rate!B2' 'fill_rate!C2' 'fill_rate!F2' 'fill_rate!F10' 'fill_rate!J10' 'new_postings!E4'" - \
		'README,fill_rate,new_postings,Charts\nfill_rate!B2 datetime 2026-01-01 00:00:00 yyyy-mm\nfill_rate!C2 str 01100 General\nfill_rate!F2 float 0.5 0.0000\nfill_rate!F10 NoneType None General\nfill_rate!J10 str suppressed General\nnew_postings!E4 int 1350 #,##0\nfill_rate freeze=A2 filter=A1:J10\nnew_postings freeze=A2 filter=A1:I4\nCharts charts=3\n'
else
	echo "ok $script/openpyxl # skipped: no python3-openpyxl"
fi

# Definitions go to the README sheet and the board (twice: under the indicator's heading
# and in the definitions list).
printf 'indicator,definition,numerator,denominator,source\nfill_rate,Share of closed postings that were filled,hires,positions,Work-net\n' >"$W/defs.csv"
t definitions 0 "report --quiet --definitions defs.csv --xlsx a.xlsx --html a.html $FILL && $X a.xlsx 'README!H7' 'README!I7' 'README!K7' | tail -n +4 && grep -c 'Share of closed postings that were filled' a.html" - \
	'README!H7 s Share of closed postings that were filled General -\nREADME!I7 s hires General -\nREADME!K7 s Work-net General -\n2\n'
t definitions-bad-header 1 "report --definitions \$D/report-fill.csv --html a.html" - '' \
	"lmi-report: $D/report-fill.csv:1: definitions need columns 'indicator' and 'definition'\n"

# Sheet names: Excel forbids []:*?/\ and more than 31 characters; README/Charts are taken.
printf 'indicator,period,numerator,denominator,value,ci_low,ci_high,n,note\na/b:c,2026,1,,1,,,1,\nREADME,2026,1,,1,,,1,\nreadme,2026,1,,1,,,1,\n' >"$W/names.csv"
t sheet-names 0 "report --quiet --xlsx a.xlsx names.csv && $X a.xlsx | head -1" - \
	'sheets README,a_b_c,README~2,readme~3,Charts\n'

# HTML board: headline figures and change from the last period.
# fill_rate has three regions and no total, so the headline pools them, leaving out the
# suppressed cell: 2026-03 (36+14)/(60+40) = 0.5; 2026-02 (33+10+15)/(60+40+25) = 58/125
# = 0.464; change +0.036, +0.036/0.464 = +7.76% -> "+0.0360 (+7.8%)".
# new_postings (a count, no groups): 1,350 in 2026-03 vs 1,500: -150, -10.0%.
t headline-rate 0 "report --quiet --html a.html $FILL $COUNTS && grep -o '<div class=\"big\">[^<]*</div>' a.html" - \
	'<div class="big">0.5000</div>\n<div class="big">1,350</div>\n'
t headline-change 0 "report --quiet --html a.html $FILL $COUNTS && grep -o '&#96[56]0; [^<]*' a.html" - \
	'&#9650; +0.0360 (+7.8%) vs 2026-02\n&#9660; -150 (-10.0%) vs 2026-02\n'
# the latest-period table: 2 regions with values + 1 suppressed row
t table-rows 0 "report --quiet --html a.html $FILL && grep -c '^<tr' a.html && grep -c '<tr class=\"supp\">' a.html" - '3\n1\n'

# a repeated indicator x period x group: the last value wins on the board (both rows in the sheet)
t repeated-cell 0 "report --quiet --html a.html --xlsx a.xlsx && grep -o '<div class=\"big\">[^<]*</div>' a.html && $X a.xlsx | sed -n 3p" \
	'indicator,period,numerator,denominator,value,ci_low,ci_high,n,note\nx,2026-01,1,,1,,,1,\nx,2026-01,2,,2,,,2,\n' \
	'<div class="big">2</div>\nx frozen 1 autofilter A1:I3\n'

# Self-contained: no external scripts, styles, fonts or images; one script (ours); a CSP.
t self-contained 0 "report --quiet --html a.html $FILL $COUNTS && awk 'tolower(\$0) ~ /src=|<link|@import|url\\(/ { n++ } END { print n + 0 }' a.html" - \
	'0\n'
t self-contained-only-svg-ns 0 "report --quiet --html a.html $FILL $COUNTS && grep -o -i -E 'https?://[^\"]*' a.html | sort -u" - \
	'http://www.w3.org/2000/svg\n'
t one-script 0 "report --quiet --html a.html $FILL $COUNTS && grep -o '<script' a.html | wc -l | tr -d ' '" - '1\n'

# Escaping: a <script> in a group value, & and quotes, and a title with markup.
# Lines holding each escaped value: the 25-character <script> label is clipped to 24
# characters in the bar chart, so it appears whole only in the table (1 line) and clipped in
# the chart (1 line); 'A&B "quoted" <b>' (16 characters) in the chart and the table (2); the
# title in <title> and <h1> (2).
t escape-data 0 "report --quiet --title '<i>T&C</i>' --html a.html \$D/report-xss.csv && grep -c '<script>alert' a.html; grep -c '&lt;script&gt;alert(1)&lt;/script&gt;' a.html; grep -c '&lt;script&gt;alert(1)&lt;/script…' a.html; grep -c 'A&amp;B &quot;quoted&quot; &lt;b&gt;' a.html; grep -c '&lt;i&gt;T&amp;C&lt;/i&gt;' a.html" - \
	'0\n1\n1\n2\n2\n'
t escape-xlsx-text 0 "report --quiet --xlsx a.xlsx \$D/report-xss.csv && $X a.xlsx 'placement_rate!C2' 'placement_rate!B2' | tail -n 2" - \
	'placement_rate!C2 s <script>alert(1)</script> General -\nplacement_rate!B2 s 2026-Q1 General -\n'

# Deterministic: same input, byte-identical outputs.
t deterministic 0 "report --quiet --as-of 2026-11-25 --xlsx a.xlsx --html a.html $FILL $COUNTS && lmi report --quiet --as-of 2026-11-25 --xlsx b.xlsx --html b.html $FILL $COUNTS && cmp a.xlsx b.xlsx && cmp a.html b.html && echo same" - 'same\n'

# Bad input: named with file:line; no output file and no temp file left behind.
left() { echo "; rc=\$?; ls -a | grep -c '^$1' ; exit \$rc"; }
t not-indicator-csv 1 "report --html bad1.html $(left bad1)" 'a,b\n1,2\n' '0\n' \
	"lmi-report: <stdin>:1: not indicator CSV: no column 'indicator'\n"
t missing-fixed-column 1 "report --html a.html" 'indicator,period,value\nx,2026,1\n' '' \
	"lmi-report: <stdin>:1: not indicator CSV: no column 'numerator'\n"
printf 'indicator,period,office_code,numerator,denominator,value,ci_low,ci_high,n,note\nfill_rate,2026-04,A1,1,2,0.5,,,2,\n' >"$W/other.csv"
t group-columns-differ 1 "report --xlsx bad2.xlsx --html bad2.html $FILL other.csv $(left bad2)" - '0\n' \
	"lmi-report: other.csv:2: indicator 'fill_rate' has other group columns than before\n"
t malformed 1 "report --xlsx bad3.xlsx $(left bad3)" 'indicator,period,numerator,denominator,value,ci_low,ci_high,n,note\nx,"2026,1,,1,,,1,\n' '0\n' \
	'lmi-report: <stdin>:2: unterminated quoted field\n'
t missing-file 1 "report --html a.html nope.csv" - '' \
	'lmi-report: nope.csv: No such file or directory\n'
t unwritable 1 "report --html nodir/a.html $FILL" - '' \
	"lmi-report: cannot create 'nodir/a.html.tmp': No such file or directory\n"
t empty-input 0 "report --quiet --html a.html --xlsx a.xlsx && grep -o '0 indicators' a.html && $X a.xlsx | head -1" - \
	'0 indicators\nsheets README,Charts\n'

# usage
t help 0 'report --help | head -1' - \
	'usage: lmi report [--xlsx FILE] [--html FILE] [--title T] [--as-of DATE] [--definitions FILE] [FILE...]\n'
t help-example 0 'report --help | grep -c "^example: lmi indicators"' - '1\n'
t version 0 'report --version | head -1 | cut -d" " -f1-2' - 'lmi-report (lmi)\n'
t bad-option 2 'report --bogus' - '' -
t no-output 2 "report $FILL" - '' -
t bad-as-of 2 "report --html a.html --as-of 2026-13-01 $FILL" - '' -
# nothing goes to stdout, so a full stdout is no error
t stdout-full 0 "report --quiet --html a.html $FILL >/dev/full" - '' ''

# The board in a real browser (Debian package chromium, installed by scripts/install-deps.sh).
# fill_rate: line chart (3 polylines: 01100, 02100, 11010) + bar chart (2 bars: 11010 is
# suppressed in 2026-03); new_postings: line chart (1 polyline).  Each chart has one
# background rect and one axis path: svg=3, path=3, rect=3+2=5, polyline=3+1=4; no console
# messages or uncaught errors.
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
	t browser 0 "report --quiet --html a.html $FILL $COUNTS && sh \$LMI_TOP/tests/browser/render.sh a.html . | sed 's/png=[1-9][0-9][0-9][0-9][0-9]*/png=big/'" - \
		'rendered=ok charts=3 svg=3 path=3 rect=5 polyline=4 console=0 png=big\n'
	# 12 regions over 2 periods: the line chart draws the first 8 series, the bar chart 12 bars
	awk 'BEGIN { print "indicator,period,region_code,numerator,denominator,value,ci_low,ci_high,n,note";
		for (p = 1; p <= 2; p++) for (g = 1; g <= 12; g++)
			printf "r,2026-0%d,%05d,%d,20,%.2f,,,20,\n", p, g, g, g / 20 }' >"$W/many.csv"
	t browser-many-groups 0 "report --quiet --html a.html many.csv && sh \$LMI_TOP/tests/browser/render.sh a.html . | sed 's/png=[1-9][0-9][0-9][0-9][0-9]*/png=big/'" - \
		'rendered=ok charts=2 svg=2 path=2 rect=14 polyline=8 console=0 png=big\n'
else
	echo "ok $script/browser # skipped: no chromium"
fi
