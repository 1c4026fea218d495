# certpolicyd's listening sockets: sockets passed by systemd are counted
# against max_listen_sockets (100 passed: refused with a message, or served
# with the limit raised; never an overrun); -l unix: sockets get their mode
# and owner without a chmod or chown by path, so a symlink planted in the
# socket's directory cannot make certpolicyd change another file; only a
# stale socket is replaced, and at exit only its own file is removed.
. "$SRCDIR/tests/lib.sh"
pki
CERTPOLICYD=$(certpolicyd_cmd)
CLIENT=$BUILDDIR/tests/tools/policy_client
ALICE=$(fp_openssl "$PKI/alice.pem" sha256)
printf 'client_address=192.0.2.1\nccert_fingerprint=%s\n\n' "$ALICE" >"$T/alice.req"
cat >"$T/c.conf" <<CONF
database = $T/c.cdb
client alice cert=$PKI/alice.pem
CONF
"$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1

# 100 sockets passed by systemd-socket-activate, which starts certpolicyd
# on the first connection (to the 100th socket).
mkdir -p "$T/sa"
args=
i=1
while [ $i -le 100 ]; do
    args="$args -l $T/sa/s$i"
    i=$((i + 1))
done
# shellcheck disable=SC2086
systemd-socket-activate $args "$CERTPOLICYD" -d "$T/c.cdb" -e -L "$T/sa.log" >"$T/sa.out" 2>&1 &
sa=$!
# (systemd-socket-activate says so once all 100 listen; a probe would
# start certpolicyd)
wait_for "grep -q 'Listening on $T/sa/s100 ' '$T/sa.out'" 30
"$CLIENT" -n 1 -t 3000 "unix:$T/sa/s100" <"$T/alice.req" >"$T/sa.client" 2>&1
wait $sa
check_eq "100 passed sockets, max_listen_sockets 64: exit 1" 1 $?
check "100 passed sockets, max_listen_sockets 64: says why" \
    grep -q 'LISTEN_FDS: 100 sockets passed, more than max_listen_sockets (64)' "$T/sa.log"
check "100 passed sockets, max_listen_sockets 64: no sanitizer report" sh -c "! grep -q Sanitizer '$T/sa.out'"
rm -f "$T"/sa/s*
# shellcheck disable=SC2086
systemd-socket-activate $args "$CERTPOLICYD" -d "$T/c.cdb" -o max_listen_sockets=100 -L "$T/sa2.log" \
    >"$T/sa2.out" 2>&1 &
sa=$!
wait_for "grep -q 'Listening on $T/sa/s100 ' '$T/sa2.out'" 30
"$CLIENT" -n 1 -t 3000 "unix:$T/sa/s100" <"$T/alice.req" >"$T/sa2.client" 2>&1
check_eq "100 passed sockets, max_listen_sockets=100: the 100th answers" "action=OK" "$(head -1 "$T/sa2.client")"
"$CLIENT" -n 1 -t 3000 "unix:$T/sa/s1" <"$T/alice.req" >"$T/sa3.client" 2>&1
check_eq "100 passed sockets, max_listen_sockets=100: the first answers" "action=OK" "$(head -1 "$T/sa3.client")"
kill -TERM $sa
wait $sa
check_eq "100 passed sockets: SIGTERM, exit 0" 0 $?
run_capture "$T/many.out" "$CERTPOLICYD" -d "$T/c.cdb" -e -o max_listen_sockets=2 \
    -l "unix:$T/m1" -l "unix:$T/m2" -l "unix:$T/m3"
check "three -l with max_listen_sockets=2: refused" grep -q 'more than max_listen_sockets (2)' "$T/many.out"
check_eq "three -l with max_listen_sockets=2: usage error" "exit 2" "$(tail -1 "$T/many.out")"

# -l unix:PATH,mode=,owner=,group=
if [ "$(id -u)" = 0 ]; then
    spec="unix:$T/m.sock,mode=0660,owner=nobody,group=nogroup"
    want="660 nobody:nogroup"
else
    spec="unix:$T/m.sock,mode=0660"
    want="660 $(id -un):$(id -gn)"
fi
"$CERTPOLICYD" -d "$T/c.cdb" -l "$spec" -e -L "$T/m.log" &
srv=$!
wait_socket "unix:$T/m.sock" 30 $srv
check_eq "-l $spec: mode and owner" "$want" "$(stat -c '%a %U:%G' "$T/m.sock")"
"$CLIENT" -n 1 -t 3000 "unix:$T/m.sock" <"$T/alice.req" >"$T/m.client" 2>&1
check_eq "-l unix: with a mode: answers" "action=OK" "$(head -1 "$T/m.client")"
check_eq "-l unix: no private directory left behind" "" "$(ls -A "$T" | grep '^\.certpolicyd')"
run_capture "$T/live.out" "$CERTPOLICYD" -d "$T/c.cdb" -e -l "unix:$T/m.sock"
check "a second server on a live socket: refused" grep -q "unix:$T/m.sock: another server answers on this socket" "$T/live.out"
check "a second server on a live socket: the first still answers" \
    sh -c "'$CLIENT' -n 1 -t 3000 'unix:$T/m.sock' <'$T/alice.req' | grep -q '^action=OK$'"
# The socket file replaced under the running server: at exit it leaves
# the new file alone.
mv "$T/m.sock" "$T/m.sock.moved"
echo other >"$T/m.sock"
kill -TERM $srv
wait $srv
check_eq "at exit: a file that is no longer its socket stays" other "$(cat "$T/m.sock")"
rm -f "$T/m.sock" "$T/m.sock.moved"

# A second server while the first is stopped with its listen queue full:
# the probe does not wait for an accept that never comes (a non-blocking
# connect; a full queue counts as an answer), it refuses at once.
"$CERTPOLICYD" -d "$T/c.cdb" -l "unix:$T/q.sock" -e -L "$T/q.log" &
qsrv=$!
wait_socket "unix:$T/q.sock" 30 $qsrv
kill -STOP $qsrv
rm -f "$T/q.full"
# perl fills the queue (non-blocking connects until EAGAIN), says so, and
# holds the connections until q.release exists.
perl -e 'use Socket; use Fcntl; my @s; my $n = 0;
    for (1 .. 5000) { socket(my $fh, PF_UNIX, SOCK_STREAM, 0) or die;
        fcntl($fh, F_SETFL, O_NONBLOCK); last unless connect($fh, pack_sockaddr_un($ARGV[0]));
        push @s, $fh; $n++ }
    open(my $f, ">", $ARGV[1]) or die; print $f "$n\n"; close $f;
    select(undef, undef, undef, 0.05) until -e $ARGV[2];' "$T/q.sock" "$T/q.full" "$T/q.release" &
filler=$!
wait_for "test -s '$T/q.full'" 30
run_capture "$T/q2.out" timeout 10 "$CERTPOLICYD" -d "$T/c.cdb" -e -l "unix:$T/q.sock"
check_eq "a second server while the first is stopped, its queue full ($(cat "$T/q.full") connections): refused, not blocked" \
    "exit 1" "$(tail -1 "$T/q2.out")"
check "a second server while the first is stopped, its queue full: says why" \
    grep -q "unix:$T/q.sock: another server answers on this socket" "$T/q2.out"
: >"$T/q.release"
wait $filler
kill -CONT $qsrv
kill -TERM $qsrv
wait $qsrv
rm -f "$T/q.sock" "$T/q.full" "$T/q.release"

# Two servers started at the same moment on a free path: one listens,
# the other refuses (the socket is put in place without replacing one
# placed meanwhile). 20 rounds.
both=0 none=0 n=0
while [ $n -lt 20 ]; do
    rm -f "$T/r.sock"
    "$CERTPOLICYD" -d "$T/c.cdb" -l "unix:$T/r.sock" -e -L "$T/r.log" 2>"$T/r1.err" &
    r1=$!
    "$CERTPOLICYD" -d "$T/c.cdb" -l "unix:$T/r.sock" -e -L "$T/r.log" 2>"$T/r2.err" &
    r2=$!
    # until one has given up (or 10 seconds: then both run)
    poll_for "gone $r1 || gone $r2" 10
    if ! gone $r1 && ! gone $r2; then both=$((both + 1)); fi
    if gone $r1 && gone $r2; then none=$((none + 1)); fi
    kill -TERM $r1 $r2 2>/dev/null
    wait $r1 $r2
    n=$((n + 1))
done
check_eq "two servers started together on one path, 20 rounds: never both running" 0 $both
check_eq "two servers started together on one path, 20 rounds: always one running" 0 $none
rm -f "$T/r.sock"
# As Postfix's private/ sockets are: postfix:postfix 0660, in a directory
# postfix can write. smtpd (user postfix) connects; another user cannot.
if [ "$(id -u)" = 0 ] && id postfix >/dev/null 2>&1; then
    mkdir -p "$T/private"
    chown postfix "$T/private"
    chmod 0700 "$T/private"
    chmod 0755 "$T"
    "$CERTPOLICYD" -d "$T/c.cdb" -l "unix:$T/private/certpolicy,mode=0660,owner=postfix,group=postfix" \
        -e -L "$T/p.log" &
    srv=$!
    wait_socket "unix:$T/private/certpolicy" 30 $srv
    check_eq "private/certpolicy: postfix:postfix 0660" "660 postfix:postfix" \
        "$(stat -c '%a %U:%G' "$T/private/certpolicy")"
    setpriv --reuid=postfix --regid=postfix --clear-groups "$CLIENT" -n 1 -t 3000 \
        "unix:$T/private/certpolicy" <"$T/alice.req" >"$T/p.client" 2>&1
    check_eq "private/certpolicy: the postfix user is answered" "action=OK" "$(head -1 "$T/p.client")"
    chmod 0711 "$T/private"
    check_not "private/certpolicy: another user cannot connect" setpriv --reuid=nobody --regid=nogroup \
        --clear-groups "$CLIENT" -n 1 -t 3000 "unix:$T/private/certpolicy" <"$T/alice.req"
    alive "private/certpolicy" $srv
    kill -TERM $srv
    wait $srv
    check "private/certpolicy: removed at exit" test ! -e "$T/private/certpolicy"
else
    skip "private/certpolicy as the postfix user" "needs root and a postfix user"
fi

# A stale socket (its server killed) is replaced.
"$CERTPOLICYD" -d "$T/c.cdb" -l "unix:$T/stale.sock" -e -L "$T/stale.log" &
srv=$!
wait_socket "unix:$T/stale.sock" 30 $srv
kill -KILL $srv
wait $srv 2>/dev/null
check "a killed server leaves its socket file" test -S "$T/stale.sock"
(umask 077 && exec "$CERTPOLICYD" -d "$T/c.cdb" -l "unix:$T/stale.sock" -e -L "$T/stale.log") &
srv=$!
wait_for "'$CLIENT' -n 1 -t 1000 'unix:$T/stale.sock' <'$T/alice.req' >'$T/stale.client' 2>&1" 30 \
    "the server started on a stale socket to answer"
check_eq "a stale socket is replaced: answers" "action=OK" "$(head -1 "$T/stale.client")"
check_eq "-l unix: without mode=: 0666, whatever the umask" 666 "$(stat -c %a "$T/stale.sock")"
kill -TERM $srv
wait $srv

for bad in "mode=999" "mode=01777" "owner=no-such-user-here" "group=no-such-group-here"; do
    run_capture "$T/bad.out" "$CERTPOLICYD" -d "$T/c.cdb" -e -l "unix:$T/b.sock,$bad"
    check_eq "-l unix:PATH,$bad: refused" "exit 1" "$(tail -1 "$T/bad.out")"
done

# A file (here a symlink to a victim) at the socket path is not replaced
# and not followed.
mkdir -p "$T/race"
echo victim >"$T/victim"
chmod 0600 "$T/victim"
ln -s "$T/victim" "$T/race/sock"
run_capture "$T/link.out" "$CERTPOLICYD" -d "$T/c.cdb" -e -l "unix:$T/race/sock"
check "a symlink at the socket path: refused" grep -q "unix:$T/race/sock: exists and is not a socket: not replaced" "$T/link.out"
check_eq "a symlink at the socket path: the victim keeps its mode" 600 "$(stat -c %a "$T/victim")"
rm -f "$T/race/sock"

# No chmod or chown by path: the system calls certpolicyd makes while it
# creates its socket (strace), where ptrace is allowed.
if strace -f -o /dev/null true 2>/dev/null; then
    run_capture "$T/trace.out" strace -f -o "$T/strace" -e trace=chmod,fchmodat,chown,lchown,fchownat \
        "$CERTPOLICYD" -d "$T/c.cdb" -e -l "unix:$T/race/sock,mode=0600,owner=$(id -u)" -l "inet:no-such-host.invalid:1"
    check_eq "socket creation: no chmod or chown of a path (strace)" "" \
        "$(grep -E 'chmod|chown' "$T/strace" | grep -v 'fchownat([0-9]*, "s",')"
    check "socket creation: the owner is set inside the private directory" grep -q 'fchownat([0-9]*, "s",' "$T/strace"
    rm -f "$T/race/sock"
else
    skip "socket creation: no chmod or chown of a path" "strace cannot trace here"
fi

# A racer that keeps replacing the socket path with a symlink to the victim
# while certpolicyd creates its socket 200 times (the second endpoint fails
# on purpose, so each start ends right after the socket is made).
if command -v perl >/dev/null; then
    perl -e 'my ($s, $v, $stop) = @ARGV; until (-e $stop) { unlink $s; symlink $v, $s; }' \
        "$T/race/sock" "$T/victim" "$T/race.stop" &
    racer=$!
    n=0
    while [ $n -lt 200 ]; do
        "$CERTPOLICYD" -d "$T/c.cdb" -e -l "unix:$T/race/sock" -l "inet:no-such-host.invalid:1" >/dev/null 2>&1
        n=$((n + 1))
    done
    : >"$T/race.stop"
    wait $racer
    check_eq "200 starts against a symlink racer: the victim keeps its mode" 600 "$(stat -c %a "$T/victim")"
    check_eq "200 starts against a symlink racer: the victim keeps its content" victim "$(cat "$T/victim")"
else
    skip "symlink racer" "needs perl"
fi

# End to end: a real Postfix whose smtpd asks "check_policy_service
# unix:private/certpolicy", answered by one certpolicyd listening in the
# queue's private/ directory (no spawn service), as certpolicyd(8) and
# contrib/postfix/master.cf describe.
if [ "$(id -u)" = 0 ] && command -v postfix >/dev/null && command -v swaks >/dev/null; then
    . "$SRCDIR/tests/postfix.sh"
    pf_setup "$BUILDDIR/src/certpolicyd" "$PKI"
    sed -i '/^certpolicy unix/,$d' "$PF/etc/master.cf"
    sed -i '/^certpolicy_time_limit/d' "$PF/etc/main.cf"
    cp "$T/c.cdb" "$PF/db/certpolicy.cdb"
    if pf_start; then
        "$CERTPOLICYD" -u nobody -d "$PF/db/certpolicy.cdb" -L "$PF/certpolicyd.log" \
            -l "unix:$PF/spool/private/certpolicy,mode=0660,owner=postfix,group=postfix" &
        pfd=$!
        on_exit "kill $pfd 2>/dev/null"
        wait_socket "unix:$PF/spool/private/certpolicy" 30 $pfd
        check_eq "Postfix private/certpolicy: postfix:postfix 0660" "660 postfix:postfix" \
            "$(stat -c '%a %U:%G' "$PF/spool/private/certpolicy")"
        pf_send alice "$PKI/alice.pem" "$PKI/alice.key"
        check_eq "Postfix private/certpolicy: alice relays" "250 2.1.5 Ok" \
            "$(grep -A1 '~> RCPT TO' "$PF/swaks.alice" | tail -1 | sed 's/^<~\*\{0,1\} *//')"
        pf_send bob "$PKI/bob.pem" "$PKI/bob.key"
        check_eq "Postfix private/certpolicy: bob (unknown) is denied" \
            "554 5.7.1 <someone@remote.example>: Relay access denied" \
            "$(grep -A1 '~> RCPT TO' "$PF/swaks.bob" | tail -1 | sed 's/^<~\*\{0,1\} *//')"
        check "Postfix private/certpolicy: answered by the listening certpolicyd" \
            grep -q 'name=alice outcome=permit action=OK' "$PF/certpolicyd.log"
        alive "Postfix private/certpolicy" $pfd
        kill -TERM $pfd
        wait $pfd
    else
        fail "start a private Postfix" "$(tail -5 "$PF/maillog" 2>/dev/null)"
    fi
else
    skip "Postfix with certpolicyd in private/" "needs root, postfix and swaks"
fi
