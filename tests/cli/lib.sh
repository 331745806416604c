# Golden CLI test helpers, sourced by tests/cli/tNNNN-*.sh.
#
#   t NAME EXIT 'ARGS' STDIN STDOUT [STDERR]
#
# runs `lmi ARGS` (ARGS is shell text, evaluated in a scratch directory with
# data-samples/ reachable as $S and tests/cli/data as $D) and checks the exit
# status, stdout and, when given, stderr.  STDIN, STDOUT and STDERR are
# printf %b strings ("a,b\n1,2\n"), or @FILE to use a file's bytes, or - for
# "empty stdin" / "do not check".  A signal (exit > 128) always fails, so a
# crash never passes as an expected error.  Prints "ok NAME" or "not ok NAME"
# and a diff.
set -eu
LC_ALL=C
export LC_ALL
: "${LMI_TOP:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${LMI_BIN:=$LMI_TOP/bin}"
case $LMI_BIN in /*) ;; *) LMI_BIN=$(cd "$LMI_BIN" && pwd) ;; esac
PATH=$LMI_BIN:$PATH
export PATH
S=$LMI_TOP/data-samples
D=$LMI_TOP/tests/cli/data
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
script=$(basename "$0" .sh)

_materialise() { # SPEC FILE
	case $1 in
	@*) cp "${1#@}" "$2" ;;
	-) : >"$2" ;;
	*) printf '%b' "$1" >"$2" ;;
	esac
}

_diff() { # LABEL WANT GOT
	if ! cmp -s "$2" "$3"; then
		echo "# $4 $1 differs (-want +got):"
		diff -u "$2" "$3" | sed -n '3,40p' | sed 's/^/# /'
		return 1
	fi
}

t() {
	name=$1 want_rc=$2 args=$3 in=$4 want_out=$5
	want_err=${6:--}
	_materialise "$in" "$W/in"
	set +e
	(cd "$W" && eval "lmi $args") <"$W/in" >"$W/out" 2>"$W/err"
	rc=$?
	set -e
	ok=1
	if [ "$rc" -gt 128 ]; then
		echo "# $script/$name killed by signal $((rc - 128))"
		sed 's/^/# /' "$W/err" | head -20
		ok=0
	elif [ "$rc" -ne "$want_rc" ]; then
		echo "# $script/$name exit $rc, want $want_rc"
		sed 's/^/# /' "$W/err" | head -10
		ok=0
	fi
	if [ "$want_out" != "-" ]; then
		_materialise "$want_out" "$W/want"
		_diff stdout "$W/want" "$W/out" "$script/$name" || ok=0
	fi
	if [ "$want_err" != "-" ]; then
		_materialise "$want_err" "$W/want"
		_diff stderr "$W/want" "$W/err" "$script/$name" || ok=0
	fi
	if [ $ok -eq 1 ]; then
		echo "ok $script/$name"
	else
		echo "not ok $script/$name"
	fi
}

# check NAME COMMAND...: a free-form assertion; passes when COMMAND exits 0.
check() {
	name=$1
	shift
	if (cd "$W" && eval "$*") >"$W/chk" 2>&1; then
		echo "ok $script/$name"
	else
		echo "not ok $script/$name"
		sed 's/^/# /' "$W/chk" | head -20
	fi
}
