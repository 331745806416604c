# lmi cat against the libcsv loop and Miller; peak RSS at 20 MB and 200 MB (must stay flat).
# Sourced by scripts/bench.sh: $V, $C, $V20 and bench/bench_ref come from there.
command -v mlr >/dev/null && bench_ref "mlr --icsv --ocsv cat" "$V" mlr --icsv --ocsv cat
bench "lmi cat" "$V" lmi-cat
_rss200=$BENCH_LAST_RSS
bench "lmi cat (1 thread)" "$V" env LMI_READER_THREAD=0 lmi-cat
command -v mlr >/dev/null && bench_ref "mlr --icsv --ocsv cat" "$C" mlr --icsv --ocsv cat
bench "lmi cat" "$C" lmi-cat
bench "lmi cat" "$V20" lmi-cat
_rss20=$BENCH_LAST_RSS
if [ -n "$_rss20" ] && [ -n "$_rss200" ]; then
	awk -v a="$_rss20" -v b="$_rss200" 'BEGIN {
		printf "# flatness: lmi cat peak RSS %.1f MiB on 20 MB, %.1f MiB on 200 MB (x%.2f): %s\n",
			a / 1024, b / 1024, b / a, b <= a * 1.25 + 1024 ? "flat" : "GROWS"
	}'
fi
