# Shared by the shell tests that print TAP (tests/chart.sh, tests/dashboard.sh,
# tests/notebook_*.sh): source it after cd-ing where the test works; it
# defines the counters and the checks, each printing one "ok N - NAME" or
# "not ok N - NAME" with what differed as # lines. End the test with
#   echo "1..$n"; exit $fail
n=0
fail=0
ok() {   # ok STATUS NAME: passes when STATUS is 0
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n - $2"; else echo "not ok $n - $2"; fail=1; fi
}
check() {   # check NAME EXPECTED ACTUAL
	n=$((n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		printf '%s\n' "want: $2" "got:  $3" | sed 's/^/# /'
		fail=1
	fi
}
contains() {   # contains NAME NEEDLE HAYSTACK
	n=$((n + 1))
	case "$3" in
	*"$2"*) echo "ok $n - $1" ;;
	*) echo "not ok $n - $1"; printf '%s\n' "missing: $2" "in: $3" | sed 's/^/# /'; fail=1 ;;
	esac
}
lacks() {   # lacks NAME NEEDLE HAYSTACK
	n=$((n + 1))
	case "$3" in
	*"$2"*) echo "not ok $n - $1"; printf '%s\n' "unexpected: $2" "in: $3" | sed 's/^/# /'; fail=1 ;;
	*) echo "ok $n - $1" ;;
	esac
}
