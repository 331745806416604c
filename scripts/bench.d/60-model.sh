# lmi train / score / evaluate on seeker.csv; fit time (target: 1M rows x 30 features < 10 s)
# and scoring throughput (target >= 0.60 of the libcsv loop).
# Sourced by scripts/bench.sh: $K, $K200, $BENCH_DIR and bench/bench_ref come from there.
_feat=age,tenure_months,prior_spells,ui_recipient,disability,edu,sex,region_code
_rows=$(($(wc -l <"$K") - 1))
bench "lmi train (seeker)" "$K" lmi-train -q -t ltu -f "$_feat" -c edu,sex,region_code
[ -n "$_secs" ] && awk -v n="$_rows" -v s="$_secs" -v p="$(lmi-train -q -t ltu -f "$_feat" \
	-c edu,sex,region_code <"$K" | grep -vc '^@\|^term')" 'BEGIN {
	printf "# lmi train: %d rows x %d terms in %.2f s = %.0f rows/s\n", n, p, s, n / (s < 0.01 ? 0.01 : s)
}'
lmi-train -q -t ltu -f "$_feat" -c edu,sex,region_code -o "$BENCH_DIR/seeker-model.csv" <"$K"
bench "lmi score" "$K200" lmi-score -q -m "$BENCH_DIR/seeker-model.csv"
bench "lmi score (1 thread)" "$K200" env LMI_READER_THREAD=0 lmi-score -q \
	-m "$BENCH_DIR/seeker-model.csv"
bench "lmi evaluate -g sex" "$K" lmi-evaluate -q -m "$BENCH_DIR/seeker-model.csv" -g sex

# 1M rows x 30 numeric features: the seeker columns plus 24 derived ones (deterministic).
_wide=$BENCH_DIR/seeker-wide.csv
if [ ! -f "$_wide" ]; then
	# Park-Miller generator for the noise columns: exact in awk's doubles.
	awk -F, 'BEGIN { s = 42 }
		NR == 1 { h = "ltu,age,tenure_months,prior_spells,ui_recipient,disability"
			for (k = 1; k <= 25; k++) h = h ",x" k; print h; next }
		{ for (r = 0; r < 2; r++) { l = $12 "," $3 "," $8 "," $9 "," $7 "," $10
			for (k = 1; k <= 25; k++) { s = (s * 16807) % 2147483647; l = l "," int(s / 2147483.647) / 1000 }
			print l } }' "$K" | head -n 1000001 >"$_wide"
fi
_wf=age,tenure_months,prior_spells,ui_recipient,disability
for _k in $(seq 1 25); do _wf=$_wf,x$_k; done
bench "lmi train (1M x 30)" "$_wide" lmi-train -q -t ltu -f "$_wf"
[ -n "$_secs" ] && awk -v s="$_secs" 'BEGIN {
	printf "# lmi train: 1M rows x 30 features in %.2f s (target < 10 s): %s\n", s, s < 10 ? "ok" : "SLOW"
}'
