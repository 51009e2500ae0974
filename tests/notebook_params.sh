#!/bin/sh
# A notebook's parameters (wb-notebook(5), PARAMETERS): typed values as
# :name, text as ${name}, -p overrides, and the errors that stop a run
# before any cell: a value not of the declared type, an unknown or missing
# parameter, a malformed `-- param` line, an undeclared ${name}.
set -u
WB=${WB:-./wb}
case $WB in /*) ;; *) WB=$(pwd)/$WB ;; esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "${WB_SRCDIR:-.}/tests/check_lib.sh"
cd "$tmp" || exit 1

cat > p.wb <<'EOF'
-- Parameters of every type
-- param since DATE = '2019-10-02'
-- param at TIMESTAMP = '2019-10-02 12:00:00'
-- param top BIGINT = 2
-- param rate DOUBLE = 0.5
-- param flag BOOLEAN = true
-- param tbl VARCHAR = 'orders'
-- param note VARCHAR = 'it''s'

-- %% sql name=load
CREATE TABLE ${tbl} AS SELECT * FROM (VALUES (DATE '2019-10-01', 1), (DATE '2019-10-02', 2), (DATE '2019-10-03', 3)) t(day, x);

-- %% sql name=types
SELECT typeof(:since) AS d, typeof(:at) AS ts, typeof(:top) AS n, typeof(:rate) AS r, typeof(:flag) AS b, typeof(:tbl) AS s;

-- %% sql name=values
SELECT :since + 1 AS next_day, :at AS at, :top * 2 AS twice, :rate * 2 AS r2, NOT :flag AS nf, :note AS note;

-- %% sql name=use
SELECT day, x FROM ${tbl} WHERE day >= :since ORDER BY day LIMIT :top;
EOF
out=$("$WB" run --csv --warehouse lake p.wb 2>&1)
check "typed values as :name, text as \${name}, defaults" "d,ts,n,r,b,s
DATE,TIMESTAMP,BIGINT,DOUBLE,BOOLEAN,VARCHAR
next_day,at,twice,r2,nf,note
2019-10-03,2019-10-02 12:00:00,4,1.0,false,it's
day,x
2019-10-02,2
2019-10-03,3" "$out"

out=$("$WB" run --csv --warehouse lake2 p.wb -p since=2019-10-3 -p top=1 -p tbl=other -p note="a b" -p flag=false 2>&1)
check "-p overrides, parsed as the declared type (2019-10-3 is a DATE)" "d,ts,n,r,b,s
DATE,TIMESTAMP,BIGINT,DOUBLE,BOOLEAN,VARCHAR
next_day,at,twice,r2,nf,note
2019-10-04,2019-10-02 12:00:00,2,1.0,true,a b
day,x
2019-10-03,3" "$out"
out=$("$WB" --warehouse lake2 --csv -c "SHOW TABLES" | cut -d, -f2 | sort | tr '\n' ' ')
check "\${tbl} named the table: -p tbl=other made 'other'" "name other " "$out"

out=$("$WB" run --csv --warehouse lake3 p.wb -p "tbl='quoted'" --only use 2>&1)
contains "a quoted -p value is the text inside the quotes" 'table "quoted" does not exist' "$out"

# a value of the wrong type: an error before any cell runs
fails() {   # fails NAME ARGS... -- NEEDLES...
	name=$1
	shift
	args=""
	while [ "$1" != "--" ]; do args="$args $1"; shift; done
	shift
	rm -rf badlake
	# shellcheck disable=SC2086
	out=$("$WB" run --warehouse badlake $args 2>&1)
	check "$name: exit 2" 2 $?
	for needle in "$@"; do
		contains "$name: says '$needle'" "$needle" "$out"
	done
	if [ -d badlake ]; then
		n=$((n + 1)); echo "not ok $n - $name: a cell ran"; fail=1
	fi
}
fails "a DATE that is not a date" p.wb -p since=2019-13-01 -- \
	"-p since=2019-13-01: not a DATE (declared at p.wb:2)" "YYYY-MM-DD"
fails "a BIGINT that is not a number" p.wb -p top=ten -- "-p top=ten: not a BIGINT" "a whole number"
fails "a BOOLEAN that is not one" p.wb -p flag=maybe -- "not a BOOLEAN" "true or false"
fails "an unknown parameter" p.wb -p sinse=2019-10-01 -- \
	"p.wb has no parameter sinse (it declares since (DATE), at (TIMESTAMP)" "did you mean -p since=...?"
fails "-p without =" p.wb -p since -- "-p expects NAME=VALUE, got 'since'"

printf -- "-- param region VARCHAR\n-- param day DATE\nSELECT '\${region}' AS r, :day AS d;\n" > req.wb
fails "a required parameter without a value" req.wb -p region=EU -- \
	"parameter day (DATE, declared at req.wb:2) has no default and no value" "HINT: give it a value: -p day=VALUE"
out=$("$WB" run --csv req.wb -p region=EU -p day=2019-10-01 --warehouse lake 2>&1)
check "required parameters given with -p" "r,d
EU,2019-10-01" "$out"

malformed() {   # malformed NAME LINE NEEDLE
	printf -- '-- header\n%s\nSELECT 1;\n' "$2" > m.wb
	out=$("$WB" run m.wb --warehouse badlake 2>&1)
	check "$1: exit 2" 2 $?
	contains "$1: file:line" "m.wb:2: malformed parameter line: $3" "$out"
	contains "$1: an example of the right form" "HINT: write it as: -- param run_date DATE = '2019-10-01'" "$out"
}
malformed "a misspelt type" "-- param d DTE = '2019-10-01'" "unknown type 'DTE' for parameter d (did you mean DATE?)"
malformed "no type" "-- param d" "parameter d has no type"
malformed "no name" "-- param = 3" "expected a parameter name"
malformed "a default of the wrong type" "-- param n BIGINT = 'x'" "the default of n, 'x', is not a BIGINT"
malformed "text after the default" "-- param d DATE = '2019-10-01' extra" "unexpected 'extra' after the default of d"
malformed "an unclosed quote" "-- param s VARCHAR = 'abc" "the default of s has no closing quote"
malformed "'=' and nothing" "-- param s VARCHAR =" "'=' without a default for s"
printf -- "-- param d DATE = '2019-10-01'\n-- param d DATE = '2019-10-02'\nSELECT 1;\n" > m.wb
out=$("$WB" run m.wb 2>&1)
contains "a parameter declared twice" "m.wb:2: parameter d is declared twice (also at line 1)" "$out"

printf -- "-- param tbl VARCHAR = 't'\n-- %%%% sql\nSELECT 1;\n-- %%%% sql\nSELECT * FROM \${tlb};\n" > ref.wb
out=$("$WB" run ref.wb --warehouse badlake 2>&1)
check "an undeclared \${name}: exit 2" 2 $?
contains "an undeclared \${name}: file:line and a suggestion" "ref.wb:5: \${tlb} is not a parameter of this notebook" "$out"
contains "an undeclared \${name}: did you mean" "did you mean \${tbl}?" "$out"
[ -d badlake ] && { n=$((n + 1)); echo "not ok $n - the first cell ran"; fail=1; }

# a notebook that declares nothing takes -p as wb -p does
printf 'SELECT :x + 1 AS y, '"'"'${name}'"'"' AS n;\n' > free.wb
out=$("$WB" run --csv free.wb -p x=41 -p name=abc --warehouse lake 2>&1)
check "no declarations: -p values typed by their text, \${name} substituted" "y,n
42,abc" "$out"

echo "1..$n"
exit $fail
