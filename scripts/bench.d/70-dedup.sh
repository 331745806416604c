# lmi dedup: exact keys against Miller's `head -n 1 -g` (first row per key), then exact +
# near duplicates; bytes per exact key; near-dup time and precision/recall on 1M postings.
# Sourced by scripts/bench.sh ($BENCH_DIR, bench and bench_ref come from there).
_dv=$BENCH_DIR/vacancy.csv
command -v mlr >/dev/null &&
	bench_ref "mlr head -n 1 -g (exact key)" "$_dv" \
		mlr --icsv --ocsv head -n 1 -g source,source_id
bench "lmi dedup --exact" "$_dv" lmi-dedup -q --exact
bench "lmi dedup (exact + near)" "$_dv" lmi-dedup -q
lmi-dedup -q --stats <"$_dv" 2>&1 >/dev/null | sed 's/^lmi-dedup: /# dedup key memory: /'

# The target is stated for one million postings: bench.sh's gen makes that file
# again whenever lmi synth changed.
_d1m=$BENCH_DIR/vacancy-1m.csv
gen vacancy-1m.csv vacancy 1000000
if [ -f "$_d1m" ]; then
	bench "lmi dedup 1M (exact + near)" "$_d1m" lmi-dedup -q
	/usr/bin/time -f '%e %M' -o "$BENCH_DIR/dedup.time" lmi-dedup -q \
		--truth truth_cluster "$_d1m" 2>"$BENCH_DIR/dedup.truth" >/dev/null
	read -r _ds _dm <"$BENCH_DIR/dedup.time"
	echo "# dedup near-dup, 1M postings from a file: ${_ds} s (target < 60 s)," \
		"peak RSS $((_dm / 1024)) MiB"
	sed 's/^lmi-dedup: /# dedup (default 60-day window) vs planted duplicates: /' "$BENCH_DIR/dedup.truth"
fi
