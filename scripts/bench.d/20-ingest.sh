# lmi ingest: the canonical identity mapping (every field parsed and re-formatted),
# person keys (one HMAC-SHA-256 per row) and CP949 decoding through iconv, beside
# Miller's plain cat; peak RSS at 20 MB and 200 MB (must stay flat).
# Sourced by scripts/bench.sh: $V, $C, $V20, $_tmp and bench/bench_ref come from there.
printf '[claim]\nperson_key person_key person\n@identity\n' >"$_tmp/rehash.profile"
printf 'bench-only-key-0123456789abcdefgh\n' >"$_tmp/bench.key"
chmod 600 "$_tmp/bench.key"
if [ ! -f "$BENCH_DIR/vacancy-20mb.cp949.csv" ] ||
	[ "$BENCH_DIR/vacancy-20mb.csv" -nt "$BENCH_DIR/vacancy-20mb.cp949.csv" ]; then
	iconv -f UTF-8 -t CP949 "$V20" >"$BENCH_DIR/vacancy-20mb.cp949.csv"
fi
# Miller's cat on the same files, unless the lmi cat snippet measured it already.
for _f in "$V" "$C"; do
	[ -f "$_tmp/mlr.$(_key "$_f")" ] || ! command -v mlr >/dev/null ||
		bench_ref "mlr --icsv --ocsv cat" "$_f" mlr --icsv --ocsv cat
done
bench "lmi ingest -p canonical" "$V" lmi-ingest -q -k vacancy -p canonical
bench "lmi ingest -p canonical" "$C" lmi-ingest -q -k claim -p canonical
bench "lmi ingest person_key" "$C" lmi-ingest -q -k claim -p "$_tmp/rehash.profile" \
	--key-file "$_tmp/bench.key"
_rss200=$BENCH_LAST_RSS
bench "lmi ingest -p canonical" "$V20" lmi-ingest -q -k vacancy -p canonical
_rss20=$BENCH_LAST_RSS
bench "lmi ingest -e cp949" "$BENCH_DIR/vacancy-20mb.cp949.csv" \
	lmi-ingest -q -k vacancy -p canonical -e cp949
if [ -n "$_rss20" ] && [ -n "$_rss200" ]; then
	awk -v a="$_rss20" -v b="$_rss200" 'BEGIN {
		printf "# flatness: lmi ingest peak RSS %.1f MiB on 20 MB, %.1f MiB on 200 MB (x%.2f): %s\n",
			a / 1024, b / 1024, b / a, b <= a * 1.25 + 1024 ? "flat" : "GROWS"
	}'
fi
