# Sourced by the bench scripts (set `here` to their directory first):
# top, WB (the wb to measure), REPS (runs per step, default 3), out (the
# bench/out cache, created), mods (the tests' node_modules, which ES
# modules here resolve through bench/node_modules), and events_csv.
top=$(cd "$here/.." && pwd)
WB=${WB:-$top/wb}
REPS=${REPS:-3}
out=$here/out
mkdir -p "$out"
mods=$top/tests/node_modules
[ -e "$here/node_modules" ] || ln -s "$mods" "$here/node_modules"
[ -x "$WB" ] || { echo "build wb first (make)" >&2; exit 1; }

# events_csv ROWS: the generated e-commerce events of ROWS rows (seed 42),
# made once and cached in bench/out; prints its path.
events_csv() {
	_csv=$out/events_$1.csv
	if [ ! -s "$_csv" ]; then
		echo "generating $1 rows ..." >&2
		"$WB" generate ecommerce --rows "$1" --seed 42 -o "$_csv" >&2
	fi
	echo "$_csv"
}
