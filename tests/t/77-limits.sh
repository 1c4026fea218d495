# Hostile and broken clients of certpolicyd -l: one that sends a request a
# byte at a time, one that never finishes a request, one that trickles a
# request forever, 1,000 idle connections, a 100 MB line, an open-file
# limit too small for max_connections. Memory stays bounded, the other
# clients keep being served, and each problem is logged once, not per
# byte or per connection. Peak memory (VmHWM) is printed for the record.
. "$SRCDIR/tests/lib.sh"
pki
CERTPOLICYD=$(certpolicyd_cmd)
CLIENT=$BUILDDIR/tests/tools/policy_client
HOLD=$BUILDDIR/tests/tools/conn_hold
ALICE=$(fp_openssl "$PKI/alice.pem" sha256)
req() { printf 'client_address=%s\nccert_fingerprint=%s\n\n' "$1" "$ALICE"; }
for idle in 3s 1000s; do
    cat >"$T/$idle.conf" <<CONF
database = $T/$idle.cdb
relay_clientcerts =
idle_timeout = $idle
client alice cert=$PKI/alice.pem
CONF
    "$CERTPOLICY" -c "$T/$idle.conf" compile >/dev/null 2>&1
done
# served NAME SOCKET - a normal client is answered at once meanwhile
served() {
    check_eq "$1: another client is served meanwhile" "action=OK" \
        "$(req 192.0.2.1 | "$CLIENT" -n 1 -t 2000 "unix:$2" | head -1)"
}
hwm() { awk '$1 == "VmHWM:" { print $2 }' "/proc/$1/status"; }

# Server B: the default idle_timeout.
"$CERTPOLICYD" -d "$T/1000s.cdb" -l "unix:$T/b.sock" -L "$T/b.log" &
b=$!
wait_socket "unix:$T/b.sock" 30 $b

# A request a byte at a time (5 ms apart) is answered, and logged once.
before=$(fds $b)
req 192.0.2.77 | "$CLIENT" -b 5 -n 1 -t 10000 "unix:$T/b.sock" >"$T/slow.out" &
slow=$!
wait_for "[ \$(fds $b) -gt $before ] || gone $slow" 30 "the server to accept the byte-at-a-time client"
served "byte-at-a-time client" "$T/b.sock"
wait $slow
check_eq "byte-at-a-time client: answered" "action=OK" "$(head -1 "$T/slow.out")"
check_eq "byte-at-a-time client: one log line" 1 "$(grep -c '192.0.2.77' "$T/b.log")"

# 1,000 idle connections: accepted (the server holds them), nothing
# logged for them, and others are served.
mkfifo "$T/hold.in"
"$HOLD" -n 1000 "unix:$T/b.sock" <"$T/hold.in" >"$T/hold.out" 2>&1 &
hold=$!
exec 5>"$T/hold.in"
wait_for "grep -q '^held' '$T/hold.out'" 30
check_eq "1,000 idle connections: all connected" "held 1000" "$(head -1 "$T/hold.out")"
poll_for "[ \$(fds $b) -ge 1000 ]" 30
check "1,000 idle connections: the server holds them (open files: $(fds $b))" \
    test "$(fds $b)" -ge 1000
served "1,000 idle connections" "$T/b.sock"
lines=$(wc -l <"$T/b.log")
exec 5>&-
wait $hold
check_eq "1,000 idle connections: none closed by the server" "closed 0" "$(tail -1 "$T/hold.out")"
check_eq "1,000 idle connections: nothing logged for them" "$lines" "$(wc -l <"$T/b.log")"
hwm_idle=$(hwm $b)

# A 100 MB line: the connection is closed at max_request_line, logged
# once, and memory stays bounded.
head -c 100000000 /dev/zero | tr '\0' a | "$CLIENT" -t 5000 "unix:$T/b.sock" >/dev/null 2>&1 &
big=$!
served "100 MB line" "$T/b.sock"
wait $big
check_eq "100 MB line: logged once" 1 "$(grep -c 'longer than max_request_line' "$T/b.log")"
hwm_all=$(hwm $b)
echo "peak memory (VmHWM) of certpolicyd: ${hwm_idle} KiB with 1,000 idle connections, ${hwm_all} KiB after the 100 MB line" >&2
if [ -z "${CERTPOLICY_SANITIZED:-}" ]; then
    check "peak memory under 16 MiB (${hwm_all} KiB)" test "$hwm_all" -lt 16384
fi
alive "server B, before its log is read" $b
check_not "server B: no warning but the one for the long line" \
    sh -c "grep 'warning:' '$T/b.log' | grep -v 'longer than max_request_line'"
kill -TERM $b
wait $b

# Server A: idle_timeout = 3s. A request begun and never finished, and
# one trickled a byte every 400 ms, are closed after 3 seconds (counted
# from the request's first byte), each logged once.
"$CERTPOLICYD" -d "$T/3s.cdb" -l "unix:$T/a.sock" -L "$T/a.log" &
a=$!
wait_socket "unix:$T/a.sock" 30 $a
before=$(fds $a)
mkfifo "$T/stuck.in"
"$HOLD" -n 1 -p "client_address=192.0.2.88
ccert_fing" "unix:$T/a.sock" <"$T/stuck.in" >"$T/stuck.out" 2>&1 &
stuck=$!
exec 6>"$T/stuck.in"
printf 'client_address=192.0.2.99\nccert_fingerprint=%s\nclient_name=slowly.example\n' "$ALICE" \
    | "$CLIENT" -b 400 -t 20000 "unix:$T/a.sock" >/dev/null 2>&1 &
trickle=$!
wait_for "[ \$(fds $a) -ge $((before + 2)) ] || grep -q 'a request was begun' '$T/a.log'" 30 \
    "the server to accept both unfinished requests"
served "unfinished requests" "$T/a.sock"
wait_for "[ \$(grep -c 'a request was begun and not finished' '$T/a.log') -ge 2 ]" 30 \
    "idle_timeout to close both unfinished requests"
exec 6>&-
wait $stuck
check_eq "a request never finished: closed by the server" "closed 1" "$(tail -1 "$T/stuck.out")"
wait $trickle
check_eq "unfinished requests: one warning each" 2 \
    "$(grep -c 'a request was begun and not finished within idle_timeout (3 seconds' "$T/a.log")"
kill -TERM $a
wait $a

# An open-file limit too small for max_connections: lowered once, with a
# warning; the connections beyond it wait in the listen queue, nothing
# fails, and they are served once others close.
(ulimit -n 64 && exec "$CERTPOLICYD" -d "$T/1000s.cdb" -l "unix:$T/c.sock" -L "$T/c.log") &
c=$!
wait_socket "unix:$T/c.sock" 30 $c
check "open-file limit 64: max_connections lowered, said once" \
    grep -q 'warning: the open-file limit is 64: max_connections lowered to 32' "$T/c.log"
mkfifo "$T/hold2.in"
"$HOLD" -n 40 "unix:$T/c.sock" <"$T/hold2.in" >"$T/hold2.out" 2>&1 &
hold=$!
exec 7>"$T/hold2.in"
wait_for "grep -q '^held' '$T/hold2.out'" 30
alive "open-file limit 64, with 40 held" $c
check_not "open-file limit 64: a 41st client waits while 40 are held" \
    sh -c "req() { printf 'ccert_fingerprint=%s\n\n' '$ALICE'; }; req | '$CLIENT' -n 1 -t 1000 'unix:$T/c.sock'"
exec 7>&-
wait $hold
served "open-file limit 64, after the 40 closed" "$T/c.sock"
check_eq "open-file limit 64: nothing else logged" 1 "$(grep -c 'warning:' "$T/c.log")"
kill -TERM $c
wait $c

# Out of descriptors anyway (the limit lowered under a running server):
# accepting pauses until a connection closes, said once, and nothing spins.
if command -v prlimit >/dev/null 2>&1; then
    "$CERTPOLICYD" -d "$T/1000s.cdb" -l "unix:$T/e.sock" -L "$T/e.log" &
    e=$!
    wait_socket "unix:$T/e.sock" 30 $e
    prlimit --pid $e --nofile=24:24
    mkfifo "$T/hold3.in"
    "$HOLD" -n 40 "unix:$T/e.sock" <"$T/hold3.in" >"$T/hold3.out" 2>&1 &
    hold=$!
    exec 8>"$T/hold3.in"
    wait_for "grep -q 'cannot accept a connection' '$T/e.log'" 30
    cpu1=$(awk '{ print $14 + $15 }' "/proc/$e/stat")
    # What is measured is the CPU time used over this second.
    sleep 1
    cpu2=$(awk '{ print $14 + $15 }' "/proc/$e/stat")
    check "out of descriptors: the server does not spin (CPU ticks in a second: $((cpu2 - cpu1)))" \
        test $((cpu2 - cpu1)) -le 10
    check_eq "out of descriptors: said once" 1 \
        "$(grep -c 'cannot accept a connection (.* open): waiting for one to close: Too many open files' "$T/e.log")"
    exec 8>&-
    wait $hold
    served "out of descriptors, after the 40 closed" "$T/e.sock"
    kill -TERM $e
    wait $e
else
    skip "out of descriptors" "prlimit is not installed"
fi
