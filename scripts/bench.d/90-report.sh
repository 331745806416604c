# lmi report (XLSX) and lmi load (SQLite) on 1M rows of indicator CSV, beside sqlite3 .import.
# Sourced by scripts/bench.sh (bench, bench_ref, BENCH_DIR).  Also usable alone:
# `. scripts/bench.d/90-report.sh; report_gen 1000 x.csv`.
#
# report_gen ROWS FILE: tidy indicator CSV with 4 indicators x 125 months x N regions.
report_gen() {
	awk -v rows="$1" 'BEGIN {
		print "indicator,period,region_code,numerator,denominator,value,ci_low,ci_high,n,note"
		split("fill_rate,placement_rate,exhaustion_rate,completion_rate", ind, ",")
		per_ind = int(rows / 4); regions = int(per_ind / 125) + 1
		srand(7)
		for (k = 1; k <= 4; k++) for (i = 0; i < per_ind; i++) {
			m = int(i / regions); r = i % regions
			d = 20 + int(rand() * 200); x = int(rand() * d)
			if (d < 25 && rand() < 0.3) {
				printf "%s,%04d-%02d,%05d,,,,,,%d,suppressed\n", ind[k], 2016 + int(m / 12), m % 12 + 1, r * 10 + 1100, d
				continue
			}
			p = x / d
			printf "%s,%04d-%02d,%05d,%d,%d,%.6f,%.6f,%.6f,%d,\n", ind[k], 2016 + int(m / 12),
				m % 12 + 1, r * 10 + 1100, x, d, p, p * 0.9, p * 1.1 < 1 ? p * 1.1 : 1, d
		}
	}' >"$2"
}

# rows_per_s FILE MB/s: rows of FILE (less the header) per second at that MB/s.
rows_per_s() {
	awk -v b="$(wc -c <"$1")" -v r="$(($(wc -l <"$1") - 1))" -v m="$2" \
		'BEGIN { if (m == "") print "-"; else printf "%.0f", r / (b / 1e6 / m) }'
}

if command -v bench >/dev/null 2>&1 && [ -n "${BENCH_DIR:-}" ]; then
	_rf=$BENCH_DIR/indicators-1m.csv
	[ -f "$_rf" ] || report_gen 1000000 "$_rf"
	_db=$BENCH_DIR/bench-load.db
	bench "report --xlsx" "$_rf" lmi report --quiet --xlsx "$BENCH_DIR/bench.xlsx"
	_r1=$(rows_per_s "$_rf" "$BENCH_LAST_MBS")
	bench "report --html" "$_rf" lmi report --quiet --html "$BENCH_DIR/bench.html"
	bench "load (new db)" "$_rf" sh -c "rm -f '$_db' '$_db-wal' '$_db-shm'; exec lmi load -q --db '$_db' --table ind"
	_r2=$(rows_per_s "$_rf" "$BENCH_LAST_MBS")
	bench "load (again, unchanged)" "$_rf" lmi load -q --db "$_db" --table ind
	_r3=$(rows_per_s "$_rf" "$BENCH_LAST_MBS")
	_r4=-
	if command -v sqlite3 >/dev/null 2>&1; then
		bench_ref "sqlite3 .import (no key)" "$_rf" sh -c "rm -f '$_db.imp'; exec sqlite3 '$_db.imp' '.mode csv' '.import /dev/stdin ind'"
		_r4=$(rows_per_s "$_rf" "$BENCH_LAST_MBS")
	fi
	echo "# rows/s on $(basename "$_rf"): report --xlsx $_r1 (target >= 35000);" \
		"load $_r2 new, $_r3 unchanged; sqlite3 .import $_r4 (TEXT columns, no key, no upsert)"
	rm -f "$_db" "$_db-wal" "$_db-shm" "$_db.imp" "$BENCH_DIR/bench.xlsx" "$BENCH_DIR/bench.html"
fi
