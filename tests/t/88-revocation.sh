# certpolicy refresh and the revoked/unavailable outcomes of certpolicyd,
# against real parts: CRLs made by "openssl ca -gencrl" (from files and
# over HTTP), and "openssl ocsp" responders signing as the CA or as a
# delegated responder. Every broken source gives a clear message, keeps
# fresh earlier statuses, and never records "good" from a bad answer.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/revocation.sh"
CERTPOLICYD=$(certpolicyd_cmd)
SERVE=$BUILDDIR/tests/tools/http_serve
free_port P_CRL
free_port P_OCSP
free_port P_BAD
rv_pki http://127.0.0.1:$P_CRL/ca.crl http://127.0.0.1:$P_OCSP/
bg() { "$@" >/dev/null 2>&1 & PIDS="$PIDS $!"; }
# listening PORT - the server started last listens on PORT
listening() { wait_socket "inet:127.0.0.1:$1" 30 "${PIDS##* }"; }
# stop_all - every server started, ended (their ports closed)
stop_all() {
    # shellcheck disable=SC2086
    kill $PIDS 2>/dev/null
    for _p in $PIDS; do wait "$_p" 2>/dev/null; done
    PIDS=
}

# carol is revoked at the CA (not in the source); alice and bob are not.
openssl ca -config ca.cnf -revoke carol.pem -crl_reason keyCompromise >/dev/null 2>&1
crl() { openssl ca -config ca.cnf -gencrl "$@" -out "$T/crl.pem" >/dev/null 2>&1 && openssl crl -in "$T/crl.pem" -outform DER; }
crl >"$T/ca.crl"

STATUS=$T/status.cdb
conf() {
    cat >"$T/c.conf" <<CONF
database = $T/db.cdb
status_database = $STATUS
client_ca_file = ${CAFILE:-$PKI/ca.pem}
revocation_check = $1
crl_source = ${CRLSRC:-}
ocsp_responder = ${RESPONDER:-}
fetch_timeout = 2s
clock_skew = 60s
client alice cert=$PKI/alice.pem
client bob cert=$PKI/bob.pem
client carol cert=$PKI/carol.pem
CONF
    "$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
}
refresh() { run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" refresh; }
state() { cdb -q "$STATUS" "s:$(fp_openssl "$PKI/$1.pem" sha256)" 2>/dev/null | cut -f1,2; }
answer() {
    printf 'client_address=192.0.2.1\nccert_fingerprint=%s\n\n' "$(fp_openssl "$PKI/$1.pem" sha256)" \
        | at_clock "${AT:-}" "$CERTPOLICYD" -d "$T/db.cdb" -L "$T/d.log" | head -1
}

# CRL from a file.
CRLSRC=$T/ca.crl conf crl
refresh
check_eq "crl file: exit 0" "exit 0" "$(tail -1 "$T/out")"
check "crl file: summary" grep -q '^certpolicy: refreshed 3 certificates: 2 good, 1 revoked, 0 unknown, 0 failed (0 kept their previous status); 1 CRLs fetched$' "$T/out"
check_eq "crl file: alice good" "good	crl" "$(state alice)"
check_eq "crl file: carol revoked" "revoked	crl" "$(state carol)"
check_eq "certpolicyd: alice permitted" "action=OK" "$(answer alice)"
check_eq "certpolicyd: carol revoked by the CA" "action=REJECT 5.7.1 Client certificate revoked" "$(answer carol)"
check "certpolicyd: logged as revoked by the CA" grep -q 'name=carol outcome=revoked .*reason="revoked by the CA (crl: keyCompromise)"' "$T/d.log"
iso() { date -u -d "@$1" +%Y-%m-%dT%H:%M:%SZ; }
rec=$(cdb -q "$STATUS" "s:$(fp_openssl "$PKI/alice.pem" sha256)")
"$CERTPOLICY" -c "$T/c.conf" query --cert alice.pem >"$T/q" 2>&1
check_eq "query: alice's status, source and freshness" \
    "revocation: good by crl (updated $(iso "$(echo "$rec" | cut -f3)")), fresh until $(iso "$(echo "$rec" | cut -f4)")" \
    "$(grep '^revocation:' "$T/q")"
"$CERTPOLICY" -c "$T/c.conf" query --cert carol.pem >"$T/q" 2>&1
check "query: carol revoked by the CA, with the date and reason" \
    grep -q '^revocation: revoked by crl on [0-9T:Z-]* (keyCompromise)$' "$T/q"
"$CERTPOLICY" -c "$T/c.conf" list >"$T/l" 2>&1
check "list: a REVOCATION column with each status" grep -q 'REVOCATION$' "$T/l"
check "list: carol's row says revoked by crl" grep -q '^carol .* revoked by crl on .* (keyCompromise)$' "$T/l"
check "list: carol's state is revoked (by her CA)" grep -q '^carol  *revoked ' "$T/l"
check "list: alice's row says until when it is fresh" grep -q '^alice .* good by crl (updated .*), fresh until ' "$T/l"

# CRL over HTTP, from the certificates' distribution points: fetched once.
bg "$SERVE" -p "$P_CRL" "$T/ca.crl"
listening "$P_CRL"
conf crl
refresh
check "crl over http from the distribution points: one fetch for three certificates" \
    grep -q '2 good, 1 revoked, 0 unknown, 0 failed .*; 1 CRLs fetched$' "$T/out"

# OCSP, signed by the CA, then by a delegated responder.
bg openssl ocsp -index index.txt -port "$P_OCSP" -rsigner ca.pem -rkey ca.key -CA ca.pem -nmin 10
listening "$P_OCSP"
conf ocsp
refresh
check_eq "ocsp (CA-signed): exit 0" "exit 0" "$(tail -1 "$T/out")"
check_eq "ocsp (CA-signed): bob good" "good	ocsp" "$(state bob)"
check_eq "ocsp (CA-signed): carol revoked" "revoked	ocsp" "$(state carol)"
stop_all
bg openssl ocsp -index index.txt -port "$P_OCSP" -rsigner ocsp.pem -rkey ocsp.key -CA ca.pem -nmin 10
listening "$P_OCSP"
refresh
check_eq "ocsp (delegated responder): exit 0" "exit 0" "$(tail -1 "$T/out")"
check_eq "ocsp (delegated responder): alice good" "good	ocsp" "$(state alice)"
cp "$STATUS" "$T/good-status.cdb"

# "ocsp, crl": OCSP first; the CRL when OCSP gives no answer.
stop_all
CRLSRC=$T/ca.crl conf "ocsp, crl"
refresh
check "ocsp, crl: OCSP down, the CRL answers" grep -q '2 good, 1 revoked, 0 unknown, 0 failed' "$T/out"
check "ocsp, crl: the OCSP failure is still reported" grep -q "client alice (serial [0-9A-F]*): ocsp http://127.0.0.1:$P_OCSP/: .*connect timeout" "$T/out"

# Broken sources: a clear message, earlier fresh statuses kept, never good.
broken() {
    name=$1
    pattern=$2
    cp "$T/good-status.cdb" "$STATUS"
    rm -f "$T/d.log"
    refresh
    check_eq "$name: exit 1" "exit 1" "$(tail -1 "$T/out")"
    check "$name: says why" grep -q -- "$pattern" "$T/out"
    check "$name: the earlier status is kept" grep -q '3 failed (3 kept their previous status)' "$T/out"
    for _who in alice bob carol; do
        _key="s:$(fp_openssl "$PKI/$_who.pem" sha256)"
        check_eq "$name: $_who keeps its own earlier status" \
            "$(cdb -q "$T/good-status.cdb" "$_key")" "$(cdb -q "$STATUS" "$_key")"
    done
}
conf ocsp
broken "responder not listening" "client alice (serial [0-9A-F]*): ocsp http://127.0.0.1:$P_OCSP/: .*connect timeout"
bg openssl ocsp -index index.txt -port "$P_OCSP" -rsigner bob.pem -rkey bob.key -CA ca.pem -nmin 10
listening "$P_OCSP"
broken "OCSP response signed by an unauthorized key" "ocsp http://127.0.0.1:$P_OCSP/: response not signed by the CA or a responder it authorized"
stop_all
bg openssl ocsp -index index.txt -port "$P_OCSP" -rsigner ca.pem -rkey ca.key -CA ca.pem -nmin 10 -nrequest 1
listening "$P_OCSP"
openssl ocsp -issuer ca.pem -cert alice.pem -cert bob.pem -cert carol.pem -url "http://127.0.0.1:$P_OCSP/" \
    -respout "$T/replay.der" >/dev/null 2>&1
check "a response to replay was captured" test -s "$T/replay.der"
stop_all
bg "$SERVE" -p "$P_BAD" -t application/ocsp-response "$T/replay.der"
listening "$P_BAD"
RESPONDER=http://127.0.0.1:$P_BAD/ conf ocsp
broken "replayed OCSP response (another nonce)" "the response's nonce is not the request's"
stop_all
bg "$SERVE" -p "$P_BAD" -m hang
listening "$P_BAD"
start=$(date +%s)
broken "responder that never answers" "ocsp http://127.0.0.1:$P_BAD/: .*timeout"
check "responder that never answers: each try ends at fetch_timeout (3 tries of 2s, under 15s)" \
    test $(( $(date +%s) - start )) -lt 15
stop_all
bg "$SERVE" -p "$P_BAD" -m garbage -t application/ocsp-response
listening "$P_BAD"
broken "responder that answers garbage" "ocsp http://127.0.0.1:$P_BAD/: "
stop_all
bg "$SERVE" -p "$P_BAD" -m big -t application/ocsp-response
listening "$P_BAD"
broken "oversized response" "ocsp http://127.0.0.1:$P_BAD/: .*max resp len exceeded"
stop_all

# Broken CRLs.
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$T/ca2.key" -out "$T/ca2.pem" \
    -subj "/CN=Test Client CA" -days 30 >/dev/null 2>&1
crl -keyfile "$T/ca2.key" -cert "$T/ca2.pem" >"$T/wrongkey.crl"
CRLSRC=$T/wrongkey.crl conf crl
broken "CRL signed by the wrong key" "crl $T/wrongkey.crl: bad CRL signature"
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$T/ca3.key" -out "$T/ca3.pem" \
    -subj "/CN=Other CA" -days 30 >/dev/null 2>&1
crl -keyfile "$T/ca3.key" -cert "$T/ca3.pem" >"$T/other.crl"
cat "$PKI/ca.pem" "$T/ca3.pem" >"$T/cas.pem"
CAFILE=$T/cas.pem CRLSRC=$T/other.crl conf crl
cp "$T/good-status.cdb" "$STATUS"
refresh
check "CRL of another issuer: says so" grep -q "crl: no CRL of its issuer in crl_source" "$T/out"
check_eq "CRL of another issuer: exit 1" "exit 1" "$(tail -1 "$T/out")"
crl -crl_lastupdate 20200101000000Z -crl_nextupdate 20200102000000Z >"$T/expired.crl"
CRLSRC=$T/expired.crl conf crl
broken "expired CRL" "crl $T/expired.crl: the CRL is stale (nextUpdate passed)"
printf 'garbage' >"$T/garbage.crl"
CRLSRC=$T/garbage.crl conf crl
broken "garbage CRL" "crl $T/garbage.crl: not a CRL"

# Freshness: past nextUpdate + clock_skew a status is unavailable.
CRLSRC=$T/ca.crl conf crl
refresh
next=$(cdb -q "$STATUS" "s:$(fp_openssl "$PKI/alice.pem" sha256)" | cut -f4)
check_eq "fresh until nextUpdate + clock_skew: permitted" "action=OK" \
    "$(AT=$((next + 59)) answer alice)"
check_eq "stale: unavailable (defer)" "action=DEFER 4.7.0 Client certificate status unavailable" \
    "$(AT=$((next + 61)) answer alice)"
check_eq "stale: a revocation stays" "action=REJECT 5.7.1 Client certificate revoked" \
    "$(AT=$((next + 61)) answer carol)"
sed -i 's/^revocation_check = crl/&\nrevocation_failure = permit/' "$T/c.conf"
"$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
rm -f "$T/d.log"
check_eq "stale with revocation_failure = permit: permitted" "action=OK" \
    "$(AT=$((next + 61)) answer alice)"
check "stale with revocation_failure = permit: a warning" grep -q 'warning: .*name=alice outcome=permit action=OK reason="revocation status is stale; permitted by revocation_failure = permit"' "$T/d.log"

# The programs read only the system clock: a stray CERTPOLICY_NOW (the
# test clock of earlier versions) changes nothing, in certpolicyd or in
# certpolicy's expiry checks.
check_eq "CERTPOLICY_NOW in certpolicyd's environment is ignored" "action=OK" \
    "$(export CERTPOLICY_NOW=$((next + 86400 * 400)); answer alice)"
CERTPOLICY_NOW=$((next + 86400 * 400)) run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" check
check_not "CERTPOLICY_NOW in certpolicy's environment is ignored (no expiry warning)" grep -q expire "$T/out"
check_eq "the test clock (tests/tools/fakeclock.so) does move certpolicyd's clock" \
    "action=REJECT 5.7.1 Client certificate expired" "$(AT=$((next + 86400 * 400)) answer alice)"

# A broken status database is an error, as a broken database is: alice
# (good at the CA) gets the error action (a temporary failure), carol
# (revoked in it) is never permitted, even under revocation_failure =
# permit, and the log says why. Missing, truncated at every eighth, random
# bytes, a future format, and (as nobody) unreadable.
CRLSRC=$T/ca.crl conf crl
refresh
cp "$STATUS" "$T/fresh-status.cdb"
permitted() { [ "$(answer "$1")" = action=OK ]; }
bad_status() {
    rm -f "$T/d.log"
    check_eq "$1: alice gets the error action" "action=DEFER 4.3.0 Client certificate service unavailable" "$(answer alice)"
    check_not "$1: carol not permitted" permitted carol
    check "$1: logged why" grep -q "reason=\"status database $STATUS: $2" "$T/d.log"
    sed -i 's/^revocation_check = .*/&\nrevocation_failure = permit/' "$T/c.conf"
    "$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
    check_not "$1, revocation_failure = permit: carol not permitted" permitted carol
    sed -i '/^revocation_failure = permit$/d' "$T/c.conf"
    "$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
}
rm -f "$STATUS"
bad_status "status database missing" "cannot open: No such file or directory"
bad_truncated() { bad_status "status database $1" "not a"; }
each_eighth "$T/fresh-status.cdb" "$STATUS" bad_truncated
head -c 5000 /dev/urandom >"$STATUS"
bad_status "status database of random bytes" "not a"
printf '+24,1:certpolicy:status-format->3\n\n' | cdb -c "$STATUS"
bad_status "status database of a future format" "status database format 3"
cp "$T/fresh-status.cdb" "$STATUS"
check_eq "status database restored: alice permitted" "action=OK" "$(answer alice)"
nobody_dir
cp "$BUILDDIR/src/certpolicyd" "$T/db.cdb" "$T/fresh-status.cdb" "$NDIR/"
sed "s|^status_database = .*|status_database = $NDIR/fresh-status.cdb|; s|^database = .*|database = $NDIR/db.cdb|" \
    "$T/c.conf" >"$NDIR/c.conf"
"$CERTPOLICY" -c "$NDIR/c.conf" compile >/dev/null 2>&1
chmod 0644 "$NDIR/db.cdb"
chmod 000 "$NDIR/fresh-status.cdb"
printf 'ccert_fingerprint=%s\n\n' "$(fp_openssl "$PKI/alice.pem" sha256)" \
    | as_nobody "$NDIR/certpolicyd" -d "$NDIR/db.cdb" -L /dev/null >"$T/unreadable.out" 2>&1
check_eq "status database unreadable: alice gets the error action" \
    "action=DEFER 4.3.0 Client certificate service unavailable" "$(head -1 "$T/unreadable.out")"

# A failed source does not keep a status that is no longer fresh.
CRLSRC=$T/missing.crl conf crl
run_capture "$T/out" at_clock $((next + 61)) "$CERTPOLICY" -c "$T/c.conf" refresh
check "stale earlier statuses are not kept" grep -q '3 failed (1 kept their previous status)' "$T/out"

# Concurrency: with a responder that never answers, 12 certificates cost
# about one fetch_timeout with fetch_concurrency = 12 (one after the other
# they would take 12 x 2s), and fetch_concurrency = 1 really does one at a
# time. The margins are wide: this checks the bound, not the speed.
i=0
: >"$T/many.clients"
while [ $i -lt 12 ]; do
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/m$i.key" 2>/dev/null
    openssl req -new -key "$T/m$i.key" -subj "/CN=m$i" -out "$T/m$i.csr" -config ca.cnf 2>/dev/null
    openssl ca -batch -config ca.cnf -in "$T/m$i.csr" -out "$T/m$i.pem" -notext -days 30 >/dev/null 2>&1
    echo "client m$i cert=$T/m$i.pem" >>"$T/many.clients"
    i=$((i + 1))
done
bg "$SERVE" -p "$P_BAD" -m hang
listening "$P_BAD"
many() {
    RESPONDER=http://127.0.0.1:$P_BAD/ conf ocsp
    sed -i -e '/^client /d' -e "s/^fetch_timeout = 2s/&\nfetch_concurrency = $1/" "$T/c.conf"
    head -n "$2" "$T/many.clients" >>"$T/c.conf"
    "$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
    start=$(date +%s)
    refresh
    elapsed=$(( $(date +%s) - start ))
}
many 12 12
check "fetch_concurrency = 12: 12 hung fetches end together (${elapsed}s, one at a time would be 24s)" \
    test "$elapsed" -lt 12
check "fetch_concurrency = 12: every certificate failed and was reported" \
    grep -q '^certpolicy: refreshed 12 certificates: 0 good, 0 revoked, 0 unknown, 12 failed' "$T/out"
many 1 3
check "fetch_concurrency = 1: one at a time (${elapsed}s for 3 x 2s)" test "$elapsed" -ge 5
stop_all
