# certpolicyd under systemd: READY=1 and STOPPING=1 sent to a real
# notification socket (a datagram listener standing in for systemd's
# NOTIFY_SOCKET, certpolicyd started by systemd-socket-activate), and the
# units of contrib/systemd checked by systemd-analyze verify.
. "$SRCDIR/tests/lib.sh"
CERTPOLICYD=$(certpolicyd_cmd)
CLIENT=$BUILDDIR/tests/tools/policy_client
printf 'client alice fingerprint=%s\n' "$(awk 'BEGIN { s = "A1"; for (i = 1; i < 32; i++) s = s ":A1"; print s }')" \
    | sed "1i database = $T/c.cdb" >"$T/c.conf"
"$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1

if ! grep -q '^#define HAVE_LIBSYSTEMD 1' "$BUILDDIR/config.h"; then
    skip "sd_notify" "built without libsystemd"
elif ! command -v systemd-socket-activate >/dev/null 2>&1; then
    skip "sd_notify" "systemd-socket-activate is not installed"
else
    # The listener prints each datagram on a line of its own and stops after
    # two (or, should they never come, after 30 seconds: the check then fails).
    perl -MIO::Socket::UNIX -MSocket -e '
        $| = 1; alarm 30;
        unlink $ARGV[0];
        my $s = IO::Socket::UNIX->new(Type => SOCK_DGRAM, Local => $ARGV[0]) or die "$ARGV[0]: $!\n";
        for (1 .. 2) { my $m; defined $s->recv($m, 4096) or last; print "$m\n"; }
    ' "$T/notify.sock" >"$T/notify.out" 2>&1 &
    listener=$!
    on_exit "kill $listener 2>/dev/null"
    wait_for "test -e '$T/notify.sock'" 30
    free_port port
    free_port port2
    # systemd-socket-activate passes on only the variables named with -E
    NOTIFY_SOCKET=$T/notify.sock systemd-socket-activate -E NOTIFY_SOCKET -l "127.0.0.1:$port" \
        "$CERTPOLICYD" -d "$T/c.cdb" -L "$T/sa.log" >"$T/sa.out" 2>&1 &
    server=$!
    on_exit "kill $server 2>/dev/null"
    wait_socket "inet:127.0.0.1:$port" 30 $server
    # systemd-socket-activate starts certpolicyd at the first connection
    answer=$(printf 'request=smtpd_access_policy\nccert_fingerprint=%s\n\n' "$(sed -n 's/.*fingerprint=//p' "$T/c.conf")" \
        | "$CLIENT" -n 1 "inet:127.0.0.1:$port" | sed -n 's/^action=//p')
    check_eq "socket activation: certpolicyd answers" OK "$answer"
    kill -TERM "$server"
    wait "$server"
    check_eq "SIGTERM: certpolicyd exits 0" 0 $?
    wait "$listener"
    check_eq "the notification socket got READY=1, then STOPPING=1" "READY=1
STOPPING=1" "$(cat "$T/notify.out")"
    # Without NOTIFY_SOCKET nothing is sent (and nothing fails).
    systemd-socket-activate -l "127.0.0.1:$port2" "$CERTPOLICYD" -d "$T/c.cdb" -L "$T/sa2.log" >"$T/sa2.out" 2>&1 &
    server=$!
    wait_socket "inet:127.0.0.1:$port2" 30 $server
    answer=$(printf 'request=smtpd_access_policy\n\n' | "$CLIENT" -n 1 "inet:127.0.0.1:$port2" | sed -n 's/^action=//p')
    check_eq "without NOTIFY_SOCKET: certpolicyd answers all the same" DUNNO "$answer"
    kill -TERM "$server"
    wait "$server"
fi

if ! command -v systemd-analyze >/dev/null 2>&1; then
    skip "systemd-analyze verify" "systemd-analyze is not installed"
    exit 0
fi
# The units as make install writes them, with the programs of this build.
U=$T/units
mkdir -p "$U"
cp "$SRCDIR/contrib/systemd/certpolicyd.socket" "$SRCDIR/contrib/systemd/certpolicy-refresh.timer" "$U/"
for f in certpolicyd.service certpolicy-refresh.service; do
    sed -e "s|@sbindir@/certpolicyd|$BUILDDIR/src/certpolicyd|" -e "s|@bindir@/certpolicy|$BUILDDIR/src/certpolicy|" \
        -e 's|@localstatedir@|/var|g' -e 's|@sysconfdir@|/etc|g' "$SRCDIR/contrib/systemd/$f.in" >"$U/$f"
done
(cd "$U" && systemd-analyze verify --man=no ./certpolicyd.socket ./certpolicyd.service \
    ./certpolicy-refresh.service ./certpolicy-refresh.timer) >"$T/verify.out" 2>&1
check_eq "systemd-analyze verify: the four units, no complaint" "0 " "$? $(cat "$T/verify.out")"
# and it does complain: a unit with a misspelt setting
sed 's/^Type=notify/Type=notifyy/' "$U/certpolicyd.service" >"$U/broken.service"
(cd "$U" && systemd-analyze verify --man=no ./broken.service) >"$T/broken.out" 2>&1
check "systemd-analyze verify notices a bad unit" grep -q "notifyy" "$T/broken.out"
