# The suite's own rules, which every group relies on: cleanups pushed with
# on_exit run last first, once, however the script ends; wait_for and
# wait_socket return as soon as the fact holds and otherwise fail a case
# that names what was awaited; free_port gives ports nothing uses,
# reserved until the group ends. And no group works around them: no EXIT
# trap of its own, no port made from the process id, no sleep without a
# comment saying why it is not a wait.
. "$SRCDIR/tests/lib.sh"

# inner NAME - run the script $T/NAME.sh as a group of its own; its
# results in $T/NAME.results, its output in $T/NAME.out, then "exit N"
inner() {
    : >"$T/$1.results"
    GROUP=inner RESULTS=$T/$1.results WORK=$T/$1.work sh "$T/$1.sh" >"$T/$1.out" 2>&1
    echo "exit $?" >>"$T/$1.out"
}

# The cleanup stack.
cat >"$T/stack.sh" <<SH
. "$SRCDIR/tests/lib.sh"
on_exit 'echo first pushed'
on_exit 'echo second pushed; false'
x=\$(on_exit 'echo pushed in a subshell')
( echo a subshell ends )
exit 3
SH
inner stack
check_golden "on_exit: last pushed first, each once, subshells run none, the exit status kept" /dev/stdin "$T/stack.out" <<OUT
a subshell ends
second pushed
first pushed
exit 3
OUT
cat >"$T/term.sh" <<SH
. "$SRCDIR/tests/lib.sh"
on_exit ': >"$T/term.cleaned"'
tail -f /dev/null &
on_exit "kill \$!"
: >"$T/term.ready"
wait \$!
SH
rm -f "$T/term.ready" "$T/term.cleaned"
GROUP=inner RESULTS=$T/term.results WORK=$T/term.work sh "$T/term.sh" >"$T/term.out" 2>&1 &
term=$!
wait_for "test -e '$T/term.ready'" 30
kill -TERM $term
wait $term
check_eq "on_exit: SIGTERM ends the script with status 143" 143 $?
check "on_exit: SIGTERM runs the cleanups" test -e "$T/term.cleaned"

# wait_for and wait_socket.
cat >"$T/waits.sh" <<SH
. "$SRCDIR/tests/lib.sh"
wait_for true 5 && echo "true: at once"
wait_for "test -e '$T/never'" 1 "a file that never comes" || echo "a file that never comes: status 1"
perl -MIO::Socket::UNIX -e 'my \$l = IO::Socket::UNIX->new(Local => \$ARGV[0], Listen => 5) or die;
    while (my \$c = \$l->accept) { close \$c }' "$T/s.sock" &
srv=\$!
wait_socket "unix:$T/s.sock" 30 \$srv && echo "unix socket: accepts"
kill \$srv
wait_socket "unix:$T/nothing.sock" 1 || echo "no socket: status 1"
start=\$(date +%s)
(exit 1) &
dead=\$!
wait_socket "unix:$T/nothing.sock" 60 \$dead || [ \$((\$(date +%s) - start)) -ge 10 ] || echo "dead server: status 1 at once"
free_port p
perl -MIO::Socket::INET -e 'my \$l = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => \$ARGV[0],
    Listen => 5, ReuseAddr => 1) or die; while (my \$c = \$l->accept) { close \$c }' "\$p" &
lsn=\$!
wait_socket "inet:127.0.0.1:\$p" 30 \$lsn && echo "port: listens"
kill \$lsn
SH
rm -f "$T/s.sock"
inner waits
grep -v '^FAIL ' "$T/waits.out" >"$T/waits.said"
check_golden "wait_for, wait_socket: what they return" /dev/stdin "$T/waits.said" <<OUT
true: at once
a file that never comes: status 1
unix socket: accepts
no socket: status 1
dead server: status 1 at once
port: listens
exit 0
OUT
sed 's/(process [0-9]*)/(process N)/' "$T/waits.results" >"$T/waits.failed"
check_golden "wait_for, wait_socket: a failed case for each wait that timed out, naming it" /dev/stdin "$T/waits.failed" <<OUT
FAIL inner: waiting for a file that never comes: not so after 1 seconds
FAIL inner: waiting for unix:$T/nothing.sock to accept connections: not so after 1 seconds
FAIL inner: waiting for unix:$T/nothing.sock to accept connections: its server (process N) has ended
OUT

# free_port.
cat >"$T/ports.sh" <<SH
. "$SRCDIR/tests/lib.sh"
free_port a
free_port b
echo "\$a \$b" >"$T/ports"
: >"$T/ports.ready"
read _ <"$T/ports.go"
SH
rm -f "$T/ports.ready" "$T/ports"
mkfifo "$T/ports.go"
inner ports &
ports=$!
wait_for "test -e '$T/ports.ready'" 30
read -r pa pb <"$T/ports"
check "free_port: two ports, not the same" test -n "$pa" -a -n "$pb" -a "$pa" != "$pb"
check "free_port: reserved while the group runs" test -d "$PORTS_DIR/$pa" -a -d "$PORTS_DIR/$pb"
check_not "free_port: nothing listens on it" socket_ok "inet:127.0.0.1:$pa"
timeout 30 sh -c 'echo >"$1"' _ "$T/ports.go"
wait $ports
check "free_port: released when the group ends" test ! -e "$PORTS_DIR/$pa" -a ! -e "$PORTS_DIR/$pb"

# The groups keep these rules.
cd "$SRCDIR/tests" || exit 1
check_eq "no EXIT trap but lib.sh's" "" "$(grep -n 'trap .*EXIT' t/*.sh postfix.sh | grep -v '^t/07-harness.sh:')"
check_eq "no port made from the process id" "" "$(grep -n '[0-9] + (*\$\$' t/*.sh postfix.sh)"
# A sleep must follow a comment (within three lines) that says why.
check_eq "every sleep in a group says why it is not a wait" "" "$(awk '
    FNR == 1 { c = -10 }
    /^[ \t]*#[^!]/ { c = FNR }
    /(^|[;&|( \t])sleep [0-9]/ && !/^[ \t]*#/ && FNR - c > 3 { print FILENAME ":" FNR ": " $0 }
' t/*.sh postfix.sh)"
