# The README's "Setting it up with Postfix", done as written: every block
# marked "<!-- walkthrough: KIND -->" in README.md is read from the README
# itself and carried out against a private Postfix, with one difference:
# the absolute paths it names (/etc, /var, /usr/sbin/certpolicyd) are
# put under a directory of this test, and the database paths a
# --localstatedir=/var build would have are written into the source. The
# mail the README promises is then sent with swaks: alice relays, carol
# (revoked) is rejected, then dave (enrolled in step 6) relays and alice
# (revoked in step 6) is rejected.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/postfix.sh"
if [ "$(id -u)" != 0 ]; then
    skip "README walk-through" "needs root (a private Postfix)"
    exit 0
fi
started=$(date +%s)
README=$SRCDIR/README.md
SERVE=$BUILDDIR/tests/tools/http_serve
nobody_dir
ROOT=$NDIR/root
free_port P_CRL
free_port P_OCSP
PKI=$NDIR/pki
CRL_URL=http://127.0.0.1:$P_CRL/ca.crl OCSP_URL=http://127.0.0.1:$P_OCSP/ \
    sh "$SRCDIR/tests/pki/mkpki" "$PKI" >"$T/pki.log" 2>&1 || { fail "mkpki" "$(tail -3 "$T/pki.log")"; exit 0; }
(cd "$PKI" && openssl ca -config ca.cnf -gencrl -out "$T/crl.pem" >/dev/null 2>&1 \
    && openssl crl -in "$T/crl.pem" -outform DER -out "$T/ca.crl")

# blocks KIND - the README's code blocks marked KIND, in order, dedented;
# a line "----" between two blocks
blocks() {
    awk -v kind="$1" '
        index($0, "<!-- walkthrough: " kind " -->") { want = 1; started = 0; if (n++) print "----"; next }
        want && /^$/ { if (started) print ""; next }
        want && /^        / { started = 1; print substr($0, 9); next }
        want { want = 0 }
    ' "$README" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}'
}
# paths - the README's absolute paths, under $ROOT
paths() {
    sed -e "s|/usr/sbin/certpolicyd|$ROOT/usr/sbin/certpolicyd|g" \
        -e "s|\([ =:]\)/etc/|\1$ROOT/etc/|g" -e "s|^/etc/|$ROOT/etc/|" \
        -e "s|\([ =:]\)/var/|\1$ROOT/var/|g"
}

# The machine the README assumes: client certificates and the CA in
# /etc/postfix, certpolicy and certpolicyd installed, a Postfix.
mkdir -p "$ROOT/etc/postfix/clients" "$ROOT/etc/postfix/ca" "$ROOT/etc/certpolicy" "$ROOT/usr/sbin" "$ROOT/var/lib"
for who in alice bob carol dave; do cp "$PKI/$who.pem" "$ROOT/etc/postfix/clients/"; done
cp "$PKI/ca.pem" "$ROOT/etc/postfix/ca/clients.pem"
pf_setup "$BUILDDIR/src/certpolicyd" "$PKI"
# (a copy: spawn runs it as nobody, who may not reach the build directory)
cp "$BUILDDIR/src/certpolicyd" "$ROOT/usr/sbin/certpolicyd.bin"
printf '#!/bin/sh\nexec "%s" -d "%s" "$@"\n' "$ROOT/usr/sbin/certpolicyd.bin" \
    "$ROOT/var/lib/certpolicy/certpolicy.cdb" >"$ROOT/usr/sbin/certpolicyd"
chmod 0755 "$ROOT/usr/sbin/certpolicyd"
CONF=$ROOT/etc/certpolicy/certpolicy.conf
export MAIL_CONFIG=$PF/etc
certpolicy() { "$BUILDDIR/src/certpolicy" -c "$CONF" "$@"; }
"$SERVE" -p "$P_CRL" "$T/ca.crl" >/dev/null 2>&1 &
on_exit "kill $! 2>/dev/null"
(cd "$PKI" && exec openssl ocsp -index index.txt -port "$P_OCSP" -rsigner ca.pem -rkey ca.key -CA ca.pem -nmin 10) >/dev/null 2>&1 &
on_exit "kill $! 2>/dev/null"
wait_socket "inet:127.0.0.1:$P_CRL" 30
wait_socket "inet:127.0.0.1:$P_OCSP" 30

# run_block N - the N-th "commands" block, each line as root would type it
run_block() {
    blocks commands | awk -v n="$1" '/^----$/ { i++; next } i == n - 1' | paths >"$T/cmds.$1"
    while IFS= read -r line; do
        [ -z "$line" ] && continue
        echo "# $line" >>"$T/transcript"
        eval "$line" >>"$T/transcript" 2>&1
        echo "exit $?" >>"$T/transcript"
    done <"$T/cmds.$1"
}
rcpt() {
    pf_send "$1" "$PKI/$1.pem" "$PKI/$1.key"
    grep -A1 '~> RCPT TO' "$PF/swaks.$1" | tail -1 | sed 's/^<~\*\{0,1\} *//'
}
R='<someone@remote.example>'

check "README: the marked blocks are there" test "$(blocks commands | grep -c '^----$')" -eq 2
: >"$T/transcript"

# Step 1.
run_block 1
check_eq "step 1: the fingerprint, as the openssl CLI prints it" \
    "$(fp_openssl "$PKI/alice.pem" sha256)" "$(grep -o '[0-9A-F:]\{95\}' "$T/transcript" | head -1)"

# Step 2: the source, with the database where a --localstatedir=/var build keeps it.
{
    echo "database = $ROOT/var/lib/certpolicy/certpolicy.cdb"
    echo "status_database = $ROOT/var/lib/certpolicy/status.cdb"
    blocks source | paths
} >"$CONF"
check "step 2: the source names alice, bob and carol" grep -q '^client carol ' "$CONF"

# Step 3, under root's umask 077.
(umask 077 && run_block 2)
check_eq "step 3: check and compile succeed" "exit 0 exit 0 exit 0" "$(grep '^exit' "$T/transcript" | tail -3 | tr '\n' ' ' | sed 's/ $//')"
check_not "step 3: no warning (the database directory is readable by others)" grep -q ': warning:' "$T/transcript"

# Step 4: master.cf and main.cf as written, then "postfix reload".
sed -i '/^certpolicy /,$d' "$PF/etc/master.cf"
blocks master.cf | paths >>"$PF/etc/master.cf"
sed -i -e '/^smtpd_tls_ask_ccert/d' -e '/^certpolicy_time_limit/d' -e '/^smtpd_policy_service_default_action/d' \
    -e '/^smtpd_relay_restrictions/,/^[^ ]/{/^smtpd_relay_restrictions/d;/^ /d}' "$PF/etc/main.cf"
blocks main.cf | paths >>"$PF/etc/main.cf"
check "step 4: Postfix takes the README's lines" postconf -c "$PF/etc" -h smtpd_relay_restrictions
if ! pf_start; then
    fail "step 4: Postfix starts" "$(tail -5 "$PF/maillog" 2>/dev/null)"
    exit 0
fi
pf_reload
check_eq "step 4: alice relays" "250 2.1.5 Ok" "$(rcpt alice)"
check_eq "step 4: carol (revoked) is rejected" \
    "554 5.7.1 $R: Recipient address rejected: Client certificate revoked" "$(rcpt carol)"

# Step 5: the settings added to the source, then "certpolicy refresh".
blocks source+ | paths >>"$CONF"
certpolicy refresh >>"$T/transcript" 2>&1
check_eq "step 5: refresh succeeds" 0 $?
check_eq "step 5: alice still relays (good at the CA)" "250 2.1.5 Ok" "$(rcpt alice)"

# Step 6.
run_block 3
check_eq "step 6: enroll, revoke and query succeed; list has nothing due" "exit 0 exit 0 exit 0 exit 0" \
    "$(grep '^exit' "$T/transcript" | tail -4 | tr '\n' ' ' | sed 's/ $//')"
check_eq "step 6: dave, just enrolled, relays at once" "250 2.1.5 Ok" "$(rcpt dave)"
check_eq "step 6: alice, just revoked, is rejected" \
    "554 5.7.1 $R: Recipient address rejected: Client certificate revoked" "$(rcpt alice)"
check "step 6: query says alice is revoked" grep -q '^outcome: *revoked' "$T/transcript"
echo "README walk-through: $(($(date +%s) - started)) s"
