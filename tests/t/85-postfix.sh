# End to end with a real Postfix on 127.0.0.1, certpolicyd started by
# spawn(8), mail sent by swaks with real client certificates: what an SMTP
# client sees for each outcome, a live revoke without reloading Postfix,
# and a broken database (a temporary failure, never a relay).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/postfix.sh"
pki
if [ "$(id -u)" != 0 ]; then
    skip "real Postfix" "needs root (Postfix starts as root)"
    exit 0
fi
pf_setup "$BUILDDIR/src/certpolicyd" "$PKI"
cat >"$PF/certpolicy.conf" <<CONF
database = $PF/db/certpolicy.cdb
client alice cert=$PKI/alice.pem
client carol cert=$PKI/carol.pem revoked=2026-11-20 reason="left the company"
client dave pubkey_fingerprint=$(pubfp_openssl "$PKI/dave.pem" sha256)
client frank cert=$PKI/frank.pem
CONF
check "compile" "$CERTPOLICY" -c "$PF/certpolicy.conf" compile
if ! pf_start; then
    fail "start a private Postfix" "$(tail -5 "$PF/maillog" 2>/dev/null)"
    exit 0
fi
ok "start a private Postfix"
master=$(cat "$PF/spool/pid/master.pid" 2>/dev/null | tr -d ' ')
check "the Postfix master's pid is known" test -n "$master"

# rcpt NAME - the server's reply to RCPT TO in NAME's transcript
rcpt() { grep -A1 '~> RCPT TO' "$PF/swaks.$1" | tail -1 | sed 's/^<~\*\{0,1\} *//'; }
send() { pf_send "$1" "$PKI/$1.pem" "$PKI/$1.key"; }
R='<someone@remote.example>'

send alice
check_eq "enrolled: accepted for relay" "250 2.1.5 Ok" "$(rcpt alice)"
check "enrolled: the message is queued" grep -q '^<~  250 2.0.0 Ok: queued as' "$PF/swaks.alice"
send bob
check_eq "unknown certificate: relay denied" "554 5.7.1 $R: Relay access denied" "$(rcpt bob)"
send carol
check_eq "revoked: rejected with the revoked text" \
    "554 5.7.1 $R: Recipient address rejected: Client certificate revoked" "$(rcpt carol)"
check_not "revoked: the reply does not name the client" sh -c "grep '^<~\*' '$PF/swaks.carol' | grep -q carol"
send frank
check_eq "expired: rejected with the expired text" \
    "554 5.7.1 $R: Recipient address rejected: Client certificate expired" "$(rcpt frank)"
send dave
check_eq "pinned public key: accepted" "250 2.1.5 Ok" "$(rcpt dave)"
pf_send nocert
check_eq "no certificate: relay denied" "554 5.7.1 $R: Relay access denied" "$(rcpt nocert)"

L=$PF/certpolicyd.log
check "log: alice permitted, by name" grep -q "client=localhost\[127.0.0.1\] fingerprint=$(fp_openssl "$PKI/alice.pem" sha256) subject=alice issuer=\"Test Client CA\" name=alice outcome=permit action=OK" "$L"
check "log: carol rejected, by name, with the reason" grep -q 'name=carol outcome=revoked action="REJECT 5.7.1 Client certificate revoked" reason="left the company"' "$L"
check "log: bob unknown, no name" grep -q "subject=bob issuer=\"Test Client CA\" outcome=unknown action=DUNNO" "$L"

# Live revoke: the next session is rejected; Postfix is not reloaded.
start=$(date +%s%N)
check "revoke alice" "$CERTPOLICY" -c "$PF/certpolicy.conf" revoke alice --reason "laptop stolen"
send alice
end=$(date +%s%N)
check_eq "after revoke: alice rejected at once" \
    "554 5.7.1 $R: Recipient address rejected: Client certificate revoked" "$(rcpt alice)"
echo "revoke to first rejected session: $(( (end - start) / 1000000 )) ms (revoke, compile and one SMTP session)" \
    | tee "$WORK/revoke-latency.txt"
master2=$(cat "$PF/spool/pid/master.pid" 2>/dev/null | tr -d ' ')
check_eq "after revoke: the same Postfix master, no reload" "$master" "$master2"
check_eq "after revoke: no postfix reload in the log" "" "$(grep -i 'reload' "$PF/maillog")"

# A broken database: a temporary failure, and recovery when it is fixed.
cp "$PF/db/certpolicy.cdb" "$T/good.cdb"
head -c 5000 /dev/urandom >"$PF/db/new.cdb"
chmod 644 "$PF/db/new.cdb"
mv "$PF/db/new.cdb" "$PF/db/certpolicy.cdb"
send dave
check_eq "broken database: a temporary failure" \
    "450 4.3.0 $R: Recipient address rejected: Client certificate service unavailable" "$(rcpt dave)"
cp "$T/good.cdb" "$PF/db/new.cdb"
mv "$PF/db/new.cdb" "$PF/db/certpolicy.cdb"
send dave
check_eq "database fixed: accepted again" "250 2.1.5 Ok" "$(rcpt dave)"
check_eq "spawn: certpolicyd wrote nothing but answers (no policy errors in Postfix's log)" "" \
    "$(grep -i 'policy.*\(error\|warning\)\|4.3.5' "$PF/maillog")"

# The policy service down (certpolicyd cannot even start): with the shipped
# smtpd_policy_service_default_action an enrolled client gets a temporary
# failure, never a permanent "Relay access denied", and relays again once
# the service is back.
mv "$PF/bin/certpolicyd" "$PF/bin/certpolicyd.real"
printf '#!/bin/sh\nexit 1\n' >"$PF/bin/certpolicyd"
chmod 0755 "$PF/bin/certpolicyd"
pkill -f "^$PF/bin/certpolicyd -d"      # the running ones are gone too
send dave
outage=$(rcpt dave)
check_eq "outage: an enrolled client gets a temporary failure" \
    "450 4.3.5 $R: Recipient address rejected: Policy service unavailable" "$outage"
mv "$PF/bin/certpolicyd.real" "$PF/bin/certpolicyd"
send dave
check_eq "outage over: the enrolled client relays again" "250 2.1.5 Ok" "$(rcpt dave)"

# Revoked at the CA, not in the source: after "certpolicy refresh" Postfix
# rejects the certificate, with no other change and no Postfix reload.
openssl ca -config "$PKI/ca.cnf" -gencrl -out "$T/empty.crl" >/dev/null 2>&1
cp "$T/empty.crl" "$PF/ca.crl"
chmod 644 "$PF/ca.crl"
cat >>"$PF/certpolicy.conf" <<CONF
status_database = $PF/db/status.cdb
client_ca_file = $PKI/ca.pem
revocation_check = crl
crl_source = $PF/ca.crl
client bob cert=$PKI/bob.pem
CONF
check "revocation: compile" "$CERTPOLICY" -c "$PF/certpolicy.conf" compile
check "revocation: refresh (bob not revoked)" "$CERTPOLICY" -c "$PF/certpolicy.conf" refresh
send bob
check_eq "revocation: bob accepted while good" "250 2.1.5 Ok" "$(rcpt bob)"
openssl ca -config "$PKI/ca.cnf" -revoke "$PKI/bob.pem" -crl_reason keyCompromise >/dev/null 2>&1
openssl ca -config "$PKI/ca.cnf" -gencrl -out "$PF/ca.crl" >/dev/null 2>&1
check "revocation: refresh (bob revoked at the CA)" "$CERTPOLICY" -c "$PF/certpolicy.conf" refresh
send bob
check_eq "revocation: bob rejected after refresh" \
    "554 5.7.1 $R: Recipient address rejected: Client certificate revoked" "$(rcpt bob)"
check "revocation: logged as revoked by the CA" grep -q 'name=bob outcome=revoked .*reason="revoked by the CA (crl: keyCompromise)"' "$L"
check_eq "revocation: still the same Postfix master" "$master" "$(cat "$PF/spool/pid/master.pid" 2>/dev/null | tr -d ' ')"

