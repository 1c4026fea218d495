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
pf_setup "$BUILDDIR/src/certpolicyd" "$PKI"
on_exit 'cp "$PF"/certpolicyd.log "$PF"/maillog "$T/" 2>/dev/null'
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

rcpt() {
    pf_send alice "$PKI/alice.pem" "$PKI/alice.key"
    grep -A1 '~> RCPT TO' "$PF/swaks.alice" | tail -1 | sed 's/^<~\*\{0,1\} *//'
}
L=$PF/certpolicyd.log

check_eq "Postfix $version: alice accepted" "250 2.1.5 Ok" "$(rcpt)"
pid=$(sed -n 's/.*certpolicyd\[\([0-9]*\)\]: client=.*/\1/p' "$L" | head -1)
check "the spawned certpolicyd is known" test -n "$pid"
check "idle_timeout below the time limit: certpolicyd ends the idle conversation itself" \
    poll_for "gone $pid" 10
check_eq "the next mail is decided by a new certpolicyd" "250 2.1.5 Ok" "$(rcpt)"
check_eq "two decisions logged" 2 "$(grep -c 'name=alice outcome=permit' "$L")"
check_not "spawn killed nothing" grep -q 'time limit' "$PF/maillog"

# A time limit below idle_timeout: Postfix 3.10 and later end certpolicyd
# themselves; older ones let it run. The mail after it is decided all the same.
sed -i 's/^idle_timeout = .*/idle_timeout = 1000s/' "$PF/certpolicy.conf"
check "compile (idle_timeout = 1000s)" "$CERTPOLICY" -c "$PF/certpolicy.conf" compile
postconf -c "$PF/etc" -e certpolicy_time_limit=2s
pf_reload
check_eq "time limit 2s: alice accepted" "250 2.1.5 Ok" "$(rcpt)"
case $version in
3.[0-9].* | 3.[0-9])
    skip "spawn's time limit" "Postfix $version (before 3.10) does not enforce it"
    ;;
*)
    check "Postfix $version enforces spawn's time limit" poll_for "grep -q 'time limit' '$PF/maillog'" 15
    grep 'time limit' "$PF/maillog" | head -1 | sed 's/^[^]]*]: /    spawn: /'
    ;;
esac
check_eq "after the time limit: the next mail is decided normally" "250 2.1.5 Ok" "$(rcpt)"
