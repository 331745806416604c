#!/bin/sh
# scripts/nightly.sh: a full night on data-samples/, a re-run, and failures that must leave
# no half-written outputs.  Row counts are compared between files and the warehouse
# (counted by Python's csv module and sqlite3), not against our own printed numbers.
. "$(dirname "$0")/lib.sh"

NIGHTLY="sh $LMI_TOP/scripts/nightly.sh"
export LMI_BIN
rows() { python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding="utf-8"))) - 1)' "$1"; }

# a good night: dated folder with every output, the state and the warehouse beside it
check night-ok "$NIGHTLY 2026-11-25 out >stdout.txt 2>stderr.txt && test -s out/2026-11-25/board.html && test -s out/2026-11-25/board.xlsx && test -s out/2026-11-25/indicators.csv && test -s out/2026-11-25/vacancy.csv && test -s out/2026-11-25/nightly.log && test -f out/dedup-state.db && test -f out/lmi.db && grep -qx 'nightly: 2026-11-25 ok: .*/out/2026-11-25' stdout.txt && test ! -s stderr.txt"
check night-no-temp-left "test -z \"\$(ls -A out | grep -v -x -e 2026-11-25 -e dedup-state.db -e lmi.db -e 'lmi.db-wal' -e 'lmi.db-shm')\""
# every step ran and is in the log, in order
check night-log-steps "grep -o '^[0-9TZ:-]* step [a-z-]*: exit [0-9]' out/2026-11-25/nightly.log | sed 's/^[^ ]* //' | tr '\n' ' ' | grep -qx 'step ingest: exit 0 step validate: exit [03] step dedup: exit 0 step indicators: exit 0 step load-vacancy: exit 0 step load-indicators: exit 0 step ingest-claims: exit 0 step validate-claims: exit [03] step indicators-claims: exit 0 step load-claims: exit 0 step load-claim-indicators: exit 0 step report: exit 0 '"
# the warehouse holds exactly the rows of tonight's files
check night-warehouse-vacancy "test \"\$(sqlite3 out/lmi.db 'select count(*) from vacancy')\" = \"\$(rows out/2026-11-25/vacancy.csv)\""
check night-warehouse-indicators "test \"\$(sqlite3 out/lmi.db 'select count(*) from vacancy_indicators')\" = \"\$(rows out/2026-11-25/indicators.csv)\""
# the workbook and the board are readable: sheets README ... Charts; the board has charts
check night-xlsx "python3 \$D/report-inspect.py out/2026-11-25/board.xlsx | head -1 | grep -q '^sheets README,.*,Charts\$'"
check night-html "grep -q 'data-rendered' out/2026-11-25/board.html && grep -q '<svg class=\"chart' out/2026-11-25/board.html"

# a re-run of the same date replaces the folder; the warehouse does not change
check rerun-same "sqlite3 out/lmi.db 'select * from vacancy order by source, source_id' >before.txt && $NIGHTLY 2026-11-25 out >/dev/null 2>&1 && sqlite3 out/lmi.db 'select * from vacancy order by source, source_id' | cmp - before.txt && grep -q 'lmi-load: in=[0-9]* inserted=0 updated=0 unchanged=[0-9]*' out/2026-11-25/nightly.log"

# failures exit non-zero, publish nothing and keep the log
mkdir -p "$W/bad"
printf 'wantedAuthNo,company\n"K1,broken\n' >"$W/bad/worknet-vacancies.csv"
cp "$S/demo.key" "$W/bad/"
check fail-bad-input "LMI_DATA=\$W/bad LMI_RULES_DIR=$S/rules $NIGHTLY 2026-11-26 out >/dev/null 2>err.txt; test \$? -eq 1 && test ! -e out/2026-11-26 && test -s out/nightly-2026-11-26.failed.log && grep -q '^nightly: 2026-11-26 failed: step ingest exited 1' err.txt && test -z \"\$(ls -A out | grep tmp)\""
check fail-missing-input "LMI_DATA=\$W/nothing $NIGHTLY 2026-11-27 out >/dev/null 2>err.txt; test \$? -eq 1 && grep -q 'cannot read input' err.txt && test ! -e out/2026-11-27"
# a step failing late (report) leaves the earlier good night untouched and nothing new
mkdir -p "$W/fakebin"
printf '#!/bin/sh\n[ "$1" = report ] && { echo "lmi-report: simulated failure" >&2; exit 1; }\nexec "%s/lmi" "$@"\n' "$LMI_BIN" >"$W/fakebin/lmi"
chmod +x "$W/fakebin/lmi"
check fail-late-keeps-old "LMI_BIN=\$W/fakebin $NIGHTLY 2026-11-25 out >/dev/null 2>err.txt; test \$? -eq 1 && test -s out/2026-11-25/board.html && grep -q 'step report exited 1' out/nightly-2026-11-25.failed.log && grep -q 'simulated failure' out/nightly-2026-11-25.failed.log && test -z \"\$(ls -A out | grep tmp)\""
check usage-bad-date "$NIGHTLY 25-11-2026 out 2>err.txt; test \$? -eq 2 && grep -q 'DATE must be YYYY-MM-DD' err.txt"
check usage-no-args "$NIGHTLY 2>/dev/null; test \$? -eq 2"
# without claims.csv the night still runs, and says on stderr that claims were left out
mkdir -p "$W/noclaims"
cp "$S/worknet-vacancies.csv" "$S/demo.key" "$W/noclaims/"
check no-claims-said "LMI_DATA=\$W/noclaims LMI_RULES_DIR=$S/rules $NIGHTLY 2026-11-25 out2 >/dev/null 2>err.txt && grep -q '^nightly: note: no .*claims.csv.: the board shows vacancies only' err.txt && test ! -e out2/2026-11-25/claim.csv && test -s out2/2026-11-25/board.html"
