#!/bin/sh
# The command-line front end: -c order and dot-commands, scripts, stdin,
# parameters, output modes and redirection, error locations, exit status.
set -u
WB=${WB:-./wb}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
fail=0
check() {   # check NAME EXPECTED ACTUAL
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		printf '%s\n' "# want: $2" "# got:  $3"
		fail=1
	fi
}
contains() {   # contains NAME NEEDLE HAYSTACK
	n=$((n + 1))
	case "$3" in
	*"$2"*) echo "ok $n - $1" ;;
	*) echo "not ok $n - $1"; printf '%s\n' "# missing: $2" "# in: $3"; fail=1 ;;
	esac
}

out=$("$WB" -c ".mode csv" -c "SELECT 1 AS a, 'x' AS b" -c ".mode tsv" -c "SELECT 2 AS c")
check "-c runs in order, dot-commands included" "a,b
1,x
c
2" "$out"

"$WB" -c "SELECT 1" > /dev/null; check "exit 0 on success" 0 $?
"$WB" -c "SELECT nope" > /dev/null 2>&1; check "exit 1 when a statement fails" 1 $?
"$WB" --no-such-option > /dev/null 2>&1; check "exit 2 on a usage error" 2 $?

out=$(printf 'SELECT 1 AS x;\nSELECT bad;\nSELECT 3 AS y;\n' | "$WB" --csv 2>/dev/null)
check "stdin: later statements still run without --bail" "x
1
y
3" "$out"
out=$(printf 'SELECT 1 AS x;\nSELECT bad;\nSELECT 3 AS y;\n' | "$WB" --csv --bail 2>/dev/null)
check "--bail stops at the first failure" "x
1" "$out"

printf -- '-- a script\n.mode csv\n\nSELECT 1 AS one;\n\nSELECT\n  nme FROM (SELECT 1 AS name);\n' > "$tmp/s.wb"
err=$("$WB" "$tmp/s.wb" 2>&1 >/dev/null)
contains "errors name file:line:column" "s.wb:7:3: Error: column \"nme\" does not exist" "$err"
contains "errors show the line with a caret" "LINE 7:   nme FROM (SELECT 1 AS name)" "$err"
contains "errors suggest the nearest name" 'HINT: did you mean "name"?' "$err"

out=$("$WB" -p day=2019-10-05 -p n=3 --csv -c "SELECT :n * 2 AS x, CAST(\${day} AS DATE) + 1 AS d")
check "-p parameters, typed by their text" "x,d
6,2019-10-06" "$out"
out=$("$WB" --csv -c ".param set who 'ann'" -c "SELECT upper(:who) AS w")
check ".param set" "w
ANN" "$out"
err=$("$WB" -c "SELECT :missing" 2>&1)
contains "unset parameter is an error with a hint" "parameter :missing is not set" "$err"

"$WB" -c ".once $tmp/once.csv" -c ".mode csv" -c "SELECT 1 AS a" -c "SELECT 2 AS b" > "$tmp/stdout"
check ".once writes one result to a file" "a
1" "$(cat "$tmp/once.csv")"
check "... and later results go to stdout" "b
2" "$(cat "$tmp/stdout")"

printf 'SELECT 7 AS r;\n' > "$tmp/r.sql"
out=$("$WB" --csv -c ".read $tmp/r.sql")
check ".read runs a file" "r
7" "$out"

out=$("$WB" --json -c "SELECT 1 AS a, 'q\"' AS b, NULL AS c")
check "json mode" '[{"a":1,"b":"q\"","c":null}]' "$(echo "$out" | tr -d '\n')"
# lists: JSON arrays in json/jsonl, Spark's text [a, null] elsewhere
out=$("$WB" --json -c "SELECT [1, NULL] AS a, ['x\"', NULL] AS b, CAST(NULL AS INT[]) AS c, [] AS d, [1.5, 'nan'::DOUBLE] AS e, [DATE '2019-10-01'] AS f, [true] AS g")
check "json mode: lists are arrays" '[{"a":[1,null],"b":["x\"",null],"c":null,"d":[],"e":[1.5,null],"f":["2019-10-01"],"g":[true]}]' "$(echo "$out" | tr -d '\n')"
out=$("$WB" -m jsonl -c "SELECT ['a', 'b'] AS l")
check "jsonl mode: lists are arrays" '{"l":["a","b"]}' "$out"
out=$("$WB" --csv -c "SELECT [1, NULL] AS a, ['x,y', 'z'] AS b, CAST(NULL AS INT[]) AS c, [] AS d")
check "csv mode: lists as text, quoted when needed" 'a,b,c,d
"[1, null]","[x,y, z]",,[]' "$out"
out=$("$WB" -m tsv -c "SELECT [1, 2] AS a, CAST(NULL AS INT[]) AS c")
check "tsv mode: lists as text" "a	c
[1, 2]	" "$out"
out=$("$WB" -m line -c "SELECT ['a', NULL] AS a")
check "line mode: lists as text" "a = [a, null]" "$out"
out=$("$WB" -c "CREATE TABLE lt (id INT, tags ARRAY<STRING>, w DOUBLE[])" -c ".schema lt")
contains ".schema shows list types" "CREATE TABLE default.lt (id BIGINT, tags VARCHAR[], w DOUBLE[]);" "$out"
out=$("$WB" -m markdown -c "SELECT 1 AS a")
contains "markdown mode" "| a |" "$out"

err=$("$WB" -c ".mdoe csv" 2>&1)
contains "unknown dot-command suggests" "did you mean .mode?" "$err"
err=$("$WB" -c ".ma 5" 2>&1)
contains "ambiguous prefix is reported" "ambiguous command .ma: could be .maxrows, .maxwidth" "$err"
out=$("$WB" -c ".help mode")
contains ".help COMMAND" "set the output mode" "$out"

out=$("$WB" -c "CREATE TABLE t AS SELECT * FROM range(5)" -c ".tables" -c ".schema t")
contains ".tables lists tables" "t" "$out"
contains ".schema shows CREATE" "CREATE TABLE default.t (range BIGINT);" "$out"

out=$("$WB" -c ".maxrows 4" -c "SELECT * FROM range(100)")
contains "box footer for elided results" "100 rows" "$out"
contains "... with the rows shown" "(4 shown)" "$out"

echo "1..$n"
exit $fail
