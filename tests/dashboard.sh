#!/bin/sh
# Dashboards as text (man wb-dashboard): `wb dashboard FILE.wb --once` at a
# fixed size, compared with golden renders in UTF-8 and ASCII
# (tests/dashboards/*.txt; DASH_UPDATE=1 rewrites them); filters (-p),
# --zoom, a failing cell shown in its tile, the layout's errors, no
# terminal, `.dashboard --once` in a script, and the shipped e-commerce
# dashboard on a fresh warehouse, checked against SQL over the same table.
set -u
WB=${WB:-./wb}
src=${WB_SRCDIR:-.}
case $WB in /*) ;; *) WB=$(pwd)/$WB ;; esac
case $src in /*) ;; *) src=$(pwd)/$src ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "${WB_SRCDIR:-.}/tests/check_lib.sh"
cd "$tmp" || exit 1
# the time of the run is the only thing that changes
mask() { sed -E 's/as of [0-9-]+ [0-9:]+ \([0-9.]+s\)/as of <time>/'; }
golden() {   # golden NAME FILE DESCRIPTION
	want="$src/tests/dashboards/$1.txt"
	mask < "$2" > "$tmp/got.txt"
	[ "${DASH_UPDATE:-}" = 1 ] && cp "$tmp/got.txt" "$want"
	if cmp -s "$want" "$tmp/got.txt"; then
		ok 0 "$3"
	else
		ok 1 "$3 (differs from tests/dashboards/$1.txt; DASH_UPDATE=1 rewrites it)"
		diff "$want" "$tmp/got.txt" | sed 's/^/# /'
	fi
}
tiles="$src/tests/dashboards/tiles.wb"
once() { LANG=C.UTF-8 "$WB" dashboard "$@" --warehouse "$tmp/lake"; }

# ---- the test dashboard, every kind of tile
once "$tiles" --once --width 100 --height 36 > out.txt 2> err.txt
check "a failing cell: exit status 1" 1 $?
golden tiles.utf8 out.txt "UTF-8 at 100x36: KPIs, a line chart, a table, text, an error in its tile"
check "no line is wider than --width" 100 "$(LC_ALL=C.UTF-8 wc -L < out.txt | tr -d ' ')"
check "exactly --height lines" 36 "$(wc -l < out.txt | tr -d ' ')"
contains "the failure is named on stderr with its line" \
	'tiles.wb:38: cell 8 (broken) failed: column "nosuchcolumn" does not exist' "$(cat err.txt)"
once "$tiles" --once --width 100 --height 36 --ascii > out.txt 2>/dev/null
golden tiles.ascii out.txt "--ascii: the same dashboard in ASCII"
check "--ascii writes only ASCII" 0 "$(LC_ALL=C grep -c '[^ -~]' out.txt)"
LANG=C LC_ALL=C "$WB" dashboard "$tiles" --once --width 100 --height 36 --warehouse "$tmp/lake" > out2.txt 2>/dev/null
cmp -s out.txt out2.txt; ok $? "a locale that is not UTF-8 draws ASCII"

# ---- filters
once "$tiles" --once --width 100 --height 36 -p kind=b -p top=3 > out.txt 2>/dev/null
out=$(cat out.txt)
contains "-p sets a filter: the bar shows it" "kind b" "$out"
contains "a chart's title takes the filter (\${kind})" "Revenue per day (b)" "$out"
want=$("$WB" --warehouse "$tmp/lake" --csv -c "SELECT 'brand_' || brand_no AS brand FROM t WHERE kind = 'b' GROUP BY brand_no ORDER BY round(sum(price), 2) DESC LIMIT 3" | tail -n +2 | tr '\n' ' ')
got=$(sed -n '/Top brands/,/└/p' out.txt | grep -o 'brand_[0-9]*' | tr '\n' ' ')
check "the table tile is the query's result with :kind and :top bound" "$want" "$got"
once "$tiles" --once -p top=lots > out.txt 2> err.txt
check "a filter that does not fit its type: exit status 2" 2 $?
contains "and the error names it" "top" "$(cat err.txt)"
once "$tiles" --once -p nosuch=1 > out.txt 2> err.txt
check "an unknown filter: exit status 2" 2 $?

# ---- zoom
once "$tiles" --once --width 80 --height 24 --zoom daily > out.txt 2>/dev/null
check "--zoom: one box" 1 "$(grep -c '┌' out.txt)"
contains "--zoom: the tile named" "Revenue per day (a)" "$(cat out.txt)"
once "$tiles" --once --zoom nosuch > out.txt 2> err.txt
check "--zoom of no tile: exit status 2" 2 $?
contains "and the tiles are listed" "tiles: total, mean, daily, top, broken, notes" "$(cat err.txt)"

# ---- the layout's errors, at their line, before anything runs
layout() {   # layout ROWS...: a dashboard with that layout
	{
		echo "-- layout:"
		for r in "$@"; do echo "--   $r"; done
		printf '\n-- %%%% sql name=a\nSELECT 1 AS x;\n\n-- %%%% sql name=b\nSELECT 2 AS y;\n'
	} > bad.wb
	"$WB" dashboard bad.wb --once --warehouse "$tmp/lake2" 2>&1 >/dev/null
	echo "status $?"
}
out=$(layout "a bb")
contains "an unknown name: its line" "bad.wb:2: the layout names 'bb', which is not a cell" "$out"
contains "with a did-you-mean" "did you mean b?" "$out"
contains "exit status 2" "status 2" "$out"
out=$(layout "a b" "a")
contains "rows of different lengths" "bad.wb:3: this layout row has 1 place" "$out"
out=$(layout "a b" "b a")
contains "a tile that is not a rectangle" "is in two places apart" "$out"
out=$(layout "a b *0")
contains "a bad row height" "bad row height '*0'" "$out"
check "nothing ran: no warehouse was written" no "$([ -e "$tmp/lake2/default" ] && echo yes || echo no)"
printf -- '-- %%%% md\n-- nothing to show\n' > none.wb
out=$("$WB" dashboard none.wb --once 2>&1)
contains "a notebook without tiles says so" "nothing to show" "$out"

# ---- without a layout: charts, KPIs first
cat > auto.wb <<'EOF'
-- %% sql
SELECT range AS d, range * 2 AS v FROM range(10);
-- %% chart name=line
-- line x=d y=v
-- %% chart name=k
-- kpi x=d y=v
EOF
once auto.wb --once --width 60 --height 24 > out.txt 2>&1
check "without a layout: exit 0" 0 $?
sed -n 2p out.txt | grep -q '^┌ K '; ok $? "the KPI is the first tile"

# ---- a table tile lines decimals up by their points, and never cuts a number
cat > align.wb <<'EOF'
-- %% sql name=t
SELECT CAST(x AS DOUBLE) AS x FROM (VALUES (1.5), (22.25), (3.0), (NULL), (1234567.125)) v(x);
EOF
once align.wb --once --width 40 --height 20 > out.txt 2>&1
check "decimal points one above the other" 1 \
	"$(grep '^│' out.txt | grep -E '[0-9]\.[0-9]' | awk '{ print index($0, ".") }' | sort -u | wc -l | tr -d ' ')"
contains "a wide number whole" "1234567.125" "$(cat out.txt)"

# ---- no terminal
"$WB" dashboard "$tiles" < /dev/null > out.txt 2> err.txt
check "full screen without a terminal: exit status 2" 2 $?
contains "and the hint says --once" "--once prints the dashboard as text" "$(cat err.txt)"

# ---- .dashboard in a script
out=$(LANG=C.UTF-8 "$WB" --warehouse "$tmp/lake" -c ".dashboard $tiles --once --width 90 --height 30 -p kind=b" 2>&1)
contains ".dashboard --once prints it on the session's output" "Revenue per day (b)" "$out"
contains "and its failing cell is the command's error" "a cell failed" "$out"

# ---- the shipped dashboard, on a fresh warehouse
eco="$src/notebooks/ecommerce_dashboard.wb"
LANG=C.UTF-8 "$WB" dashboard "$eco" --once --width 120 --height 45 --warehouse "$tmp/eco" > out.txt 2> err.txt
check "notebooks/ecommerce_dashboard.wb on a fresh warehouse: exit 0" 0 $?
out=$(cat out.txt)
lacks "no tile failed" "Error" "$out"
for t in "Revenue, last day" "Conversion %, last day" "Buyers, last day" "Revenue per day" "Funnel: sessions per step" \
	"Top brands by revenue" "Prices bought (USD, log scale)"; do
	contains "its tile: $t" "$t" "$out"
done
top=$("$WB" --warehouse "$tmp/eco" --csv -c "SELECT brand || ' ' || round(sum(price), 2) FROM shop.events WHERE event_type = 'purchase' AND brand IS NOT NULL GROUP BY brand ORDER BY sum(price) DESC LIMIT 1" | tail -1)
check "the top brand is the one SQL finds in shop.events" "$top" "$(sed -n '/Top brands/{n;n;p;}' out.txt | sed 's/^│ *//' | awk '{ print $1, $2 }')"
rows=$("$WB" --warehouse "$tmp/eco" --csv -c "SELECT count(*) FROM shop.events" | tail -1)
check "the setup cell generated 300,000 events" 300000 "$rows"
LANG=C.UTF-8 "$WB" dashboard "$eco" --once --width 120 --height 45 -p brand=apple -p start_date=2019-10-10 \
	--warehouse "$tmp/eco" > out.txt 2>&1
check "filters on the e-commerce dashboard: exit 0" 0 $?
top=$(sed -n '/Top brands/{n;n;p;}' out.txt | sed 's/^│ *//' | awk '{ print $1 }')
check "brand=apple: apple is the only brand" apple "$top"
ver=$("$WB" --warehouse "$tmp/eco" --csv -c "SELECT max(version) FROM (DESCRIBE HISTORY shop.events)" | tail -1)
check "opening it again did not write shop.events again" 0 "$ver"

echo "1..$n"
exit $fail
