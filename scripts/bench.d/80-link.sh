# lmi link: 100k x 100k persons with typos, blocked on birth date and name prefix.
# Sourced by scripts/bench.sh (which defines bench and BENCH_DIR); also usable on
# its own: `. scripts/bench.d/80-link.sh; link_gen 1000 7 a.csv b.csv truth.csv`.
#
# link_gen N SEED A B TRUTH writes N persons to A; B holds 80% of them (with
# typos in names, day/month swaps, missing and changed fields, shuffled order)
# plus N/4 people who are not in A; TRUTH lists the true id_a,id_b pairs.
link_gen() {
	awk -v n="$1" -v seed="$2" -v fa="$3" -v fb="$4" -v ft="$5" '
	function pick(arr, k) { return arr[int(rand() * k) + 1] }
	function typo(s,   i, c, n) {
		n = length(s)
		if (n < 3) return s
		i = int(rand() * (n - 1)) + 2
		c = rand()
		if (c < 0.35) return substr(s, 1, i - 1) substr(s, i + 1, 1) substr(s, i, 1) substr(s, i + 2)
		if (c < 0.7) return substr(s, 1, i - 1) substr("aeiounrst", int(rand() * 9) + 1, 1) substr(s, i + 1)
		return substr(s, 1, i - 1) substr(s, i + 1)
	}
	function person(k) {
		fn[k] = pick(F, nf); sn[k] = pick(S, ns)
		y = 1950 + int(rand() * 55); m = 1 + int(rand() * 12); d = 1 + int(rand() * 28)
		by[k] = y; bm[k] = m; bd[k] = d
		rg[k] = pick(R, nr); sx[k] = rand() < 0.5 ? "F" : "M"
	}
	function out(file, id, k,   f, s, m, d, dob, r) {
		f = fn[k]; s = sn[k]; m = bm[k]; d = bd[k]; r = rg[k]
		if (file == fb) {
			if (rand() < 0.15) f = typo(f)
			if (rand() < 0.08) s = typo(s)
			if (rand() < 0.05 && d <= 12) { t = m; m = d; d = t }
			if (rand() < 0.10) r = pick(R, nr)
		}
		dob = sprintf("%04d-%02d-%02d", by[k], m, d)
		if (file == fb && rand() < 0.05) dob = ""
		if (file == fb && rand() < 0.05) r = ""
		printf "%s,%s,%s,%s,%s,%s\n", id, f, s, dob, sx[k], r > file
	}
	BEGIN {
		srand(seed)
		nf = split("james,mary,john,patricia,robert,jennifer,michael,linda,william,elizabeth," \
			"david,barbara,richard,susan,joseph,jessica,thomas,sarah,charles,karen," \
			"minjun,seoyeon,jiho,jiwoo,hayoon,doyun,seojun,haeun,yejun,sua," \
			"jiwon,eunji,hyunwoo,junho,sungmin,yuna,dahye,jihoon,taeyang,soyeon", F, ",")
		ns = split("smith,johnson,williams,brown,jones,garcia,miller,davis,wilson,moore," \
			"kim,lee,park,choi,jung,kang,cho,yoon,jang,lim,han,oh,seo,shin,kwon,hwang," \
			"ahn,song,yoo,hong,jeon,ko,moon,yang,son,bae,baek,heo,nam,noh", S, ",")
		nr = split("11010,11020,11030,11040,11050,26010,26020,27010,28010,29010,30010," \
			"31010,41110,41130,42110,43110,44130,45110,46110,47110", R, ",")
		hdr = "id,first_name,surname,birth_date,sex,region"
		print hdr > fa; print hdr > fb; print "id_a,id_b" > ft
		for (i = 1; i <= n; i++) person(i)
		for (i = 1; i <= n; i++) out(fa, "a" i, i)
		extra = int(n / 4)
		for (i = 1; i <= extra; i++) person(n + i)
		# B: 80% of A (every 5th person is left out) then the extras, in a shuffled order.
		nb = 0
		for (i = 1; i <= n; i++) if (i % 5 != 0) ord[++nb] = i
		for (i = 1; i <= extra; i++) ord[++nb] = n + i
		for (i = nb; i > 1; i--) { j = int(rand() * i) + 1; t = ord[i]; ord[i] = ord[j]; ord[j] = t }
		for (i = 1; i <= nb; i++) {
			out(fb, "b" ord[i], ord[i])
			if (ord[i] <= n) print "a" ord[i] ",b" ord[i] > ft
		}
	}'
}

# link_f1 TRUTH LINKS: prints precision, recall and F1 of the id_a,id_b pairs in LINKS.
link_f1() {
	awk -F, 'NR == FNR { if (FNR > 1) t[$1 "," $2] = 1; nt += FNR > 1; next }
	FNR > 1 { n++; tp += ($1 "," $2) in t }
	END { p = n ? tp / n : 0; r = nt ? tp / nt : 0
		printf "precision=%.4f recall=%.4f f1=%.4f\n", p, r, p + r ? 2 * p * r / (p + r) : 0 }' \
		"$1" "$2"
}

if command -v bench >/dev/null 2>&1 && [ -n "${BENCH_DIR:-}" ]; then
	_lk="link_gen 100000 42"
	if [ "$(cat "$BENCH_DIR/link-a.csv.cmd" 2>/dev/null)" != "$_lk" ]; then
		link_gen 100000 42 "$BENCH_DIR/link-a.csv" "$BENCH_DIR/link-b.csv" \
			"$BENCH_DIR/link-truth.csv"
		echo "$_lk" >"$BENCH_DIR/link-a.csv.cmd"
	fi
	# MB/s counts A (100,000 rows) only; B (105,000 rows) is read as well.
	_la='--id id --fields first_name:jw,surname:jw,birth_date:date,sex:exact,region:exact'
	_la="$_la --block birth_date --block surname:3+first_name:3 --one-to-one --pairs-only -q"
	bench link "$BENCH_DIR/link-a.csv" lmi link $_la - "$BENCH_DIR/link-b.csv"
	lmi link $_la "$BENCH_DIR/link-a.csv" "$BENCH_DIR/link-b.csv" >"$BENCH_DIR/link-out.csv"
	echo "link 100k x 105k against the planted truth: $(link_f1 "$BENCH_DIR/link-truth.csv" \
		"$BENCH_DIR/link-out.csv")"
fi
