#!/bin/sh
# make demo: one nightly run on data-samples/ with as-of date 2026-11-25 into out/,
# then says where everything went.  Re-running it replaces out/2026-11-25/.
set -u
top=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$top/out}
date=2026-11-25
# git keeps no file modes but the executable bit; the demo key must be private
# or lmi ingest warns that others can read it.
chmod 600 "$top/data-samples/demo.key"
if ! sh "$top/scripts/nightly.sh" "$date" "$out"; then
	echo "demo: the nightly run failed; see $out/nightly-$date.failed.log" >&2
	exit 1
fi
d=$out/$date
cat <<MSG

demo: outputs of the nightly run for $date
  HTML board        $d/board.html   (open it in a browser)
  XLSX workbook     $d/board.xlsx
  indicators        $d/indicators.csv
  clean vacancies   $d/vacancy.csv
  rejected rows     $d/rejects.csv
  duplicates        $d/duplicates.csv
  log               $d/nightly.log
  warehouse         $out/lmi.db   (sqlite3 $out/lmi.db 'select * from loads')
  dedup state       $out/dedup-state.db
MSG
