# certpolicy list, and the warnings of certpolicy check that depend on
# certificate dates: expiring (erin, 10 days), expired (frank), not yet
# valid (gina), a fingerprint in another digest, and revocation that
# cannot be checked for a bare fingerprint.
. "$SRCDIR/tests/lib.sh"
pki
# One "now" for certpolicy and for the expected values: the certificates
# are seconds old, so their days left sit right on a day boundary.
NOW=$(date +%s)
CERTPOLICY=$(clocked_cmd "$NOW" "$CERTPOLICY")

na() { openssl x509 -in "$PKI/$1.pem" -noout -enddate | cut -d= -f2; }
date_of() { date -u -d "$(na "$1")" +%Y-%m-%d; }
iso_of() { date -u -d "$(na "$1")" +%Y-%m-%dT%H:%M:%SZ; }
days_of() {
    s=$(( $(date -u -d "$(na "$1")" +%s) - NOW ))
    if [ $s -ge 0 ]; then echo $((s / 86400)); else echo $(( -((-s + 86399) / 86400) )); fi
}
fp() { fp_openssl "$PKI/$1.pem" sha256; }
BOBMD5=$(fp_openssl "$PKI/bob.pem" md5)

cat >"$T/list.conf" <<CONF
revocation_check = crl
client_ca_file = $PKI/ca.pem
client alice cert=$PKI/alice.pem
client bob fingerprint=$BOBMD5
client carol cert=$PKI/carol.pem revoked=2026-11-20
client erin cert=$PKI/erin.pem
client frank cert=$PKI/frank.pem
client gina cert=$PKI/gina.pem
CONF

run_capture "$T/out" "$CERTPOLICY" -c "$T/list.conf" check
check_golden "check: date and digest warnings" /dev/stdin "$T/out" <<OUT
$T/list.conf:4: warning: client bob: fingerprint=$BOBMD5 is md5, but fingerprint_digest = sha256: it will never match
$T/list.conf:4: warning: client bob: known only by fingerprint: its revocation status cannot be checked (add cert=)
$T/list.conf:6: warning: client erin: certificate $PKI/erin.pem expires on $(date_of erin) (in $(days_of erin) days)
$T/list.conf:7: warning: client frank: certificate $PKI/frank.pem expired on 2021-01-01
$T/list.conf:8: warning: client gina: certificate $PKI/gina.pem is not valid before 2099-01-01
certpolicy: $T/list.conf: ok: 6 clients (5 active, 1 revoked, 1 known only by fingerprint: no expiry or revocation checks), 0 tls entries, 5 warnings
exit 0
OUT

# expiry_warning decides what "expiring" means.
sed -i '1i expiry_warning = 5d' "$T/list.conf"
run_capture "$T/out" "$CERTPOLICY" -c "$T/list.conf" check
check_not "check: erin is not expiring with expiry_warning = 5d" grep -q "erin" "$T/out"
sed -i '1d' "$T/list.conf"

"$CERTPOLICY" -c "$T/list.conf" list >"$T/out" 2>/dev/null
W=$(fp alice | wc -c)
NS="none (cannot open: No such file or directory)"
row() { printf "%-5s  %-13s  %-$((W - 1))s  %-10s  %-5s  %s\n" "$@"; }
{
    row NAME STATE FINGERPRINT NOT_AFTER DAYS REVOCATION
    row alice active "$(fp alice)" "$(date_of alice)" "$(days_of alice)" "$NS"
    row bob active "$BOBMD5" - - "- (no certificate to check)"
    row carol revoked "$(fp carol)" "$(date_of carol)" "$(days_of carol)" -
    row erin active "$(fp erin)" "$(date_of erin)" "$(days_of erin)" "$NS"
    row frank expired "$(fp frank)" 2021-01-01 "$(days_of frank)" "$NS"
    row gina not-yet-valid "$(fp gina)" 2099-12-31 "$(days_of gina)" "$NS"
} >"$T/expected"
check_golden "list: one row per client" "$T/expected" "$T/out"

run_capture "$T/out" "$CERTPOLICY" -c "$T/list.conf" list --expiring 30
{
    printf "%-5s  %-7s  %-$((W - 1))s  %-10s  %-5s  %s\n" NAME STATE FINGERPRINT NOT_AFTER DAYS REVOCATION
    printf "%-5s  %-7s  %-$((W - 1))s  %-10s  %-5s  %s\n" erin active "$(fp erin)" "$(date_of erin)" "$(days_of erin)" "$NS"
    printf "%-5s  %-7s  %-$((W - 1))s  %-10s  %-5s  %s\n" frank expired "$(fp frank)" 2021-01-01 "$(days_of frank)" "$NS"
    echo "exit 1"
} >"$T/expected"
check_golden "list --expiring 30: erin and frank, exit 1" "$T/expected" "$T/out"

run_capture "$T/out" "$CERTPOLICY" -c "$T/list.conf" list --expiring 30 --json
cat >"$T/expected" <<OUT
[
  {"name": "erin", "state": "active", "fingerprint": "$(fp erin)", "not_after": "$(iso_of erin)", "days_left": $(days_of erin), "revocation": "$NS"},
  {"name": "frank", "state": "expired", "fingerprint": "$(fp frank)", "not_after": "2021-01-01T00:00:00Z", "days_left": $(days_of frank), "revocation": "$NS"}
]
exit 1
OUT
check_golden "list --expiring 30 --json" "$T/expected" "$T/out"

sed -i -e '/erin/d' -e '/frank/d' "$T/list.conf"
run_capture "$T/out" "$CERTPOLICY" -c "$T/list.conf" list --expiring 30 --json
check_golden "list --expiring: nothing due, exit 0" /dev/stdin "$T/out" <<OUT
[]
exit 0
OUT

"$CERTPOLICY" -c "$T/list.conf" list --json >"$T/out"
check_eq "list --json: every client, bare fingerprints with nulls" \
    '  {"name": "bob", "state": "active", "fingerprint": "'"$BOBMD5"'", "not_after": null, "days_left": null, "revocation": "- (no certificate to check)"},' \
    "$(grep '"bob"' "$T/out")"
run_capture "$T/out" "$CERTPOLICY" -c "$T/list.conf" list --expiring 30
check_eq "list --expiring: nothing due prints nothing at all (no header), exit 0" "exit 0" "$(cat "$T/out")"
run_capture "$T/out" "$CERTPOLICY" -c "$T/list.conf" list --expiring soon
check_eq "list --expiring needs a number" "exit 2" "$(tail -1 "$T/out")"
