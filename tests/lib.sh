# lib.sh - helpers for the test scripts in tests/t.
#
# A test script sources this file, then calls ok/fail (directly or through
# the check_* helpers) once per test case. Each result is one line in
# $RESULTS, read by tests/run.
#
# Tests wait for facts, never for a time: wait_for (a condition holds),
# wait_socket (a socket accepts connections), wait_gone (processes have
# ended). A sleep in a group is the behaviour under test, and says so.
# Ports come from free_port, which asks the kernel, so that runs of the
# suite on one machine do not collide. Cleanups go on one stack (on_exit),
# run by the only EXIT trap, set here.
#
# Sourced without GROUP set (by "quickstart demo", or by a stand-in
# program a group writes), it only defines its functions; a failed wait is
# then reported on standard error.

set -u
if [ -n "${GROUP:-}" ]; then
    CERTPOLICY=$BUILDDIR/src/certpolicy
    CASES=$SRCDIR/tests/cases
    T=$WORK/$GROUP
    mkdir -p "$T"
fi

# on_exit COMMAND - run COMMAND (a shell string, evaluated then) when the
# script exits, before the commands pushed earlier. This file sets the
# only EXIT trap; groups and functions (pf_setup, nobody_dir, free_port)
# push their cleanups here, so that none replaces another's. HUP, INT and
# TERM end the script through the same trap. A subshell runs none of them:
# push from the script itself, not from inside $(...).
_ON_EXIT_N=0
on_exit() {
    _ON_EXIT_N=$((_ON_EXIT_N + 1))
    eval "_ON_EXIT_$_ON_EXIT_N=\$1"
}
# on_exit_run - the EXIT trap: the stack, last pushed first, each once
on_exit_run() {
    while [ "$_ON_EXIT_N" -gt 0 ]; do
        eval "_oe_cmd=\$_ON_EXIT_$_ON_EXIT_N"
        _ON_EXIT_N=$((_ON_EXIT_N - 1))
        eval "$_oe_cmd" || :
    done
}
trap on_exit_run EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
# cleanup_add COMMAND - the former name of on_exit
cleanup_add() { on_exit "$1"; }

# poll_for CONDITION SECONDS - until the shell command CONDITION (evaluated
# here, so it may call the script's functions) succeeds, tried every
# 0.05 s; status 1 once SECONDS have passed. For a wait whose timeout is a
# result the caller reports itself; otherwise use wait_for.
poll_for() {
    _pf_end=$(($(date +%s) + $2))
    until eval "$1" 2>/dev/null; do
        [ "$(date +%s)" -gt "$_pf_end" ] && return 1
        sleep 0.05
    done
}

# wait_for CONDITION SECONDS [WHAT] - poll_for, and at the timeout a failed
# case that names what was awaited (WHAT, or the condition itself)
wait_for() {
    poll_for "$1" "$2" && return 0
    fail "waiting for ${3:-$1}" "not so after $2 seconds"
    return 1
}

# gone PID... - no process PID runs (one that has ended but was not yet
# waited for, a zombie, is gone)
gone() {
    for _g_pid in "$@"; do
        case $(sed 's/^.*) \(.\).*/\1/' "/proc/$_g_pid/stat" 2>/dev/null) in
        '' | Z) ;;
        *) return 1 ;;
        esac
    done
    return 0
}

# fds PID - how many files process PID has open (a connection it has
# accepted is one more)
fds() { ls "/proc/$1/fd" | wc -l; }

# wait_gone SECONDS PID... - wait_for gone PID...
wait_gone() {
    _wg_secs=$1
    shift
    wait_for "gone $*" "$_wg_secs" "the end of process $*"
}

# socket_ok ADDRESS - unix:PATH accepts a connection, or something listens
# on inet:HOST:PORT. A unix socket is tried: connected to, its writing
# side shut, and (for up to 2 s) read until the server closes it, so that
# the server holds no connection for the probe afterwards (certpolicyd
# logs nothing for it). A port is asked of the kernel: nothing connects
# there, so a server that counts its requests is not disturbed.
socket_ok() {
    case $1 in
    unix:*)
        perl -MSocket -e 'my $s; socket($s, PF_UNIX, SOCK_STREAM, 0) && connect($s, pack_sockaddr_un($ARGV[0]))
            or exit 1; shutdown($s, 1); my $r = ""; vec($r, fileno($s), 1) = 1; select($r, undef, undef, 2)' \
            "${1#unix:}"
        ;;
    inet:*)
        ss -Hltn "sport = :${1##*:}" | grep -q .
        ;;
    *) return 2 ;;
    esac
}

# wait_socket ADDRESS SECONDS [PID] - until socket_ok ADDRESS; with PID, a
# server that has died meanwhile ends the wait at once
wait_socket() {
    if [ -n "${3:-}" ]; then
        _ws_ok=
        wait_for "{ socket_ok '$1' && _ws_ok=1; } || gone $3" "$2" "$1 to accept connections" || return 1
        [ -n "$_ws_ok" ] && return 0
        fail "waiting for $1 to accept connections" "its server (process $3) has ended"
        return 1
    fi
    wait_for "socket_ok '$1'" "$2" "$1 to accept connections"
}

# wait_port PORT - the former wait_socket inet:127.0.0.1:PORT 30
wait_port() { wait_socket "inet:127.0.0.1:$1" 30; }

# free_port VAR - set VAR to a TCP port of 127.0.0.1 that nothing uses,
# chosen by the kernel (bound with port 0 and read back), and reserved for
# this script until it exits: a reservation is a directory in PORTS_DIR,
# which every run of the suite on this machine shares (a release root's
# too: /dev is bound into it), so a port stays this group's while its
# servers stop and start again. A reservation whose script is gone is
# taken over.
PORTS_DIR=/tmp/certpolicy-ports
[ -d /dev/shm ] && [ -w /dev/shm ] && PORTS_DIR=/dev/shm/certpolicy-ports
free_port() {
    if [ ! -d "$PORTS_DIR" ]; then
        mkdir -p "$PORTS_DIR" 2>/dev/null && chmod 1777 "$PORTS_DIR" 2>/dev/null
    fi
    _fp_try=0
    while [ $_fp_try -lt 100 ]; do
        _fp_try=$((_fp_try + 1))
        _fp_port=$(perl -MIO::Socket::INET -e 'my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1",
            LocalPort => 0, Proto => "tcp", Listen => 1) or die "free_port: $!\n"; print $s->sockport, "\n"') \
            || break
        if mkdir "$PORTS_DIR/$_fp_port" 2>/dev/null; then
            echo $$ >"$PORTS_DIR/$_fp_port/pid"
            on_exit "rm -rf '$PORTS_DIR/$_fp_port'"
            eval "$1=\$_fp_port"
            return 0
        fi
        _fp_owner=$(cat "$PORTS_DIR/$_fp_port/pid" 2>/dev/null) || _fp_owner=
        if [ -n "$_fp_owner" ] && [ ! -d "/proc/$_fp_owner" ]; then
            rm -rf "$PORTS_DIR/$_fp_port"
        fi
    done
    fail "free_port" "no port reserved in $_fp_try tries (in $PORTS_DIR)"
    return 1
}

# ok NAME - record a passed case
ok() {
    echo "ok $GROUP: $1" | tee -a "$RESULTS"
}

# fail NAME WHY - record a failed case (outside a group: say it on stderr)
fail() {
    if [ -n "${GROUP:-}" ]; then
        echo "FAIL $GROUP: $1: $2" | tee -a "$RESULTS"
    else
        echo "FAIL: $1: $2" >&2
    fi
}

# check NAME COMMAND... - the command must succeed
check() {
    _check_name=$1
    shift
    if "$@" >"$T/check.out" 2>&1; then ok "$_check_name"; else fail "$_check_name" "$(tail -5 "$T/check.out")"; fi
}

# check_not NAME COMMAND... - the command must fail
check_not() {
    _check_name=$1
    shift
    if "$@" >"$T/check.out" 2>&1; then fail "$_check_name" "succeeded but should not"; else ok "$_check_name"; fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected [$2], got [$3]"; fi
}

# check_golden NAME EXPECTED_FILE ACTUAL_FILE - files must be equal
check_golden() {
    if diff -u "$2" "$3" >"$T/diff" 2>&1; then
        ok "$1"
    else
        fail "$1" "differs from $(basename "$2"):
$(head -40 "$T/diff")"
    fi
}

# run_capture OUT COMMAND... - stdout and stderr of COMMAND, then "exit N", in OUT
run_capture() {
    _capture_out=$1
    shift
    "$@" >"$_capture_out" 2>&1
    echo "exit $?" >>"$_capture_out"
}

# subst FILE - replace @NAME@ placeholders from the environment of the form
# SUBST_NAME (fingerprints and dates known only once the PKI is made)
subst() {
    sed_args=
    for var in $(env | sed -n 's/^SUBST_\([A-Za-z0-9_]*\)=.*/\1/p'); do
        eval "val=\$SUBST_$var"
        sed_args="$sed_args -e s|@$var@|$val|g"
    done
    # shellcheck disable=SC2086
    sed $sed_args "$1"
}

# pki - make (once per run) the test CA and client certificates in $WORK/pki
pki() {
    PKI=$WORK/pki
    if [ ! -f "$PKI/done" ]; then
        sh "$SRCDIR/tests/pki/mkpki" "$PKI" >"$WORK/pki.log" 2>&1 || {
            cat "$WORK/pki.log"
            echo "FAIL $GROUP: mkpki failed" >>"$RESULTS"
            exit 1
        }
    fi
}

# fp_openssl FILE DIGEST - the certificate fingerprint as the openssl CLI prints it
fp_openssl() {
    openssl x509 -in "$1" -noout -fingerprint "-$2" | sed 's/^.*=//'
}

# pubfp_openssl FILE DIGEST - the public-key (SPKI) fingerprint by the openssl CLI
pubfp_openssl() {
    openssl x509 -in "$1" -noout -pubkey | openssl pkey -pubin -outform DER \
        | openssl dgst "-$2" -c | sed 's/^.*= *//' | tr a-f A-F
}

# at_clock SECONDS COMMAND... - run COMMAND with the wall clock at SECONDS
# (since 1970; +N or -N: shifted by N seconds) when it starts, through the
# preloaded tests/tools/fakeclock.so; an empty SECONDS runs it as it is. The
# programs themselves read only the real clock.
at_clock() {
    _at=$1
    shift
    if [ -z "$_at" ]; then
        "$@"
        return
    fi
    LD_PRELOAD=$BUILDDIR/tests/tools/fakeclock.so CERTPOLICY_TEST_CLOCK=$_at \
        ASAN_OPTIONS=${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0 "$@"
}


# clocked_cmd SECONDS PROGRAM - the path of a wrapper that runs PROGRAM
# under at_clock SECONDS (for a group whose every run needs one "now")
clocked_cmd() {
    mkdir -p "$T/bin"
    _cc=$T/bin/clocked-$(basename "$2")
    printf '#!/bin/sh\nexec env LD_PRELOAD="%s" CERTPOLICY_TEST_CLOCK="%s" ASAN_OPTIONS="%s" "%s" "$@"\n' \
        "$BUILDDIR/tests/tools/fakeclock.so" "$1" \
        "${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0" "$2" >"$_cc"
    chmod 0755 "$_cc"
    echo "$_cc"
}

# postfix_config - a private Postfix configuration directory for postmap.
# Its files are dated a minute back: postmap run under a group's fake
# clock (clocked_cmd, frozen at the group's start) would otherwise find
# main.cf newer than "now" and wait about two seconds for it, every time.
postfix_config() {
    MAIL_CONFIG=$WORK/postfix-config
    if [ ! -f "$MAIL_CONFIG/main.cf" ]; then
        mkdir -p "$MAIL_CONFIG"
        printf 'compatibility_level = 3.6\n' >"$MAIL_CONFIG/main.cf"
        : >"$MAIL_CONFIG/master.cf"
        touch -d '-1 minute' "$MAIL_CONFIG/main.cf" "$MAIL_CONFIG/master.cf"
    fi
    export MAIL_CONFIG
}

# check_cases NAME EXPECTED_FILE ACTUAL_FILE - like check_golden, but one
# case per block: a block is a line that does not start with a blank, and
# the indented lines after it. Comment lines (#) are not cases.
check_cases() {
    for f in "$2" "$3"; do
        awk '/^#/ { next } /^[^ ]/ { n++ } { print n "\t" $0 }' "$f" >"$f.blocks"
    done
    n=$(tail -1 "$2.blocks" | cut -f1)
    i=1
    while [ "$i" -le "$n" ]; do
        grep "^$i	" "$2.blocks" | cut -f2- >"$T/exp.block"
        grep "^$i	" "$3.blocks" | cut -f2- >"$T/act.block"
        label=$(head -1 "$T/exp.block")
        if cmp -s "$T/exp.block" "$T/act.block"; then
            ok "$1: $label"
        else
            fail "$1: $label" "expected:
$(cat "$T/exp.block")
got:
$(cat "$T/act.block")"
        fi
        i=$((i + 1))
    done
    if [ "$(wc -l <"$2.blocks")" != "$(wc -l <"$3.blocks")" ]; then
        fail "$1: whole output" "line counts differ from $(basename "$2")"
    fi
}

# skip NAME WHY - a case that cannot run here; not counted as passed
skip() {
    echo "skip $GROUP: $1: $2" | tee -a "$RESULTS"
}

# sums DIR... - checksums of every file in the directories, hidden ones too
sums() {
    find "$@" -type f -exec sha256sum {} + | sort -k2
}

# certpolicyd_cmd - the certpolicyd the tests run: the built one, or, when
# the suite runs as root, a wrapper that adds "-u root" (certpolicyd
# refuses to run as root without -u; 76-privilege tests the refusal and
# the change to an unprivileged user). With CERTPOLICY_VALGRIND=DIR set
# (92-valgrind), it runs under valgrind, one log per process in DIR.
certpolicyd_cmd() {
    vg=
    if [ -n "${CERTPOLICY_VALGRIND:-}" ]; then
        vg="valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect"
        vg="$vg --log-file=$CERTPOLICY_VALGRIND/vg.%p"
    fi
    as=
    [ "$(id -u)" = 0 ] && as="-u root"
    if [ -z "$vg" ] && [ -z "$as" ]; then
        echo "$BUILDDIR/src/certpolicyd"
        return
    fi
    mkdir -p "$T/bin"
    printf '#!/bin/sh\nexec %s "%s" %s "$@"\n' "$vg" "$BUILDDIR/src/certpolicyd" "$as" >"$T/bin/certpolicyd"
    chmod 0755 "$T/bin/certpolicyd"
    echo "$T/bin/certpolicyd"
}

# group_result GROUP RESULTS LABEL - one case for a group run again inside
# this one (under sanitizers, under valgrind): ok when RESULTS holds passes
# of GROUP and no failure; skipped when all its cases were skipped there
group_result() {
    _gr_n=$(grep -c "^ok $1: " "$2")
    _gr_bad=$(grep "^FAIL $1: " "$2")
    _gr_skip=$(grep -c "^skip $1: " "$2")
    if [ -z "$_gr_bad" ] && [ "$_gr_n" -gt 0 ]; then
        ok "$1 $3 ($_gr_n cases)"
    elif [ -z "$_gr_bad" ] && [ "$_gr_skip" -gt 0 ]; then
        skip "$1 $3" "its $_gr_skip cases were skipped"
    else
        fail "$1 $3" "$(echo "$_gr_bad" | head -5)"
    fi
}

# each_eighth FILE DEST COMMAND... - for 1/8 to 7/8 of FILE: copy that much
# to DEST and run COMMAND with "truncated to N/8" appended
each_eighth() {
    _ee_size=$(wc -c <"$1")
    _ee_file=$1 _ee_dest=$2
    shift 2
    for _ee_n in 1 2 3 4 5 6 7; do
        head -c $((_ee_size * _ee_n / 8)) "$_ee_file" >"$_ee_dest"
        "$@" "truncated to $_ee_n/8"
    done
}

# nobody_dir - set NDIR to a new directory under /tmp that the user nobody
# can reach wherever this checkout is; it is removed when the script ends
nobody_dir() {
    NDIR=$(mktemp -d /tmp/certpolicy-test.XXXXXX)
    chmod 0755 "$NDIR"
    on_exit "rm -rf '$NDIR'"
}

# alive NAME PID - the server a check_not below relies on is still running
# (a check that a server does not answer passes too when it has died)
alive() {
    if kill -0 "$2" 2>/dev/null; then ok "$1: the server is running"; else fail "$1: the server is running" "process $2 is gone"; fi
}

# as_nobody COMMAND... - run as nobody when root, else as we are
as_nobody() {
    if [ "$(id -u)" = 0 ]; then
        setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"
    else
        "$@"
    fi
}
