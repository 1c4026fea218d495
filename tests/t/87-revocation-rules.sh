# The rules of "What a status may become", each tried as an attacker or an
# unlucky administrator would, against real parts: CRLs from "openssl ca
# -gencrl" (complete, delta, ARL, with unknown critical extensions, old
# ones served again), "openssl ocsp" responders (up, down, answering
# unknown, a captured response replayed), a CA key rollover, an
# intermediate-only client_ca_file, and a public-key pin. After each step
# the tests look at status.cdb per certificate and at certpolicyd's answer.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/revocation.sh"
CERTPOLICYD=$(certpolicyd_cmd)
SERVE=$BUILDDIR/tests/tools/http_serve
free_port P_CRL
free_port P_OCSP
rv_pki http://127.0.0.1:$P_CRL/ca.crl http://127.0.0.1:$P_OCSP/
responder() {
    serve "$P_OCSP" openssl ocsp -index "${1:-index.txt}" -port "$P_OCSP" -rsigner ca.pem -rkey ca.key \
        -CA ca.pem -nmin 10
    OCSPPID=$SPID
}
stamp() { date -u -d "$1" +%Y%m%d%H%M%SZ; }
# gencrl OUT [OPTION...] - a DER CRL from the CA's index (openssl ca -gencrl)
gencrl() {
    _out=$1
    shift
    openssl ca -config "${CNF:-ca.cnf}" -gencrl "$@" -out "$_out.pem" >"$T/gencrl.log" 2>&1 \
        && openssl crl -in "$_out.pem" -outform DER -out "$_out" || fail "gencrl $_out" "$(cat "$T/gencrl.log")"
}
revoke() { openssl ca -config "${CNF:-ca.cnf}" -revoke "$@" >/dev/null 2>&1 || fail "revoke $1" "openssl ca failed"; }
conf() {
    cat >"$T/c.conf" <<CONF
database = $T/db.cdb
status_database = $STATUS
client_ca_file = ${CAFILE:-$PKI/ca.pem}
revocation_check = $1
revocation_failure = ${FAILURE:-defer}
crl_source = ${CRLSRC:-}
ocsp_responder = ${RESPONDER:-}
fetch_timeout = 2s
clock_skew = 60s
${CLIENTS:-client alice cert=$PKI/alice.pem
client bob cert=$PKI/bob.pem
client carol cert=$PKI/carol.pem}
CONF
    "$CERTPOLICY" -c "$T/c.conf" compile >"$T/compile.out" 2>&1 || fail "compile" "$(cat "$T/compile.out")"
}
refresh() {
    run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" refresh
    cat "$T/out" >>"$T/refresh.log"
}
# state NAME [FILE] - status, source and reason recorded for a certificate
state() { cdb -q "$STATUS" "s:$(fp_openssl "${2:-$PKI/$1.pem}" sha256)" 2>/dev/null | cut -f1,2,6; }
# answer NAME [FILE] - certpolicyd's action for a certificate, with its key fingerprint
answer() {
    _f=${2:-$PKI/$1.pem}
    printf 'client_address=192.0.2.1\nccert_fingerprint=%s\nccert_pubkey_fingerprint=%s\n\n' \
        "$(fp_openssl "$_f" sha256)" "$(pubfp_openssl "$_f" sha256)" \
        | "$CERTPOLICYD" -d "$T/db.cdb" -L "$T/d.log" | head -1
}

# 1a. "ocsp, crl": the CRL is valid but older than carol's revocation.
# With the responder up she is revoked; with it down the older CRL's
# "good" must not bring her back.
gencrl "$T/before.crl" -crl_lastupdate "$(stamp '1 hour ago')" -crl_nextupdate "$(stamp '7 days')"
revoke carol.pem -crl_reason keyCompromise
responder
rm -f "$STATUS"
CRLSRC=$T/before.crl conf "ocsp, crl"
refresh
check_eq "1a: responder up: carol revoked by ocsp" "revoked	ocsp	keyCompromise" "$(state carol)"
check_eq "1a: responder up: carol rejected" "$REJ" "$(answer carol)"
stop "$OCSPPID"
refresh
check_eq "1a: responder down, an older CRL says good: carol stays revoked" \
    "revoked	ocsp	keyCompromise" "$(state carol)"
check_eq "1a: responder down: carol still rejected" "$REJ" "$(answer carol)"
check "1a: the refused answer is reported" \
    grep -q "client carol (serial [0-9A-F]*): refused \"good by crl .*: a revocation is final" "$T/out"
check_eq "1a: alice keeps her newer good status (the CRL's is older)" "good	ocsp	" "$(state alice)"
check_eq "1a: alice permitted" "action=OK" "$(answer alice)"

# 1b. A "good" response for bob captured before his revocation, without a
# nonce, served again at the responder's address after he was revoked.
responder
openssl ocsp -issuer ca.pem -cert bob.pem -url "http://127.0.0.1:$P_OCSP/" -no_nonce \
    -respout "$T/bob-good.der" >/dev/null 2>&1
check "1b: a response to replay was captured" test -s "$T/bob-good.der"
stop "$OCSPPID"
revoke bob.pem -crl_reason keyCompromise
responder
rm -f "$STATUS"
conf ocsp
refresh
check_eq "1b: bob revoked by ocsp" "revoked	ocsp	keyCompromise" "$(state bob)"
stop "$OCSPPID"
serve "$P_OCSP" "$SERVE" -p "$P_OCSP" -t application/ocsp-response "$T/bob-good.der"
REPLAYPID=$SPID
refresh
check "1b: the replayed response is verified (no nonce, accepted with a warning)" \
    grep -q "client bob .*the response has no nonce" "$T/out"
check_eq "1b: bob stays revoked" "revoked	ocsp	keyCompromise" "$(state bob)"
check_eq "1b: bob rejected" "$REJ" "$(answer bob)"
check "1b: the replayed good answer is refused" \
    grep -q "client bob (serial [0-9A-F]*): refused \"good by ocsp .*: a revocation is final" "$T/out"
stop "$REPLAYPID"

# An answer older than the recorded status is a replay: a response made
# (by a responder whose clock runs 10 minutes ahead) after the captured one
# is recorded; the captured one, served again, changes nothing.
serve "$P_OCSP" env LD_PRELOAD="$BUILDDIR/tests/tools/fakeclock.so" CERTPOLICY_TEST_CLOCK=+600 \
    openssl ocsp -index index.txt -port "$P_OCSP" -rsigner ca.pem -rkey ca.key -CA ca.pem -nmin 30
OCSPPID=$SPID
openssl ocsp -issuer ca.pem -cert alice.pem -url "http://127.0.0.1:$P_OCSP/" -no_nonce \
    -respout "$T/alice-future.der" >/dev/null 2>&1
stop "$OCSPPID"
responder
openssl ocsp -issuer ca.pem -cert alice.pem -url "http://127.0.0.1:$P_OCSP/" -no_nonce \
    -respout "$T/alice-now.der" >/dev/null 2>&1
stop "$OCSPPID"
rm -f "$STATUS"
serve "$P_OCSP" "$SERVE" -p "$P_OCSP" -t application/ocsp-response "$T/alice-future.der"
CLIENTS="client alice cert=$PKI/alice.pem" conf ocsp
run_capture "$T/out" at_clock +600 "$CERTPOLICY" -c "$T/c.conf" refresh
check_eq "a response from 10 minutes ahead, refreshed then: alice good" "good	ocsp	" "$(state alice)"
newer=$(cdb -q "$STATUS" "s:$(fp_openssl alice.pem sha256)" | cut -f3)
stop "$SPID"
serve "$P_OCSP" "$SERVE" -p "$P_OCSP" -t application/ocsp-response "$T/alice-now.der"
refresh
check "an older response served again: verified" grep -q "client alice .*the response has no nonce" "$T/out"
check_eq "an older response served again: the newer recorded status stays" "$newer" \
    "$(cdb -q "$STATUS" "s:$(fp_openssl alice.pem sha256)" | cut -f3)"
stop "$SPID"

# 1c. carol revoked by the CRL; then the responder knows nothing
# ("unknown") and the CRL cannot be had. Under revocation_failure =
# permit she must still be rejected; alice keeps her good status.
: >"$T/empty-index.txt"
responder "$T/empty-index.txt"
gencrl "$T/carol.crl"
rm -f "$STATUS"
CRLSRC=$T/carol.crl conf "ocsp, crl"
refresh
check_eq "1c: carol revoked by the CRL (the responder says unknown)" "revoked	crl	keyCompromise" "$(state carol)"
check_eq "1c: alice good by the CRL (unknown does not replace it)" "good	crl	" "$(state alice)"
FAILURE=permit CRLSRC=$T/nowhere.crl conf "ocsp, crl"
refresh
check_eq "1c: unknown and the CRL unreachable: carol stays revoked" "revoked	crl	keyCompromise" "$(state carol)"
check_eq "1c: carol rejected under revocation_failure = permit" "$REJ" "$(answer carol)"
check_eq "1c: alice keeps good by crl (unknown never replaces it)" "good	crl	" "$(state alice)"
check "1c: says unknown never replaces a definite status" \
    grep -q "client alice .*refused \"unknown to ocsp.*unknown never replaces a definite status" "$T/out"
stop "$OCSPPID"

# "ocsp, crl": both sources are asked at each refresh, and a good status
# is fresh while a verified good answer behind it is. The responder's
# answers live a minute, the CRL (an hour older) a week: the newer OCSP
# answer is recorded, fresh until the CRL's nextUpdate; and once a
# recorded OCSP answer has expired, the older CRL, still fresh, keeps
# alice good instead of leaving her unavailable.
gencrl "$T/week.crl" -crl_lastupdate "$(stamp '1 hour ago')" -crl_nextupdate "$(stamp '7 days')"
week=$(date -u -d "$(openssl crl -in "$T/week.crl" -inform DER -noout -nextupdate | cut -d= -f2)" +%s)
serve "$P_OCSP" openssl ocsp -index index.txt -port "$P_OCSP" -rsigner ca.pem -rkey ca.key -CA ca.pem -nmin 1
OCSPPID=$SPID
ALICE="client alice cert=$PKI/alice.pem"
nextupdate() { cdb -q "$STATUS" "s:$(fp_openssl alice.pem sha256)" | cut -f4; }
rm -f "$STATUS"
CLIENTS=$ALICE CRLSRC=$T/week.crl conf "ocsp, crl"
refresh
check_eq "ocsp, crl, both good: the newer answer (ocsp) is recorded" "good	ocsp	" "$(state alice)"
check_eq "ocsp, crl, both good: fresh until the CRL's nextUpdate" "$week" "$(nextupdate)"
rm -f "$STATUS"
CLIENTS=$ALICE CRLSRC=$T/nowhere.crl conf "ocsp, crl"
refresh
check_eq "ocsp, crl, the CRL unreachable: good by ocsp" "good	ocsp	" "$(state alice)"
check "ocsp, crl, the CRL unreachable: fresh for the responder's minute" \
    test "$(nextupdate)" -le $(( $(date +%s) + 70 ))
stop "$OCSPPID"
pa() { printf 'client_address=192.0.2.1\nccert_fingerprint=%s\n\n' "$(fp_openssl alice.pem sha256)"; }
check_eq "ocsp, crl: 10 minutes later the OCSP answer has expired" "$DEF" \
    "$(pa | at_clock +600 "$CERTPOLICYD" -d "$T/db.cdb" -L "$T/d.log" | head -1)"
CLIENTS=$ALICE CRLSRC=$T/week.crl conf "ocsp, crl"
run_capture "$T/out" at_clock +600 "$CERTPOLICY" -c "$T/c.conf" refresh
check_eq "ocsp, crl, 10 minutes later, the responder down: the older CRL keeps alice good" \
    "good	ocsp	" "$(state alice)"
check_eq "ocsp, crl, 10 minutes later: fresh until the CRL's nextUpdate" "$week" "$(nextupdate)"
check_eq "ocsp, crl, 10 minutes later: alice permitted" "action=OK" \
    "$(pa | at_clock +600 "$CERTPOLICYD" -d "$T/db.cdb" -L "$T/d.log" | head -1)"

# 2. Only complete CRLs. A delta CRL alone, a delta with its base, an
# ARL, CRLs with scopes or critical extensions refresh does not implement.
cat >>ca.cnf <<CNF
[ arl_ext ]
issuingDistributionPoint = critical, @arl_idp
[ arl_idp ]
onlyCA = TRUE
[ reasons_ext ]
issuingDistributionPoint = critical, @reasons_idp
[ reasons_idp ]
onlysomereasons = keyCompromise
[ crit_ext ]
1.3.6.1.4.1.99999.1 = critical, ASN1:NULL
[ idp_ours_ext ]
issuingDistributionPoint = critical, @idp_ours
[ idp_ours ]
fullname = URI:http://127.0.0.1:$P_CRL/ca.crl
[ idp_other_ext ]
issuingDistributionPoint = critical, @idp_other
[ idp_other ]
fullname = URI:http://127.0.0.1:$P_CRL/other-partition.crl
CNF
base_no=$(cat crlnumber)
gencrl "$T/base.crl"
sed "s|^database = .*|database = $T/delta-index.txt|" ca.cnf >"$T/delta.cnf"
# (openssl's configuration has no name for deltaCRLIndicator: its OID, 2.5.29.27)
printf '[ delta_ext ]\n2.5.29.27 = critical, ASN1:INTEGER:0x%s\n' "$base_no" >>"$T/delta.cnf"
: >"$T/delta-index.txt"
CNF=$T/delta.cnf revoke erin.pem -crl_reason keyCompromise
CNF=$T/delta.cnf gencrl "$T/delta.crl" -crlexts delta_ext
check "2: the delta CRL has a Delta CRL Indicator" \
    sh -c "openssl crl -in '$T/delta.crl' -inform DER -noout -text | grep -q 'Delta CRL Indicator'"
THREE="client alice cert=$PKI/alice.pem
client carol cert=$PKI/carol.pem
client erin cert=$PKI/erin.pem"
rm -f "$STATUS"
CLIENTS=$THREE CRLSRC=$T/delta.crl conf crl
refresh
check "2: a delta CRL alone is refused, with the reason" \
    grep -q "client carol .*: crl $T/delta.crl: a delta CRL (deltaCRLIndicator) is used only with its base CRL" "$T/out"
check_eq "2: a delta CRL alone: carol (revoked in the full CRL) is not permitted" "$DEF" "$(answer carol)"
check_eq "2: a delta CRL alone: exit 1" "exit 1" "$(tail -1 "$T/out")"
CLIENTS=$THREE CRLSRC="$T/base.crl, $T/delta.crl" conf crl
refresh
check_eq "2: base and delta: carol revoked by the base" "revoked	crl	keyCompromise" "$(state carol)"
check_eq "2: base and delta: erin revoked by the delta" "revoked	crl	keyCompromise" "$(state erin)"
check_eq "2: base and delta: alice good" "good	crl	" "$(state alice)"
check_eq "2: base and delta: the delta's thisUpdate is recorded" \
    "$(date -u -d "$(openssl crl -in "$T/delta.crl" -inform DER -noout -lastupdate | cut -d= -f2)" +%s)" \
    "$(cdb -q "$STATUS" "s:$(fp_openssl alice.pem sha256)" | cut -f3)"
cp "$STATUS" "$T/complete-status.cdb"

: >"$T/arl-index.txt"
sed "s|^database = .*|database = $T/arl-index.txt|" ca.cnf >"$T/arl.cnf"
CNF=$T/arl.cnf gencrl "$T/arl.crl" -crlexts arl_ext
serve "$P_CRL" "$SERVE" -p "$P_CRL" "$T/arl.crl"
rm -f "$STATUS"
CLIENTS=$THREE conf crl
refresh
check "2: an ARL at the distribution point is refused for a client certificate" \
    grep -q "client carol .*: crl http://127.0.0.1:$P_CRL/ca.crl: it covers only CA certificates (Issuing Distribution Point: onlyContainsCACerts" "$T/out"
check_eq "2: an ARL: carol is not permitted" "$DEF" "$(answer carol)"
CLIENTS=$THREE CRLSRC=$T/arl.crl conf crl
refresh
check "2: an ARL as crl_source is refused too" grep -q "crl $T/arl.crl: it covers only CA certificates" "$T/out"
stop "$SPID"
CNF=$T/arl.cnf gencrl "$T/reasons.crl" -crlexts reasons_ext
CLIENTS=$THREE CRLSRC=$T/reasons.crl conf crl
refresh
check "2: a CRL of some reasons only (onlySomeReasons) is refused" \
    grep -q "crl $T/reasons.crl: it lists only some reasons" "$T/out"
gencrl "$T/idp-ours.crl" -crlexts idp_ours_ext
gencrl "$T/idp-other.crl" -crlexts idp_other_ext
rm -f "$STATUS"
CLIENTS=$THREE CRLSRC=$T/idp-ours.crl conf crl
refresh
check_eq "2: a CRL whose distribution point is the certificate's covers it" \
    "revoked	crl	keyCompromise" "$(state carol)"
rm -f "$STATUS"
CLIENTS=$THREE CRLSRC=$T/idp-other.crl conf crl
refresh
check "2: a CRL of another distribution point (a partition) is refused" \
    grep -q "crl $T/idp-other.crl: its Issuing Distribution Point is not one of the certificate's" "$T/out"
check_eq "2: a CRL of another partition: carol not permitted" "$DEF" "$(answer carol)"
gencrl "$T/crit.crl" -crlexts crit_ext
CLIENTS=$THREE CRLSRC=$T/crit.crl conf crl
refresh
check "2: a CRL with an unknown critical extension is refused, naming it" \
    grep -q "crl $T/crit.crl: a critical CRL extension refresh does not implement (1.3.6.1.4.1.99999.1" "$T/out"
check_eq "2: refused CRLs record nothing: carol not permitted" "$DEF" "$(answer carol)"
cp "$T/complete-status.cdb" "$STATUS"
refresh
check_eq "2: a refused CRL keeps the recorded revocation" "revoked	crl	keyCompromise" "$(state carol)"

# At most 64 CRLs in one source (CRLCHECK_MAX_PER_SOURCE): 64 are read, 65
# refused whole.
for n in 64 65; do
    i=0
    while [ $i -lt $n ]; do cat "$T/base.crl.pem"; i=$((i + 1)); done >"$T/crls$n.pem"
done
cp "$T/complete-status.cdb" "$STATUS"
CLIENTS=$THREE CRLSRC=$T/crls64.pem conf crl
refresh
check_eq "64 CRLs in one PEM source: read (carol revoked)" "revoked	crl	keyCompromise" "$(state carol)"
check_eq "64 CRLs in one PEM source: exit 0" "exit 0" "$(tail -1 "$T/out")"
CLIENTS=$THREE CRLSRC=$T/crls65.pem conf crl
refresh
check "65 CRLs in one PEM source: refused, naming the limit" \
    grep -q "crl $T/crls65.pem: more than 64 CRLs in one source (the limit)" "$T/out"

# Several CRLs of one issuer in one source: the newest complete one
# decides (the one listing carol), whichever comes first.
cat "$T/before.crl.pem" "$T/carol.crl.pem" >"$T/old-new.pem"
cat "$T/carol.crl.pem" "$T/before.crl.pem" >"$T/new-old.pem"
for order in old-new new-old; do
    rm -f "$STATUS"
    CLIENTS=$THREE CRLSRC=$T/$order.pem conf crl
    refresh
    check_eq "two CRLs of one issuer ($order): the newest decides, carol revoked" \
        "revoked	crl	keyCompromise" "$(state carol)"
done

# cRLNumber never goes backwards for a CA key: an old CRL served again
# (the CRL before carol's revocation) after a newer one was seen.
cp "$T/complete-status.cdb" "$STATUS"
CLIENTS=$THREE CRLSRC=$T/before.crl conf crl
refresh
check "an old CRL (lower cRLNumber) is refused, with both numbers" \
    grep -q "crl $T/before.crl: an old CRL: its cRLNumber [0-9]* is lower than [0-9]*, seen before" "$T/out"
check_eq "an old CRL: carol stays revoked" "revoked	crl	keyCompromise" "$(state carol)"
check_eq "an old CRL: carol rejected" "$REJ" "$(answer carol)"

# 3. Key rollover: a new CA with the same name and a new key. Each CA's
# CRL answers only for its own certificates, whichever comes first.
mkdir -p "$T/ca2/newcerts"
: >"$T/ca2/index.txt"
echo 2000 >"$T/ca2/serial"
echo 2000 >"$T/ca2/crlnumber"
sed "s|^dir = .*|dir = $T/ca2|" ca.cnf >"$T/ca2/ca.cnf"
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$T/ca2/ca.key" -out "$T/ca2/ca.pem" \
    -subj "/CN=Test Client CA" -days 3650 -config ca.cnf -extensions ca_ext 2>/dev/null
for who in newbie nina; do
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/$who.key" 2>/dev/null
    openssl req -new -key "$T/$who.key" -subj "/CN=$who" -out "$T/$who.csr" -config ca.cnf 2>/dev/null
    openssl ca -batch -config "$T/ca2/ca.cnf" -in "$T/$who.csr" -out "$T/$who.pem" -notext -days 30 >/dev/null 2>&1
done
CNF=$T/ca2/ca.cnf revoke "$T/newbie.pem" -crl_reason keyCompromise
CNF=$T/ca2/ca.cnf gencrl "$T/new.crl"
gencrl "$T/old.crl"
ROLL="client alice cert=$PKI/alice.pem
client carol cert=$PKI/carol.pem
client newbie cert=$T/newbie.pem
client nina cert=$T/nina.pem"
cat ca.pem "$T/ca2/ca.pem" >"$T/old-new.pem"
cat "$T/ca2/ca.pem" ca.pem >"$T/new-old.pem"
for order in old-new new-old; do
    rm -f "$STATUS"
    CAFILE=$T/$order.pem CLIENTS=$ROLL CRLSRC="$T/old.crl, $T/new.crl" conf crl
    refresh
    check_eq "3 ($order): the new CA's revoked certificate is revoked" "revoked	crl	keyCompromise" "$(state newbie "$T/newbie.pem")"
    check_eq "3 ($order): newbie rejected" "$REJ" "$(answer newbie "$T/newbie.pem")"
    check_eq "3 ($order): the new CA's good certificate is good" "good	crl	" "$(state nina "$T/nina.pem")"
    check_eq "3 ($order): the old CA's revoked certificate is revoked" "revoked	crl	keyCompromise" "$(state carol)"
    check_eq "3 ($order): exit 0" "exit 0" "$(tail -1 "$T/out")"
done
rm -f "$STATUS"
CAFILE=$T/old-new.pem CLIENTS=$ROLL CRLSRC=$T/new.crl conf crl
refresh
check_eq "3: only the new CA's CRL: it verifies, newbie revoked" "revoked	crl	keyCompromise" "$(state newbie "$T/newbie.pem")"
check_eq "3: only the new CA's CRL: nina good" "good	crl	" "$(state nina "$T/nina.pem")"
check "3: only the new CA's CRL: the old CA's certificates have none" \
    grep -q "client alice .*: crl: no CRL of its issuer in crl_source" "$T/out"

# 3, by OCSP. The new CA's own responder ("openssl ocsp -rsigner" with
# the CA certificate: ResponderID by the name both CAs share, or by its
# key's hash) is verified by the key that signed the certificate,
# whichever CA comes first in client_ca_file; so is a responder that the
# new key certified (id-kp-OCSPSigning). The old CA's responder, of the
# same name, never answers for the new key's certificates. "openssl ocsp"
# checks each response against the new CA alone: with both CAs in
# -CAfile, OpenSSL 3.5's CLI looks no further than the first certificate
# of that name and reports the new CA as an untrusted self-signed one,
# where 3.0's finds it; certpolicy must accept the response either way.
TWO="client newbie cert=$T/newbie.pem
client nina cert=$T/nina.pem"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/ca2/ocsp.key" 2>/dev/null
openssl req -new -key "$T/ca2/ocsp.key" -subj "/CN=ocsp" -out "$T/ca2/ocsp.csr" -config ca.cnf 2>/dev/null
openssl ca -batch -config "$T/ca2/ca.cnf" -in "$T/ca2/ocsp.csr" -out "$T/ca2/ocsp.pem" -notext -days 30 \
    -extensions ocsp_ext >/dev/null 2>&1 || fail "3 (ocsp): the new CA's delegated responder" "openssl ca failed"
for signer in ca ca-keyid ocsp; do
    idopt=
    [ $signer = ca-keyid ] && idopt=-resp_key_id
    serve "$P_OCSP" openssl ocsp -index "$T/ca2/index.txt" -port "$P_OCSP" -rsigner "$T/ca2/${signer%-keyid}.pem" \
        -rkey "$T/ca2/${signer%-keyid}.key" -CA "$T/ca2/ca.pem" -nmin 10 $idopt
    OCSPPID=$SPID
    for order in old-new new-old; do
        check "3 (ocsp, $signer, $order): openssl ocsp -CAfile (the new CA) verifies the new key's response" sh -c \
            "openssl ocsp -issuer '$T/ca2/ca.pem' -cert '$T/nina.pem' -CAfile '$T/ca2/ca.pem' \
                -url http://127.0.0.1:$P_OCSP/ 2>&1 | grep -q '^Response verify OK'"
        rm -f "$STATUS"
        CAFILE=$T/$order.pem CLIENTS=$TWO conf ocsp
        refresh
        check_eq "3 (ocsp, $signer, $order): newbie revoked by the new key's responder" \
            "revoked	ocsp	keyCompromise" "$(state newbie "$T/newbie.pem")"
        check_eq "3 (ocsp, $signer, $order): nina good by ocsp" "good	ocsp	" "$(state nina "$T/nina.pem")"
        check_eq "3 (ocsp, $signer, $order): nina permitted" "action=OK" "$(answer nina "$T/nina.pem")"
        check_eq "3 (ocsp, $signer, $order): newbie rejected" "$REJ" "$(answer newbie "$T/newbie.pem")"
        check_eq "3 (ocsp, $signer, $order): exit 0" "exit 0" "$(tail -1 "$T/out")"
    done
    stop "$OCSPPID"
done
responder
rm -f "$STATUS"
CAFILE=$T/new-old.pem CLIENTS=$TWO conf ocsp
refresh
check "3 (ocsp): the old key's responder is refused for the new key's certificates" \
    grep -q "client nina (serial [0-9A-F]*): ocsp http://127.0.0.1:$P_OCSP/: response not signed by the CA or a responder it authorized" "$T/out"
check_eq "3 (ocsp): the old key's responder: nina gets no status" "" "$(state nina "$T/nina.pem")"
check_eq "3 (ocsp): the old key's responder: nina not permitted" "$DEF" "$(answer nina "$T/nina.pem")"
stop "$OCSPPID"

# 4. Workers share no tinycdb lookup state: every cdb_find made slow (as a
# legal thread schedule may), 24 certificates, half of them revoked, 8
# workers; with every source failing, each keeps its own earlier status.
i=0
: >"$T/many.clients"
while [ $i -lt 24 ]; do
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/m$i.key" 2>/dev/null
    openssl req -new -key "$T/m$i.key" -subj "/CN=m$i" -out "$T/m$i.csr" -config ca.cnf 2>/dev/null
    openssl ca -batch -config ca.cnf -in "$T/m$i.csr" -out "$T/m$i.pem" -notext -days 30 >/dev/null 2>&1
    [ $((i % 2)) = 0 ] && revoke "$T/m$i.pem" -crl_reason superseded
    echo "client m$i cert=$T/m$i.pem" >>"$T/many.clients"
    i=$((i + 1))
done
gencrl "$T/many.crl"
rm -f "$STATUS"
CLIENTS=$(cat "$T/many.clients") CRLSRC=$T/many.crl conf crl
sed -i 's/^fetch_timeout = 2s/&\nfetch_concurrency = 8/' "$T/c.conf"
"$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
refresh
check "4: 12 good, 12 revoked" grep -q "24 certificates: 12 good, 12 revoked" "$T/out"
for i in $(seq 0 23); do state "m$i" "$T/m$i.pem"; done >"$T/many.before"
sed -i "s|^crl_source = .*|crl_source = $T/nowhere.crl|" "$T/c.conf"
"$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
run_capture "$T/out" env LD_PRELOAD="$BUILDDIR/tests/tools/slowcdb.so" \
    ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0" "$CERTPOLICY" -c "$T/c.conf" refresh
check "4: with a slow cdb_find every certificate kept a status" grep -q "24 failed (24 kept their previous status)" "$T/out"
for i in $(seq 0 23); do state "m$i" "$T/m$i.pem"; done >"$T/many.after"
check_golden "4: each certificate kept its own status" "$T/many.before" "$T/many.after"

# 5. A public-key pin follows its key: dave has cert= and
# pubkey_fingerprint=; once the CA revokes his certificate, a self-signed
# certificate made with the same key gets nothing, whatever
# revocation_failure says.
openssl req -x509 -new -key dave.key -subj "/CN=dave self-signed" -days 30 -out "$T/dave-self.pem" 2>/dev/null
PIN="client alice cert=$PKI/alice.pem
client dave cert=$PKI/dave.pem pubkey_fingerprint=$(pubfp_openssl dave.pem sha256)"
gencrl "$T/dave-good.crl"
rm -f "$STATUS"
CLIENTS=$PIN CRLSRC=$T/dave-good.crl conf crl
refresh
check_eq "5: the key's certificate good: the pin permits a certificate with that key" "action=OK" \
    "$(answer dave "$T/dave-self.pem")"
revoke dave.pem -crl_reason keyCompromise
gencrl "$T/dave-revoked.crl"
for failure in permit defer; do
    FAILURE=$failure CLIENTS=$PIN CRLSRC=$T/dave-revoked.crl conf crl
    refresh
    check_eq "5 ($failure): dave's certificate revoked" "revoked	crl	keyCompromise" "$(state dave)"
    rm -f "$T/d.log"
    check_eq "5 ($failure): the pin permits nothing: self-signed with dave's key rejected" "$REJ" \
        "$(answer dave "$T/dave-self.pem")"
    check "5 ($failure): logged as the pinned key revoked" \
        grep -q 'name=dave outcome=revoked .*reason="pinned key revoked by the CA (crl: keyCompromise)"' "$T/d.log"
done
PINSRC="client alice cert=$PKI/alice.pem revoked=2026-01-01
client alicepin pubkey_fingerprint=$(pubfp_openssl alice.pem sha256)"
openssl req -x509 -new -key alice.key -subj "/CN=alice self-signed" -days 30 -out "$T/alice-self.pem" 2>/dev/null
FAILURE=permit CLIENTS=$PINSRC CRLSRC=$T/dave-revoked.crl conf crl
refresh
check_eq "5: a certificate revoked in the source: another client's pin of its key permits nothing" \
    "$REJ" "$(answer alicepin "$T/alice-self.pem")"

# certificateHold: revoked while held; an older CRL without the hold is
# refused; a hold is lifted only by a newer CRL.
revoke alice.pem -crl_hold holdInstructionReject
gencrl "$T/hold.crl" -crl_lastupdate "$(stamp '2 hours ago')" -crl_nextupdate "$(stamp '7 days')"
serial=$(openssl x509 -in alice.pem -noout -serial | cut -d= -f2)
awk -F '\t' -v OFS='\t' -v s="$serial" '$4 == s { $1 = "V"; $3 = "" } 1' index.txt >"$T/index.released"
cp index.txt "$T/index.held"
cp "$T/index.released" index.txt
gencrl "$T/released-older.crl" -crl_lastupdate "$(stamp '3 hours ago')" -crl_nextupdate "$(stamp '7 days')"
gencrl "$T/released.crl" -crl_lastupdate "$(stamp '1 hour ago')" -crl_nextupdate "$(stamp '7 days')"
rm -f "$STATUS"
CLIENTS="client alice cert=$PKI/alice.pem" CRLSRC=$T/hold.crl conf crl
refresh
check_eq "hold: alice on hold" "revoked	crl	certificateHold" "$(state alice)"
check_eq "hold: alice rejected" "$REJ" "$(answer alice)"
CLIENTS="client alice cert=$PKI/alice.pem" CRLSRC=$T/released-older.crl conf crl
refresh
check_eq "hold: a release older than the hold is refused" "revoked	crl	certificateHold" "$(state alice)"
check "hold: says why" grep -q "a hold is lifted only by an answer newer than the one that reported it" "$T/out"
CLIENTS="client alice cert=$PKI/alice.pem" CRLSRC=$T/released.crl conf crl
refresh
check_eq "hold: a newer CRL without her lifts the hold" "good	crl	" "$(state alice)"
check_eq "hold: alice permitted again" "action=OK" "$(answer alice)"

# A hold recorded by OCSP outlives a later "unknown" from the responder
# (10 minutes later: the responder and refresh run on a clock 10 minutes
# ahead), and then a "good" captured before the hold (no nonce, from a
# responder whose clock ran 10 minutes behind), served again: the hold stays.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/hank.key" 2>/dev/null
openssl req -new -key "$T/hank.key" -subj "/CN=hank" -out "$T/hank.csr" -config ca.cnf 2>/dev/null
openssl ca -batch -config ca.cnf -in "$T/hank.csr" -out "$T/hank.pem" -notext -days 30 >/dev/null 2>&1
serve "$P_OCSP" env LD_PRELOAD="$BUILDDIR/tests/tools/fakeclock.so" CERTPOLICY_TEST_CLOCK=-600 \
    openssl ocsp -index index.txt -port "$P_OCSP" -rsigner ca.pem -rkey ca.key -CA ca.pem -nmin 60
openssl ocsp -issuer ca.pem -cert "$T/hank.pem" -url "http://127.0.0.1:$P_OCSP/" -no_nonce \
    -respout "$T/hank-good.der" >/dev/null 2>&1
stop "$SPID"
check "hold by ocsp: a good response to replay was captured" test -s "$T/hank-good.der"
revoke "$T/hank.pem" -crl_hold holdInstructionReject
responder
rm -f "$STATUS"
HANK="client hank cert=$T/hank.pem"
CLIENTS=$HANK conf ocsp
refresh
check_eq "hold by ocsp: hank on hold" "revoked	ocsp	certificateHold" "$(state hank "$T/hank.pem")"
stop "$OCSPPID"
grep -v "/CN=hank\$" index.txt >"$T/index.nohank"
serve "$P_OCSP" env LD_PRELOAD="$BUILDDIR/tests/tools/fakeclock.so" CERTPOLICY_TEST_CLOCK=+600 \
    openssl ocsp -index "$T/index.nohank" -port "$P_OCSP" -rsigner ca.pem -rkey ca.key -CA ca.pem -nmin 10
OCSPPID=$SPID
run_capture "$T/out" at_clock +600 "$CERTPOLICY" -c "$T/c.conf" refresh
check_eq "hold by ocsp, then unknown: the hold stays" "revoked	ocsp	certificateHold" \
    "$(state hank "$T/hank.pem")"
check "hold by ocsp, then unknown: says why" \
    grep -q "client hank .*refused \"unknown to ocsp.*unknown never replaces a definite status" "$T/out"
stop "$OCSPPID"
serve "$P_OCSP" "$SERVE" -p "$P_OCSP" -t application/ocsp-response "$T/hank-good.der"
refresh
check "hold by ocsp, a good from before it replayed: verified (no nonce)" \
    grep -q "client hank .*the response has no nonce" "$T/out"
check_eq "hold by ocsp, a good from before it replayed: the hold stays" "revoked	ocsp	certificateHold" \
    "$(state hank "$T/hank.pem")"
check_eq "hold by ocsp, a good from before it replayed: hank rejected (defer)" "$REJ" \
    "$(answer hank "$T/hank.pem")"
stop "$SPID"

# A previous status database that is there but cannot be read (an
# in-place copy cut short) is not an empty history: refresh refuses and
# leaves it, or an old CRL served again would undo carol's revocation.
gencrl "$T/f6.crl"
CAROL="client carol cert=$PKI/carol.pem"
rm -f "$STATUS"
CLIENTS=$CAROL CRLSRC=$T/f6.crl conf crl
refresh
check_eq "unreadable history: carol revoked" "revoked	crl	keyCompromise" "$(state carol)"
head -c 200 "$STATUS" >"$T/status.cut"
cp "$T/status.cut" "$STATUS"
CLIENTS=$CAROL CRLSRC=$T/before.crl conf crl
refresh
check_eq "unreadable history: refresh fails" "exit 1" "$(tail -1 "$T/out")"
check "unreadable history: the message names the file and what to do" \
    grep -q "status database $STATUS: .*not refreshed .*move it away to start a new history" "$T/out"
check "unreadable history: the file is left as it was" cmp -s "$T/status.cut" "$STATUS"
check_eq "unreadable history: carol is not permitted (error action)" \
    "action=DEFER 4.3.0 Client certificate service unavailable" "$(answer carol)"
mv "$STATUS" "$T/status.moved"
CLIENTS=$CAROL CRLSRC=$T/f6.crl conf crl
refresh
check_eq "unreadable history moved away: a new history starts" "exit 0" "$(tail -1 "$T/out")"

# A client revoked in the source keeps the record of her CA's revocation:
# revoked= lifted again, with the CRL unreachable, she is still revoked.
CLIENTS="client carol cert=$PKI/carol.pem revoked=2026-01-01" CRLSRC=$T/f6.crl conf crl
refresh
check_eq "revoked= in the source: carol's CA revocation is kept" "revoked	crl	keyCompromise" "$(state carol)"
FAILURE=permit CLIENTS=$CAROL CRLSRC=$T/nowhere.crl conf crl
refresh
check_eq "revoked= lifted, the CRL unreachable: carol still revoked" "revoked	crl	keyCompromise" \
    "$(state carol)"
check_eq "revoked= lifted: carol rejected under revocation_failure = permit" "$REJ" "$(answer carol)"

# Another fingerprint_digest forgets nothing: the record is found under
# the digest it was made with and kept under the new one.
FAILURE=permit CLIENTS=$CAROL CRLSRC=$T/nowhere.crl conf crl
sed -i '1i fingerprint_digest = sha1' "$T/c.conf"
"$CERTPOLICY" -c "$T/c.conf" compile >"$T/compile.out" 2>&1 || fail "compile sha1" "$(cat "$T/compile.out")"
refresh
check_eq "fingerprint_digest sha256 -> sha1: carol's revocation kept under sha1" \
    "revoked	crl	keyCompromise" \
    "$(cdb -q "$STATUS" "s:$(fp_openssl carol.pem sha1)" 2>/dev/null | cut -f1,2,6)"

# A response with two SingleResponses for one certificate, "good" first
# and then "revoked" (RFC 6960 allows several; tests/tools/ocsp_twice signs
# it with the CA's key, since the openssl CLI cannot): the revocation wins.
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/jon.key" 2>/dev/null
openssl req -new -key "$T/jon.key" -subj "/CN=jon" -out "$T/jon.csr" -config ca.cnf 2>/dev/null
openssl ca -batch -config ca.cnf -in "$T/jon.csr" -out "$T/jon.pem" -notext -days 30 >/dev/null 2>&1
check "two answers for one certificate: the response is made" \
    "$BUILDDIR/tests/tools/ocsp_twice" "$T/jon.pem" ca.pem ca.pem ca.key "$T/jon-twice.der"
serve "$P_OCSP" "$SERVE" -p "$P_OCSP" -t application/ocsp-response "$T/jon-twice.der"
rm -f "$STATUS"
CLIENTS="client jon cert=$T/jon.pem" conf ocsp
refresh
check_eq "two answers for one certificate, good then revoked: jon revoked" \
    "revoked	ocsp	keyCompromise" "$(state jon "$T/jon.pem")"
check_eq "two answers for one certificate: jon rejected" "$REJ" "$(answer jon "$T/jon.pem")"
stop "$SPID"

# Also found: OCSP with only the issuing intermediate in client_ca_file.
I=$T/inter
mkdir -p "$I/newcerts"
: >"$I/index.txt"
echo 3000 >"$I/serial"
echo 3000 >"$I/crlnumber"
openssl req -x509 -new -newkey rsa:2048 -nodes -keyout "$T/root.key" -out "$T/root.pem" \
    -subj "/CN=Test Root CA" -days 3650 -config ca.cnf -extensions ca_ext 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout "$I/ca.key" -out "$I/ca.csr" \
    -subj "/CN=Test Intermediate CA" -config ca.cnf 2>/dev/null
openssl x509 -req -in "$I/ca.csr" -CA "$T/root.pem" -CAkey "$T/root.key" -CAcreateserial \
    -out "$I/ca.pem" -days 3650 -extfile ca.cnf -extensions ca_ext 2>/dev/null
sed "s|^dir = .*|dir = $I|" ca.cnf >"$I/ca.cnf"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/ivan.key" 2>/dev/null
openssl req -new -key "$T/ivan.key" -subj "/CN=ivan" -out "$T/ivan.csr" -config ca.cnf 2>/dev/null
openssl ca -batch -config "$I/ca.cnf" -in "$T/ivan.csr" -out "$T/ivan.pem" -notext -days 30 >/dev/null 2>&1
serve "$P_OCSP" openssl ocsp -index "$I/index.txt" -port "$P_OCSP" -rsigner "$I/ca.pem" -rkey "$I/ca.key" \
    -CA "$I/ca.pem" -nmin 10
rm -f "$STATUS"
CAFILE=$I/ca.pem CLIENTS="client ivan cert=$T/ivan.pem" conf ocsp
refresh
check_eq "intermediate-only client_ca_file: OCSP answers" "good	ocsp	" "$(state ivan "$T/ivan.pem")"
check_eq "intermediate-only client_ca_file: exit 0" "exit 0" "$(tail -1 "$T/out")"
check_eq "intermediate-only client_ca_file: ivan permitted" "action=OK" "$(answer ivan "$T/ivan.pem")"
stop "$SPID"

# Also found: unavailable_action may not permit.
cp "$T/db.cdb" "$T/db.before"
conf crl
sed -i 's/^revocation_failure = defer/&\nunavailable_action = OK/' "$T/c.conf"
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" compile
check "unavailable_action = OK is refused" grep -q "c.conf:[0-9]*: unavailable_action must not permit (OK)" "$T/out"
check_eq "unavailable_action = OK: exit 1" "exit 1" "$(tail -1 "$T/out")"

# A status database of format 1 (before the rules) is read, not misread.
CRLSRC=$T/nowhere.crl conf crl
now=$(date +%s)
{
    printf '+24,1:certpolicy:status-format->1\n'
    for who in alice carol; do
        key="s:$(fp_openssl "$who.pem" sha256)"
        if [ $who = carol ]; then
            val="revoked	crl	$((now - 60))	$((now + 3600))	$((now - 120))	keyCompromise"
        else
            val="good	crl	$((now - 60))	$((now + 3600))	-	"
        fi
        printf '+%d,%d:%s->%s\n' ${#key} ${#val} "$key" "$val"
    done
    echo
} | cdb -c "$STATUS"
check_eq "format 1 status database: carol rejected" "$REJ" "$(answer carol)"
check_eq "format 1 status database: alice permitted" "action=OK" "$(answer alice)"
refresh
check_eq "format 1 status database: refresh keeps carol's revocation" "revoked	crl	keyCompromise" "$(state carol)"
check_eq "format 1 status database: rewritten as format 2" "2" "$(cdb -q "$STATUS" certpolicy:status-format)"
