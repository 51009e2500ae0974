#!/bin/sh
# Model files altered and re-signed (a byte changed, the trailing MD5
# recomputed, so the checksum no longer stops it): reading them must give
# a model or an error, never a crash. Every 11th byte of a logistic_reg
# and an als model, each changed by XOR 0x80 (lengths and counts become
# huge, flags and types invalid); DESCRIBE MODEL, ML.PREDICT / ML.RECOMMEND
# and the other ML functions run on each. Needs md5sum and od (skipped
# without them). Data: tests/ml/sup_data.csv.
set -u
WB=${WB:-./wb}
src=${WB_SRCDIR:-.}
if ! command -v md5sum >/dev/null 2>&1 || ! command -v od >/dev/null 2>&1; then
	echo "1..0 # SKIP md5sum or od missing"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
wh=$tmp/lake
n=0
fail=0
"$WB" --warehouse "$wh" -c "CREATE TABLE d AS SELECT * FROM read_csv('$src/tests/ml/sup_data.csv')" \
	-c "CREATE MODEL m OPTIONS (model_type = 'logistic_reg', label = 'bought') AS SELECT x1, region, bought FROM d" \
	-c "CREATE MODEL r OPTIONS (model_type = 'als', num_factors = 2) AS SELECT id % 20 AS u, id % 13 AS i, x3 AS r FROM d" \
	>/dev/null 2>&1
models=$wh/main/default/_models
[ -f "$models/m.wbm" ] && [ -f "$models/r.wbm" ] || { echo "1..1"; echo "not ok 1 - the models to alter were made"; exit 1; }

# sign FILE: replace its last 32 bytes by the MD5 of the rest
sign() {
	size=$(wc -c < "$1")
	head -c $((size - 32)) "$1" > "$1.body"
	sum=$(md5sum < "$1.body" | cut -c1-32)
	{ cat "$1.body"; printf '%s' "$sum"; } > "$1"
	rm -f "$1.body"
}
# flip FILE OFFSET: XOR 0x80 into the byte at OFFSET
flip() {
	b=$(od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' ')
	v=$(( (b + 128) % 256 ))
	printf "\\$(printf '%03o' "$v")" | dd of="$1" bs=1 seek="$2" count=1 conv=notrunc 2>/dev/null
}

probe_m="SELECT count(*) FROM ML.PREDICT(MODEL m, (SELECT range * 0.1 AS x1, CASE range % 4 WHEN 0 THEN 'east' WHEN 1 THEN 'north' WHEN 2 THEN 'south' ELSE 'x' END AS region FROM range(300)))"
for name in m r; do
	cp "$models/$name.wbm" "$tmp/$name.good"
	size=$(wc -c < "$tmp/$name.good")
	crashed=0
	tried=0
	refused=0
	off=8
	while [ $off -lt $((size - 32)) ]; do
		cp "$tmp/$name.good" "$models/$name.wbm"
		flip "$models/$name.wbm" "$off"
		sign "$models/$name.wbm"
		if [ $name = m ]; then
			out=$("$WB" --warehouse "$wh" -c "DESCRIBE MODEL m" -c "$probe_m" -c "SELECT * FROM ML.WEIGHTS(MODEL m)" \
				-c "SELECT * FROM ML.EVALUATE(MODEL m)" -c "SELECT * FROM ML.ROC_CURVE(MODEL m)" \
				-c "SELECT * FROM ML.CONFUSION_MATRIX(MODEL m)" -c "SELECT * FROM ML.TRAINING_INFO(MODEL m)" \
				-c "SHOW MODELS" 2>&1)
		else
			out=$("$WB" --warehouse "$wh" -c "DESCRIBE MODEL r" -c "SELECT count(*) FROM ML.RECOMMEND(MODEL r, 3)" \
				-c "SELECT count(*) FROM ML.RECOMMEND(MODEL r, 2, (SELECT 3 AS u UNION ALL SELECT 99))" -c "SHOW MODELS" 2>&1)
		fi
		rc=$?
		tried=$((tried + 1))
		case "$out" in *"is corrupt"*) refused=$((refused + 1)) ;; esac
		# a signal, or a sanitizer's report (their exit status is 1)
		case "$out" in *AddressSanitizer*|*LeakSanitizer*|*"runtime error:"*) rc=255 ;; esac
		if [ $rc -ge 128 ]; then
			crashed=$((crashed + 1))
			[ $crashed -le 3 ] && echo "# $name.wbm byte $off ^ 0x80: exit $rc" && printf '%s\n' "$out" | tail -5 | sed 's/^/#   /'
		fi
		off=$((off + 11))
	done
	n=$((n + 1))
	if [ $crashed -eq 0 ]; then
		echo "ok $n - $name.wbm: $tried altered, re-signed files read without a crash"
	else
		echo "not ok $n - $name.wbm: $crashed of $tried altered files crashed wb"
		fail=1
	fi
	n=$((n + 1))
	if [ $refused -gt 0 ]; then
		echo "ok $n - $name.wbm: $refused of them refused as corrupt"
	else
		echo "not ok $n - $name.wbm: none refused as corrupt"
		fail=1
	fi
	cp "$tmp/$name.good" "$models/$name.wbm"
done

echo "1..$n"
exit $fail
