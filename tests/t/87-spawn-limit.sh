# spawn(8)'s time limit against certpolicyd's idle_timeout, with a real
# Postfix. Before Postfix 3.10 spawn does not enforce certpolicy_time_limit;
# from 3.10 on it kills a child that outlives it. smtpd keeps its policy
# connection open between SMTP sessions (smtpd_policy_service_max_idle),
# so certpolicyd must end that conversation by itself: with idle_timeout
# below certpolicy_time_limit (the documented setting) it exits quietly
# after idle_timeout and spawn has nothing to kill; either way the next
# mail is decided normally, by a new certpolicyd.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/postfix.sh"
pki
if [ "$(id -u)" != 0 ]; then
    skip "spawn time limit" "needs root (Postfix starts as root)"
    exit 0
fi
version=$(postconf -d -h mail_version)
port=$((30000 + ($$ + 13) % 20000))
pf_setup "$BUILDDIR/src/certpolicyd" "$PKI" "$port"
trap 'cp "$PF"/certpolicyd.log "$PF"/maillog "$T/" 2>/dev/null; pf_stop' EXIT
cat >"$PF/certpolicy.conf" <<CONF
database = $PF/db/certpolicy.cdb
idle_timeout = 2s
client alice cert=$PKI/alice.pem
CONF
check "compile (idle_timeout = 2s)" "$CERTPOLICY" -c "$PF/certpolicy.conf" compile
postconf -c "$PF/etc" -e certpolicy_time_limit=3600s smtpd_policy_service_max_idle=300s
if ! pf_start; then
    fail "start a private Postfix $version" "$(tail -5 "$PF/maillog" 2>/dev/null)"
    exit 0
fi

# wait_log FILE PATTERN SECONDS - until FILE has a line matching PATTERN
wait_log() {
    _wl_end=$(($(date +%s) + $3))
    while ! grep -q "$2" "$1" 2>/dev/null; do
        [ "$(date +%s)" -ge "$_wl_end" ] && return 1
        sleep 0.1
    done
}
rcpt() {
    pf_send alice "$PKI/alice.pem" "$PKI/alice.key"
    grep -A1 '~> RCPT TO' "$PF/swaks.alice" | tail -1 | sed 's/^<~\*\{0,1\} *//'
}
L=$PF/certpolicyd.log

check_eq "Postfix $version: alice accepted" "250 2.1.5 Ok" "$(rcpt)"
# gone PID SECONDS - until process PID has ended
gone() {
    _g_end=$(($(date +%s) + $2))
    while kill -0 "$1" 2>/dev/null; do
        [ "$(date +%s)" -ge "$_g_end" ] && return 1
        sleep 0.1
    done
}
pid=$(sed -n 's/.*certpolicyd\[\([0-9]*\)\]: client=.*/\1/p' "$L" | head -1)
check "the spawned certpolicyd is known" test -n "$pid"
check "idle_timeout below the time limit: certpolicyd ends the idle conversation itself" gone "$pid" 10
check_eq "the next mail is decided by a new certpolicyd" "250 2.1.5 Ok" "$(rcpt)"
check_eq "two decisions logged" 2 "$(grep -c 'name=alice outcome=permit' "$L")"
check_not "spawn killed nothing" grep -q 'time limit' "$PF/maillog"

# A time limit below idle_timeout: Postfix 3.10 and later end certpolicyd
# themselves; older ones let it run. The mail after it is decided all the same.
sed -i 's/^idle_timeout = .*/idle_timeout = 1000s/' "$PF/certpolicy.conf"
check "compile (idle_timeout = 1000s)" "$CERTPOLICY" -c "$PF/certpolicy.conf" compile
postconf -c "$PF/etc" -e certpolicy_time_limit=2s
postfix -c "$PF/etc" reload >/dev/null 2>&1
check_eq "time limit 2s: alice accepted" "250 2.1.5 Ok" "$(rcpt)"
case $version in
3.[0-9].* | 3.[0-9])
    skip "spawn's time limit" "Postfix $version (before 3.10) does not enforce it"
    ;;
*)
    check "Postfix $version enforces spawn's time limit" wait_log "$PF/maillog" "time limit" 15
    grep 'time limit' "$PF/maillog" | head -1 | sed 's/^[^]]*]: /    spawn: /'
    ;;
esac
check_eq "after the time limit: the next mail is decided normally" "250 2.1.5 Ok" "$(rcpt)"
