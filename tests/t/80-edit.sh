# certpolicy enroll, revoke and query: only the client's line changes
# (every other byte stays, comments, continuations and CRLF included),
# the change is checked and compiled before the source is replaced, and
# a failure anywhere leaves the source and every output as they were.
. "$SRCDIR/tests/lib.sh"
pki
postfix_config
OUT=$T/out.d
mkdir -p "$OUT"
ALICE=$(fp_openssl "$PKI/alice.pem" sha256)
BOB=$(fp_openssl "$PKI/bob.pem" sha256)

printf '%s\r\n' "# certpolicy.conf with odd spacing, a CRLF line ending, and comments" >"$T/c.conf"
cat >>"$T/c.conf" <<CONF
database   =   $OUT/certpolicy.cdb
relay_clientcerts = cdb:$OUT/relay_clientcerts

# alice's renewals are on continuation lines
client alice
    cert=$PKI/alice.pem    
    # a comment between the lines of alice
    fingerprint=$(fp_openssl "$PKI/erin.pem" sha256)
client   carol	cert=$PKI/carol.pem
# the end
CONF
printf 'client dave cert=%s\r\n' "$PKI/dave.pem" >>"$T/c.conf"
chmod 0640 "$T/c.conf"
check "compile the starting point" "$CERTPOLICY" -c "$T/c.conf" compile
cp "$T/c.conf" "$T/orig.conf"

# enroll a new client: one line appended
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" enroll bob "$PKI/bob.pem"
check_eq "enroll bob: exit 0" "exit 0" "$(tail -1 "$T/out")"
{ cat "$T/orig.conf"; printf 'client bob cert=%s\n' "$PKI/bob.pem"; } >"$T/expected"
check_golden "enroll bob: one line appended, the rest byte for byte" "$T/expected" "$T/c.conf"
check_eq "enroll bob: the source keeps its mode" 640 "$(stat -c %a "$T/c.conf")"
check_eq "enroll bob: compiled into the relay map" bob \
    "$(postmap -q "$(echo "$BOB" | tr A-F a-f)" "cdb:$OUT/relay_clientcerts")"

# enroll more for an existing client on continuation lines: the attribute
# goes at the end of its last line
cp "$T/c.conf" "$T/before"
GINA=$(fp_openssl "$PKI/gina.pem" sha256)
check "enroll alice: a fingerprint and a relative cert path" \
    sh -c "cd '$PKI' && '$CERTPOLICY' -c '$T/c.conf' enroll alice '$GINA' frank.pem"
sed "s|^    fingerprint=$(fp_openssl "$PKI/erin.pem" sha256)\$|& fingerprint=$GINA cert=$PKI/frank.pem|" \
    "$T/before" >"$T/expected"
check_golden "enroll alice: only her last line changed" "$T/expected" "$T/c.conf"

# revoke: at the end of the client's line, with the reason quoted
cp "$T/c.conf" "$T/before"
check "revoke carol" "$CERTPOLICY" -c "$T/c.conf" revoke carol --reason 'left "for good" \ today' --date 2026-11-20
sed "s|^client   carol	cert=$PKI/carol.pem\$|& revoked=2026-11-20 reason=\"left \\\\\"for good\\\\\" \\\\\\\\ today\"|" \
    "$T/before" >"$T/expected"
check_golden "revoke carol: only her line changed" "$T/expected" "$T/c.conf"
cp "$T/c.conf" "$T/before"
check "revoke dave (CRLF line), today's date" "$CERTPOLICY" -c "$T/c.conf" revoke dave
printf 'client dave cert=%s revoked=%s\r\n' "$PKI/dave.pem" "$(date -u +%Y-%m-%d)" >"$T/dave.line"
check_eq "revoke dave: the CR stays at the end" "$(cat "$T/dave.line")" "$(grep '^client dave' "$T/c.conf")"

# query: what certpolicyd answers now
"$CERTPOLICY" -c "$T/c.conf" query --cert "$PKI/alice.pem" >"$T/q" 2>&1
check_golden "query alice: permit" /dev/stdin "$T/q" <<OUT
fingerprint: $ALICE
outcome: permit
action: OK
client: alice
OUT
"$CERTPOLICY" -c "$T/c.conf" query --fingerprint "$(fp_openssl "$PKI/carol.pem" sha256 | tr -d : | tr A-F a-f)" >"$T/q" 2>&1
check_golden "query carol by fingerprint: revoked, with the reason" /dev/stdin "$T/q" <<OUT
fingerprint: $(fp_openssl "$PKI/carol.pem" sha256)
outcome: revoked
action: REJECT 5.7.1 Client certificate revoked
client: carol
reason: left "for good" \\ today
OUT
"$CERTPOLICY" -c "$T/c.conf" query --cert "$PKI/frank.pem" >"$T/q" 2>&1
check "query frank (enrolled for alice, expired): expired" grep -q '^outcome: expired$' "$T/q"
"$CERTPOLICY" -c "$T/c.conf" query --cert "$PKI/ca.pem" >"$T/q" 2>&1
check "query an unknown certificate: unknown" grep -q '^outcome: unknown$' "$T/q"
run_capture "$T/q" "$CERTPOLICY" -c "$T/c.conf" query --cert "$PKI/alice.pem" --fingerprint "$ALICE"
check_eq "query: exactly one of --cert and --fingerprint" "exit 2" "$(tail -1 "$T/q")"

# Failures change nothing: neither the source nor any output.
cp "$T/c.conf" "$T/before"
sums "$OUT" >"$T/sums.before"
unchanged() {
    check_golden "$1: source unchanged" "$T/before" "$T/c.conf"
    sums "$OUT" >"$T/sums.after"
    check_golden "$1: outputs unchanged" "$T/sums.before" "$T/sums.after"
}
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" revoke carol
check "revoke twice: says so" grep -q "c.conf:10: client carol is already revoked" "$T/out"
unchanged "revoke twice"
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" revoke nobody
check "revoke an unknown client: says so" grep -q "no client nobody" "$T/out"
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" enroll erin "$PKI/alice.pem"
check "enroll a fingerprint that is someone else's: refused" grep -q "is already enrolled for client alice" "$T/out"
unchanged "enroll someone else's fingerprint"
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" enroll erin not-a-file-or-hex
check "enroll garbage: says so" grep -q "not-a-file-or-hex: neither a certificate file nor a fingerprint" "$T/out"
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" enroll "er/in" "$PKI/erin.pem"
check_eq "enroll a bad name: exit 1" "exit 1" "$(tail -1 "$T/out")"
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" revoke alice --date 2026-02-30
check "revoke with a bad date: refused" grep -q "revoked=2026-02-30: expected a date" "$T/out"
unchanged "bad name, bad date"
sed -i "1i postmap_command = /bin/false" "$T/c.conf"
cp "$T/c.conf" "$T/before"
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" revoke alice
check_eq "revoke while postmap fails: exit 1" "exit 1" "$(tail -1 "$T/out")"
unchanged "revoke while postmap fails"

# enroll judges the tls entries as compile does, files and cipher lists
# included: a tafile= that is gone stops it, and nothing changes.
printf 'database = %s\ntls [127.0.0.1]:2525 secure match=localhost tafile=%s\n' \
    "$T/tafile.cdb" "$T/no-such-ta.pem" >"$T/tafile.conf"
cp "$T/tafile.conf" "$T/tafile.before"
run_capture "$T/out" "$CERTPOLICY" -c "$T/tafile.conf" enroll alice "$PKI/alice.pem"
check "enroll beside a tls entry whose tafile is gone: the entry is named" \
    grep -q "tafile.conf:2: tls: tafile=$T/no-such-ta.pem: cannot open" "$T/out"
check_eq "enroll beside a tls entry whose tafile is gone: exit 1" "exit 1" "$(tail -1 "$T/out")"
check_golden "enroll beside a tls entry whose tafile is gone: the source is unchanged" \
    "$T/tafile.before" "$T/tafile.conf"
