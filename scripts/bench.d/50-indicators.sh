# lmi indicators claims by region and month on the ~200 MB claim file, beside the
# libcsv loop, Miller's stats1 and sqlite3 doing the same GROUP BY (count and mean of
# days_paid per residence region; lmi computes all claims indicators, a superset).
# Also the split run (4 partials merged) and peak RSS at 20 MB vs 200 MB of vacancies
# (memory grows with groups, not rows).
# Sourced by scripts/bench.sh: $C, $V, $V20, $_tmp and bench/bench_ref come from there.
bench "lmi indicators claims" "$C" lmi-indicators claims --by residence_region --period month -q
command -v mlr >/dev/null &&
	bench_ref "mlr stats1 -g" "$C" mlr --icsv --ocsv stats1 -a count,mean -f days_paid -g residence_region
command -v sqlite3 >/dev/null &&
	bench_ref "sqlite3 .import + GROUP BY" "$C" sqlite3 :memory: '.import --csv /dev/stdin t' \
		'select residence_region, count(*), avg(days_paid) from t group by 1 order by 1'
# The --partial mapper alone (what each parallel job pays), then merge of 4 partials.
bench "lmi indicators --partial" "$C" lmi-indicators claims --by residence_region --partial -q
lmi-indicators claims --by residence_region --partial -q <"$C" >"$_tmp/p1.csv"
cat "$_tmp/p1.csv" "$_tmp/p1.csv" "$_tmp/p1.csv" "$_tmp/p1.csv" >"$_tmp/p4.csv"
bench "lmi merge (4 partials)" "$_tmp/p4.csv" lmi-merge
bench "lmi indicators vacancy" "$V" lmi-indicators vacancy --by region_code -q
_ri200=$BENCH_LAST_RSS
bench "lmi indicators vacancy" "$V20" lmi-indicators vacancy --by region_code -q
_ri20=$BENCH_LAST_RSS
if [ -n "$_ri20" ] && [ -n "$_ri200" ]; then
	awk -v a="$_ri20" -v b="$_ri200" 'BEGIN {
		printf "# indicators: peak RSS %.1f MiB on 20 MB, %.1f MiB on 200 MB (x%.2f; grows with groups only)\n",
			a / 1024, b / 1024, b / a
	}'
fi
