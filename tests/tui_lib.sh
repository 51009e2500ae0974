# Shared by the workbench's scripted tests (tests/tui_*.sh): drive `wb tui`
# in a detached tmux session of a fixed size, wait for what the screen
# should show (polling, never sleeping a fixed time), and compare whole
# screens with the expected ones in tests/tui/NAME.screen, volatile parts
# (timings, timestamps, the spinner) masked. TUI_UPDATE=1 rewrites the
# expected screens from what the program shows.
#
# A test sources this file, calls tui_begin, then tui_start [ARGS], keys
# (k for named keys, t for text), waits and checks, and ends with tui_end.
set -u
WB=${WB:-./wb}
src=${WB_SRCDIR:-.}
case $WB in /*) ;; *) WB=$(pwd)/$WB ;; esac
if ! command -v tmux >/dev/null 2>&1; then
	echo "1..0 # SKIP tmux is not installed (.ci/install-deps installs it)"
	exit 0
fi
tui_dir=$(mktemp -d)
tui_srv=0
tui_sock="wb-tui-test-$$-0"
# a killed server's socket stays behind: remove it too
tui_socket_dir="${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)"
tui_kill() { tmux -L "$tui_sock" kill-server 2>/dev/null; rm -f "$tui_socket_dir/$tui_sock"; }
trap 'tui_kill; rm -rf "$tui_dir"' EXIT
n=0
fail=0
TUI_WAIT=${TUI_WAIT:-10}     # seconds before a wait gives up

T() { tmux -L "$tui_sock" "$@"; }
k() { T send-keys -t w "$@"; }             # named keys: Enter F5 C-c ...
# literal text (tmux takes a trailing ';' for a command separator: sent apart)
t() {
	case $1 in
	*";") T send-keys -t w -l "${1%;}"; T send-keys -t w '\;' ;;
	*) T send-keys -t w -l "$1" ;;
	esac
}
screen() { T capture-pane -t w -p 2>/dev/null; }
# mouse BUTTON X Y: an X10 mouse report (what TERM=tmux-256color's kmous
# announces) for button 0 (press), 3 (release), 65 (wheel down) at a
# 0-based screen cell
mouse() {
	T send-keys -t w -H 1b 5b 4d "$(printf '%x' $((32 + $1)))" "$(printf '%x' $((33 + $2)))" "$(printf '%x' $((33 + $3)))"
}

ok() {   # ok STATUS DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		screen | sed 's/^/# /'
		fail=1
	fi
}

# wait_for TEXT: until the screen shows TEXT (a fixed string); 1 on timeout
wait_for() {
	i=0
	while [ $i -lt $((TUI_WAIT * 20)) ]; do
		screen | grep -qF -- "$1" && return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "# timed out after ${TUI_WAIT}s waiting for: $1"
	return 1
}

# wait_gone TEXT: until the screen no longer shows TEXT
wait_gone() {
	i=0
	while [ $i -lt $((TUI_WAIT * 20)) ]; do
		screen | grep -qF -- "$1" || return 0
		sleep 0.05
		i=$((i + 1))
	done
	echo "# timed out after ${TUI_WAIT}s waiting for this to go: $1"
	return 1
}

# The screen with what changes from run to run masked.
masked() {
	screen | sed -E \
		-e 's/[0-9]+\.[0-9]{3}s/N.NNNs/g' \
		-e 's/20[0-9]{2}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9.]*.*/<a timestamp and what follows>/' \
		-e 's/refreshed [0-9]{2}:[0-9]{2}:[0-9]{2}/refreshed HH:MM:SS/' \
		-e 's/(Ran in|Cancelled after) [0-9]+\.[0-9]s/\1 N.Ns/'
}

# expect_screen NAME DESCRIPTION: the masked screen is tests/tui/NAME.screen
expect_screen() {
	want="$src/tests/tui/$1.screen"
	masked > "$tui_dir/got"
	if [ "${TUI_UPDATE:-}" = 1 ]; then
		cp "$tui_dir/got" "$want"
	fi
	if cmp -s "$want" "$tui_dir/got"; then
		ok 0 "$2"
	else
		n=$((n + 1))
		echo "not ok $n - $2 (screen differs from tests/tui/$1.screen; TUI_UPDATE=1 rewrites it)"
		diff "$want" "$tui_dir/got" | sed 's/^/# /'
		fail=1
	fi
}

# A warehouse with known tables: default.t (100,000 rows, then one more,
# so it has two versions), bronze.ev.
tui_begin() {
	home="$tui_dir/home"
	lake="$tui_dir/lake"
	mkdir -p "$home"
	"$WB" --warehouse "$lake" \
		-c "CREATE TABLE t AS SELECT range AS id, range % 7 AS k, 'x' || range AS s FROM range(100000)" \
		-c "INSERT INTO t VALUES (100000, NULL, 'y')" \
		-c "CREATE TABLE bronze.ev AS SELECT 1 AS a, 'view' AS event_type" >/dev/null ||
		{ echo "Bail out! cannot create the test warehouse"; exit 1; }
}

# A fresh tmux server for the next session (a server that is shutting
# down cannot take a new session).
tui_new_server() {
	tui_kill
	tui_srv=$((tui_srv + 1))
	tui_sock="wb-tui-test-$$-$tui_srv"
}

# tui_start [ARGS]: wb tui in a 100x30 terminal (TUI_COLS, TUI_ROWS,
# TUI_LANG change that); its exit status lands in $tui_dir/status
tui_start() {
	tui_new_server
	: > "$tui_dir/status"
	T new-session -d -s w -x "${TUI_COLS:-100}" -y "${TUI_ROWS:-30}" \
		"cd '$tui_dir' && HOME='$home' LANG='${TUI_LANG:-C.UTF-8}' LC_ALL= '$WB' tui --warehouse '$lake' $*; echo \$? > '$tui_dir/status'; sleep 30"
	wait_for "Catalog" && wait_for "models"
}

# dash_start FILE [ARGS]: wb dashboard FILE in a 100x30 terminal (as
# tui_start) on a warehouse of its own
dash_start() {
	tui_new_server
	: > "$tui_dir/status"
	T new-session -d -s w -x "${TUI_COLS:-100}" -y "${TUI_ROWS:-30}" \
		"cd '$tui_dir' && HOME='$home' LANG='${TUI_LANG:-C.UTF-8}' LC_ALL= '$WB' dashboard $* --warehouse '$tui_dir/dlake'; echo \$? > '$tui_dir/status'; sleep 30"
}

# wait_status: until the program has exited; 0 when its status was 0
wait_status() {
	i=0
	while [ ! -s "$tui_dir/status" ] && [ $i -lt $((TUI_WAIT * 20)) ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ "$(cat "$tui_dir/status" 2>/dev/null)" = 0 ]
}

# Leave with C-q; the program must exit with status 0.
tui_quit() {
	k C-q
	i=0
	while [ ! -s "$tui_dir/status" ] && [ $i -lt $((TUI_WAIT * 20)) ]; do
		sleep 0.05
		i=$((i + 1))
	done
	[ "$(cat "$tui_dir/status" 2>/dev/null)" = 0 ]
}

tui_end() {
	echo "1..$n"
	exit $fail
}
