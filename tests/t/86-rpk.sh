# Raw public keys end to end (RFC 7250; Postfix 3.9 and later with
# smtpd_tls_enable_rpk = yes, OpenSSL 3.2 and later): a private Postfix,
# certpolicyd by spawn, and clients that send only their key with
# "openssl s_client -enable_client_rpk". Each client must get the SMTP
# reply it gets when it presents its certificate (sent with swaks), and
# a key whose certificate is revoked, in the source or by the CA's CRL, or
# expired, is never permitted. Skipped where Postfix or OpenSSL is older.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/postfix.sh"
if [ "$(id -u)" != 0 ]; then
    skip "raw public keys" "needs root (Postfix starts as root)"
    exit 0
fi
if [ -z "$(postconf -d smtpd_tls_enable_rpk 2>/dev/null)" ]; then
    skip "raw public keys" "Postfix $(postconf -d -h mail_version) has no smtpd_tls_enable_rpk (3.9 and later)"
    exit 0
fi
if ! openssl s_client -help 2>&1 | grep -q enable_client_rpk; then
    skip "raw public keys" "$(openssl version) has no s_client -enable_client_rpk (3.2 and later)"
    exit 0
fi

# A PKI of this group's own: bob is revoked at the CA below.
PKI=$T/pki
sh "$SRCDIR/tests/pki/mkpki" "$PKI" >"$T/pki.log" 2>&1 || { fail "mkpki" "$(tail -3 "$T/pki.log")"; exit 0; }
chmod -R a+rX "$PKI"
pf_setup "$BUILDDIR/src/certpolicyd" "$PKI"
on_exit 'cp "$PF"/certpolicyd.log "$PF"/maillog "$PF"/rpk.* "$PF"/swaks.* "$T/" 2>/dev/null'
# The raw-key client pipelines its commands after STARTTLS (s_client sends
# what it reads at once); Postfix 3.9+ would drop it for that.
postconf -c "$PF/etc" -e smtpd_tls_enable_rpk=yes smtpd_forbid_unauth_pipelining=no smtpd_tls_loglevel=1
conf() {
    cat >"$PF/certpolicy.conf" <<CONF
database = $PF/db/certpolicy.cdb
status_database = $PF/db/status.cdb
client_ca_file = $PKI/ca.pem
crl_source = $T/ca.crl
revocation_check = $1
revocation_failure = permit
client alice cert=$PKI/alice.pem
client bob   cert=$PKI/bob.pem
client carol cert=$PKI/carol.pem revoked=2026-11-20 reason="left the company"
client dave  pubkey_fingerprint=$(pubfp_openssl "$PKI/dave.pem" sha256)
client frank cert=$PKI/frank.pem
CONF
}
conf none
check "compile" "$CERTPOLICY" -c "$PF/certpolicy.conf" compile
if ! pf_start; then
    fail "start a private Postfix with smtpd_tls_enable_rpk = yes" "$(tail -5 "$PF/maillog" 2>/dev/null)"
    exit 0
fi
ok "start a private Postfix with smtpd_tls_enable_rpk = yes"

# cert_rcpt NAME - the reply to RCPT TO when NAME presents its certificate
cert_rcpt() {
    pf_send "$1" "$PKI/$1.pem" "$PKI/$1.key"
    grep -A1 '~> RCPT TO' "$PF/swaks.$1" | tail -1 | sed 's/^<~\*\{0,1\} *//'
}
# rpk_rcpt NAME - the reply to RCPT TO when NAME sends only its public key
# (s_client does EHLO and STARTTLS; then EHLO, MAIL, RCPT, QUIT over TLS)
rpk_rcpt() {
    printf 'EHLO client.example\r\nMAIL FROM:<%s@client.example>\r\nRCPT TO:<someone@remote.example>\r\nQUIT\r\n' "$1" \
        | timeout 30 openssl s_client -connect "127.0.0.1:$PF_PORT" -starttls smtp -quiet -ign_eof \
            -enable_client_rpk -cert "$PKI/$1.pem" -key "$PKI/$1.key" >"$PF/rpk.$1" 2>"$PF/rpk.$1.err"
    tr -d '\r' <"$PF/rpk.$1" | grep '^[0-9][0-9][0-9] ' | sed -n 3p
}

for who in alice bob carol dave frank; do
    c=$(cert_rcpt "$who")
    r=$(rpk_rcpt "$who")
    case $who in
    alice | dave) want="250 2.1.5 Ok" ;;
    carol) want="554 5.7.1 <someone@remote.example>: Recipient address rejected: Client certificate revoked" ;;
    frank) want="554 5.7.1 <someone@remote.example>: Recipient address rejected: Client certificate expired" ;;
    bob) want="250 2.1.5 Ok" ;;
    esac
    check_eq "$who: with the certificate" "$want" "$c"
    check_eq "$who: with the raw public key, the same reply" "$want" "$r"
done
L=$PF/certpolicyd.log
check "Postfix saw a raw public key" grep -q 'raw public key' "$PF/maillog"
check "log: alice's raw key, by name, rpk=yes" \
    grep -q "pubkey_fingerprint=$(pubfp_openssl "$PKI/alice.pem" sha256) rpk=yes name=alice outcome=permit action=OK" "$L"
check "log: carol's raw key rejected, by name" \
    grep -q "rpk=yes name=carol outcome=revoked .*reason=\"left the company\"" "$L"
check "log: frank's raw key expired" grep -q "rpk=yes name=frank outcome=expired" "$L"

# Revoked in the source: the raw key stops at once.
check "revoke alice" "$CERTPOLICY" -c "$PF/certpolicy.conf" revoke alice --reason "laptop stolen"
check_eq "alice revoked: her raw key is rejected" \
    "554 5.7.1 <someone@remote.example>: Recipient address rejected: Client certificate revoked" "$(rpk_rcpt alice)"

# Revoked by the CA's CRL: bob's raw key is rejected after a refresh, even
# with revocation_failure = permit.
(cd "$PKI" && openssl ca -config ca.cnf -revoke bob.pem -crl_reason keyCompromise >/dev/null 2>&1 \
    && openssl ca -config ca.cnf -gencrl -out "$T/ca.crl" >/dev/null 2>&1)
conf crl
sed -i 's/^client alice .*/& revoked=2026-11-30 reason="laptop stolen"/' "$PF/certpolicy.conf"
check "compile with revocation_check = crl" "$CERTPOLICY" -c "$PF/certpolicy.conf" compile
check "refresh (bob revoked by the CA)" "$CERTPOLICY" -c "$PF/certpolicy.conf" refresh
check_eq "bob revoked by the CA: his certificate is rejected" \
    "554 5.7.1 <someone@remote.example>: Recipient address rejected: Client certificate revoked" "$(cert_rcpt bob)"
check_eq "bob revoked by the CA: his raw key is rejected" \
    "554 5.7.1 <someone@remote.example>: Recipient address rejected: Client certificate revoked" "$(rpk_rcpt bob)"
check "log: bob's raw key revoked by the CA" \
    grep -q "rpk=yes name=bob outcome=revoked .*reason=\"revoked by the CA (crl: keyCompromise)\"" "$L"
