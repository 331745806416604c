# lmi validate against the libcsv loop and Miller; peak RSS at 20 MB and 200 MB (must stay flat).
# Sourced by scripts/bench.sh: $V, $V20, $BENCH_DIR and bench/bench_ref come from there.
# lmi validate exits 3 when it rejects rows, and lmi synth plants rule violations, so the
# command runs under a small sh wrapper that treats exit 0..3 as success.  Rejects go to
# /dev/null so that writing them is part of the measurement.
_validate='lmi-validate "$@"; [ $? -le 3 ]'
command -v mlr >/dev/null && bench_ref mlr-cat "$BENCH_DIR/vacancy.csv" mlr --icsv --ocsv cat
bench "lmi validate" "$BENCH_DIR/vacancy.csv" sh -c "$_validate" sh --kind vacancy \
	--as-of 2026-11-25 --quiet --rejects /dev/null
_rss200=$BENCH_LAST_RSS
bench "lmi validate" "$V20" sh -c "$_validate" sh --kind vacancy --as-of 2026-11-25 --quiet \
	--rejects /dev/null
_rss20=$BENCH_LAST_RSS
if [ -n "$_rss20" ] && [ -n "$_rss200" ]; then
	awk -v a="$_rss20" -v b="$_rss200" 'BEGIN {
		printf "# flatness: lmi validate peak RSS %.1f MiB on 20 MB, %.1f MiB on 200 MB (x%.2f): %s\n",
			a / 1024, b / 1024, b / a, b <= a * 1.25 + 1024 ? "flat" : "GROWS"
	}'
fi
