# certpolicyd as a server: -l unix: and inet: with concurrent clients while
# one is stuck mid-request; systemd socket activation; a long-lived spawn
# process that follows recompiled databases (revoke, recovery from a
# missing database); idle_timeout; max_connections; SIGTERM.
. "$SRCDIR/tests/lib.sh"
pki
CERTPOLICYD=$(certpolicyd_cmd)
CLIENT=$BUILDDIR/tests/tools/policy_client
ALICE=$(fp_openssl "$PKI/alice.pem" sha256)
printf 'client_address=192.0.2.1\nccert_fingerprint=%s\n\n' "$ALICE" >"$T/alice.req"
free_port port
free_port port2
free_port port3

conf() {
    cat >"$T/c.conf" <<CONF
database = $T/c.cdb
idle_timeout = ${IDLE:-1000s}
client alice cert=$PKI/alice.pem ${REVOKED:-}
CONF
    "$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
}
conf

# -l unix: 20 clients at once, after one that sent half a request and
# holds its connection. Each must be answered within the 3-second limit.
"$CERTPOLICYD" -d "$T/c.cdb" -l "unix:$T/sock" -l "inet:127.0.0.1:$port" -L "$T/l.log" &
srv=$!
wait_socket "unix:$T/sock" 30 $srv
wait_socket "inet:127.0.0.1:$port" 30 $srv
before=$(fds $srv)
printf 'client_address=192.0.2.9\nccert_finger' | "$CLIENT" -s 4 "unix:$T/sock" &
stuck=$!
wait_for "[ \$(fds $srv) -gt $before ]" 30 "the server to accept the stuck client"
i=0
pids=
while [ $i -lt 20 ]; do
    cat "$T/alice.req" "$T/alice.req" | "$CLIENT" -n 2 -t 3000 "unix:$T/sock" >"$T/c$i.out" 2>&1 &
    pids="$pids $!"
    i=$((i + 1))
done
wait_all_ok=1
for pid in $pids; do
    wait "$pid" || wait_all_ok=0
done
check_eq "-l unix: 20 clients answered while one is stuck" 1 "$wait_all_ok"
check_eq "-l unix: every answer right" 40 "$(cat "$T"/c*.out | grep -c '^action=OK$')"
"$CLIENT" -n 1 -t 3000 "inet:127.0.0.1:$port" <"$T/alice.req" >"$T/inet.out" 2>&1
check_eq "-l inet: answered" "action=OK" "$(head -1 "$T/inet.out")"
check_eq "-l: a decision's log line is written before its answer is sent" 41 \
    "$(grep -c 'outcome=permit action=OK' "$T/l.log")"
kill -TERM "$srv"
wait "$srv"
check_eq "SIGTERM: exits 0" 0 $?
check "SIGTERM: the unix socket file is removed" test ! -e "$T/sock"
wait "$stuck" 2>/dev/null

# max_connections: with two connections held open, a third waits.
"$CERTPOLICYD" -d "$T/c.cdb" -l "unix:$T/sock2" -o max_connections=2 -L "$T/m.log" &
srv=$!
wait_socket "unix:$T/sock2" 30 $srv
before=$(fds $srv)
printf 'a=b\n' | "$CLIENT" -s 3 "unix:$T/sock2" &
printf 'a=b\n' | "$CLIENT" -s 3 "unix:$T/sock2" &
wait_for "[ \$(fds $srv) -ge $((before + 2)) ]" 30 "the server to accept two clients"
alive "max_connections=2" "$srv"
check_not "max_connections=2: a third client is not served meanwhile" "$CLIENT" -n 1 -t 1000 "unix:$T/sock2" <"$T/alice.req"
check "max_connections=2: it is served once one closes" "$CLIENT" -n 1 -t 5000 "unix:$T/sock2" <"$T/alice.req"
alive "max_connections=2, after the third client" "$srv"
kill -TERM "$srv"
wait

# systemd socket activation (LISTEN_FDS), one process for all connections.
systemd-socket-activate -l "127.0.0.1:$port2" "$CERTPOLICYD" -d "$T/c.cdb" -v -L "$T/sa.log" >"$T/sa.out" 2>&1 &
sa=$!
wait_socket "inet:127.0.0.1:$port2" 30 $sa
"$CLIENT" -n 1 -t 3000 "inet:127.0.0.1:$port2" <"$T/alice.req" >"$T/sa1.out" 2>&1
"$CLIENT" -n 1 -t 3000 "inet:127.0.0.1:$port2" <"$T/alice.req" >"$T/sa2.out" 2>&1
check_eq "socket activation: first connection answered" "action=OK" "$(head -1 "$T/sa1.out")"
check_eq "socket activation: second connection answered" "action=OK" "$(head -1 "$T/sa2.out")"
check "socket activation: says so" grep -q "starting: socket activation mode" "$T/sa.log"
check_eq "socket activation: one process served both" 1 "$(grep -c 'starting:' "$T/sa.log")"
kill -TERM "$sa"
wait "$sa" 2>/dev/null

# A long-lived spawn process follows the database: revoke, then a missing
# database (error), then a good one again.
mkfifo "$T/in"
"$CERTPOLICYD" -d "$T/c.cdb" -L "$T/live.log" <"$T/in" >"$T/live.out" 2>"$T/live.err" &
live=$!
exec 3>"$T/in"
answers_in() { [ "$(grep -c '^action=' "$1")" -ge "$2" ]; }
answers() { answers_in "$T/live.out" "$1"; }
cat "$T/alice.req" >&3
wait_for "answers 1" 30
REVOKED='revoked=2026-11-20 reason="left"' conf
cat "$T/alice.req" >&3
wait_for "answers 2" 30
mv "$T/c.cdb" "$T/c.cdb.away"
cat "$T/alice.req" >&3
wait_for "answers 3" 30
mv "$T/c.cdb.away" "$T/c.cdb"
REVOKED= conf
cat "$T/alice.req" >&3
wait_for "answers 4" 30
exec 3>&-
wait "$live"
check_golden "spawn: one process follows the database" /dev/stdin "$T/live.out" <<OUT
action=OK

action=REJECT 5.7.1 Client certificate revoked

action=DEFER 4.3.0 Client certificate service unavailable

action=OK

OUT
check_eq "spawn: exits 0 at end of input, nothing on stderr" "" "$(cat "$T/live.err")"
check "spawn: the missing database is logged" grep -q "warning: database $T/c.cdb: cannot open: No such file or directory" "$T/live.log"

# Every request after a compile has returned sees the new database, even
# within the same second (the directory's change events, not a timer):
# revoke and reinstate twenty times, two requests after each compile.
# (The pipe and the output are elsewhere: their events would hide a miss.)
mkdir "$T/io"
mkfifo "$T/io/in"
"$CERTPOLICYD" -d "$T/c.cdb" -L /dev/null <"$T/io/in" >"$T/io/flip.out" 2>&1 &
flip=$!
exec 3>"$T/io/in"
n=0 want=
while [ $n -lt 40 ]; do
    if [ $((n % 4)) = 0 ]; then
        REVOKED='revoked=2026-11-20' conf
        want="${want}action=REJECT 5.7.1 Client certificate revoked action=REJECT 5.7.1 Client certificate revoked "
    else
        REVOKED= conf
        want="${want}action=OK action=OK "
    fi
    n=$((n + 1))
    cat "$T/alice.req" >&3
    wait_for "answers_in '$T/io/flip.out' $n" 30
    n=$((n + 1))
    cat "$T/alice.req" >&3
    wait_for "answers_in '$T/io/flip.out' $n" 30
done
exec 3>&-
wait "$flip"
check_eq "spawn: each of 40 requests sees the compile just before it" "$want" \
    "$(grep '^action=' "$T/io/flip.out" | tr '\n' ' ')"

# The database named through a symlink: a compile of the file it points
# to is seen at once; a symlinked directory pointed elsewhere (no event
# where certpolicyd watches) within a quarter of a second.
mkdir "$T/v1" "$T/v2"
cp "$T/c.cdb" "$T/v1/c.cdb"
REVOKED='revoked=2026-11-20' conf
cp "$T/c.cdb" "$T/v2/c.cdb"
ln -s v1 "$T/cur"
ln -s cur/c.cdb "$T/link.cdb"
"$CERTPOLICYD" -d "$T/link.cdb" -L /dev/null <"$T/io/in" >"$T/io/sym.out" 2>&1 &
sym=$!
exec 3>"$T/io/in"
cat "$T/alice.req" >&3
wait_for "answers_in '$T/io/sym.out' 1" 30
cp "$T/v2/c.cdb" "$T/v1/c.cdb.new" && mv "$T/v1/c.cdb.new" "$T/v1/c.cdb"
cat "$T/alice.req" >&3
wait_for "answers_in '$T/io/sym.out' 2" 30
REVOKED= conf
cp "$T/c.cdb" "$T/v2/c.cdb.new" && mv "$T/v2/c.cdb.new" "$T/v2/c.cdb"
ln -sfn v2 "$T/cur"
# The promise under test is a time: a repointed directory is seen within
# 250 ms. Twice that passes before the next request.
sleep 0.5
cat "$T/alice.req" >&3
wait_for "answers_in '$T/io/sym.out' 3" 30
exec 3>&-
wait "$sym"
check_eq "symlinked database: replaced target seen at once, repointed directory within 250 ms" \
    "action=OK action=REJECT 5.7.1 Client certificate revoked action=OK " \
    "$(grep '^action=' "$T/io/sym.out" | tr '\n' ' ')"
REVOKED= conf

# idle_timeout: a spawn process with nothing to do exits by itself.
IDLE=1s conf
"$CERTPOLICYD" -d "$T/c.cdb" -L "$T/idle.log" <"$T/in" >"$T/idle.out" 2>&1 &
idle=$!
exec 3>"$T/in"
cat "$T/alice.req" >&3
check "idle_timeout = 1s: the spawn process exits with its input still open" poll_for "gone $idle" 10
exec 3>&-
wait "$idle" 2>/dev/null
check_eq "idle_timeout: the request before was answered" "action=OK" "$(head -1 "$T/idle.out")"

# libsystemd (when built with it) is loaded for socket activation only: a
# spawned certpolicyd starts without it. The dynamic loader says which.
if grep -q '^#define HAVE_LIBSYSTEMD 1' "$BUILDDIR/config.h"; then
    LD_DEBUG=libs LD_DEBUG_OUTPUT=$T/ld.spawn "$CERTPOLICYD" -d "$T/c.cdb" -L /dev/null <"$T/alice.req" >/dev/null 2>&1
    check "spawn mode: the loader's trace shows libcdb loaded" sh -c "grep -q 'calling init: .*libcdb' $T/ld.spawn.*"
    check_not "spawn mode: libsystemd is not loaded" sh -c "grep -q 'calling init: .*libsystemd' $T/ld.spawn.*"
    LD_DEBUG=libs LD_DEBUG_OUTPUT=$T/ld.sa systemd-socket-activate -l "127.0.0.1:$port3" \
        "$CERTPOLICYD" -d "$T/c.cdb" -L "$T/sa3.log" >/dev/null 2>&1 &
    sa=$!
    wait_socket "inet:127.0.0.1:$port3" 30 $sa
    "$CLIENT" -n 1 -t 3000 "inet:127.0.0.1:$port3" <"$T/alice.req" >"$T/sa3.out" 2>&1
    check_eq "socket activation through libsystemd: answered" "action=OK" "$(head -1 "$T/sa3.out")"
    check "socket activation: libsystemd was loaded" sh -c "grep -l 'calling init: .*libsystemd' $T/ld.sa.* | grep -q ."
    kill -TERM "$sa"
    wait "$sa" 2>/dev/null
fi
