# The whole chain and CRLs as sites have them, against real parts: a root
# and an intermediate CA made with "openssl ca", the root's CRL and
# responder revoking the intermediate (as openssl verify -crl_check_all
# sees it), several CRLs in one crl_source file, PEM CRLs over http, a
# Microsoft-style ldap:// distribution point before the http:// one, and
# slow CRL sources fetched in parallel.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/revocation.sh"
CERTPOLICYD=$(certpolicyd_cmd)
SERVE=$BUILDDIR/tests/tools/http_serve
for p in P_RCRL P_ROCSP P_ICRL P_IOCSP P_H1 P_H2 P_H3; do
    free_port $p
done
rv_pki http://127.0.0.1:$P_RCRL/root.crl http://127.0.0.1:$P_ROCSP/
gencrl() {
    _out=$1
    shift
    openssl ca -config "${CNF:-ca.cnf}" -gencrl "$@" -out "$_out" >"$T/gencrl.log" 2>&1 \
        || fail "gencrl $_out" "$(cat "$T/gencrl.log")"
}

# The root (mkpki's CA) issues an intermediate; the intermediate issues
# the clients, with its own distribution point and responder.
cat >>ca.cnf <<CNF
[ inter_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
crlDistributionPoints = URI:http://127.0.0.1:$P_RCRL/root.crl
authorityInfoAccess = OCSP;URI:http://127.0.0.1:$P_ROCSP/
[ ms_ext ]
basicConstraints = CA:FALSE
extendedKeyUsage = clientAuth
crlDistributionPoints = URI:ldap://ldap.example/CN=Test%20Intermediate%20CA?certificateRevocationList, URI:http://127.0.0.1:$P_ICRL/inter.crl
[ ldaponly_ext ]
basicConstraints = CA:FALSE
extendedKeyUsage = clientAuth
crlDistributionPoints = URI:ldap://ldap.example/CN=Test%20Intermediate%20CA?certificateRevocationList
CNF
I=$T/inter
mkdir -p "$I/newcerts"
: >"$I/index.txt"
echo 4000 >"$I/serial"
echo 4000 >"$I/crlnumber"
openssl req -new -newkey rsa:2048 -nodes -keyout "$I/ca.key" -out "$I/ca.csr" \
    -subj "/CN=Test Intermediate CA" -config ca.cnf 2>/dev/null
openssl ca -batch -config ca.cnf -extensions inter_ext -in "$I/ca.csr" -out "$I/ca.pem" \
    -days 3650 -notext >/dev/null 2>&1
sed -e "s|^dir = .*|dir = $I|" -e "s|http://127.0.0.1:$P_RCRL/root.crl|http://127.0.0.1:$P_ICRL/inter.crl|" \
    -e "s|OCSP;URI:http://127.0.0.1:$P_ROCSP/|OCSP;URI:http://127.0.0.1:$P_IOCSP/|" ca.cnf >"$I/ca.cnf"
issue() {
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/$1.key" 2>/dev/null
    openssl req -new -key "$T/$1.key" -subj "/CN=$1" -out "$T/$1.csr" -config ca.cnf 2>/dev/null
    openssl ca -batch -config "$I/ca.cnf" -in "$T/$1.csr" -out "$T/$1.pem" -notext -days 30 \
        -extensions "${2:-client_ext}" >/dev/null 2>&1 || fail "issue $1" "openssl ca failed"
}
for who in ivy ian; do issue $who; done
issue leo ms_ext
issue lia ms_ext
issue lou ldaponly_ext
openssl ca -config "$I/ca.cnf" -revoke "$T/ian.pem" -crl_reason keyCompromise >/dev/null 2>&1
cat ca.pem "$I/ca.pem" >"$T/cas.pem"
gencrl "$T/root.crl"
CNF=$I/ca.cnf gencrl "$T/inter.crl"
check "the intermediate really chains to the root" \
    openssl verify -CAfile ca.pem -untrusted "$I/ca.pem" "$T/ivy.pem"

conf() {
    cat >"$T/c.conf" <<CONF
database = $T/db.cdb
status_database = $STATUS
client_ca_file = $T/cas.pem
revocation_check = $1
revocation_failure = ${FAILURE:-defer}
crl_source = ${CRLSRC:-}
fetch_timeout = 2s
fetch_concurrency = ${CONC:-8}
clock_skew = 60s
${CLIENTS:-client ivy cert=$T/ivy.pem
client ian cert=$T/ian.pem}
CONF
    "$CERTPOLICY" -c "$T/c.conf" compile >"$T/compile.out" 2>&1 || fail "compile" "$(cat "$T/compile.out")"
}
refresh() {
    run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" refresh
    cat "$T/out" >>"$T/refresh.log"
}
state() { cdb -q "$STATUS" "s:$(fp_openssl "$T/$1.pem" sha256)" 2>/dev/null | cut -f1,2,6,7; }
answer() {
    printf 'client_address=192.0.2.1\nccert_fingerprint=%s\n\n' "$(fp_openssl "$T/$1.pem" sha256)" \
        | "$CERTPOLICYD" -d "$T/db.cdb" -L "$T/d.log" | head -1
}

# Several CRLs in one crl_source file, in either order (the root's first,
# as HAProxy users keep them, or the intermediate's first).
cat "$T/root.crl" "$T/inter.crl" >"$T/root-inter.pem"
cat "$T/inter.crl" "$T/root.crl" >"$T/inter-root.pem"
for order in root-inter inter-root; do
    rm -f "$STATUS"
    CRLSRC=$T/$order.pem conf crl
    refresh
    check_eq "several CRLs in one file ($order): ivy good" "good	crl		0" "$(state ivy)"
    check_eq "several CRLs in one file ($order): ian revoked" "revoked	crl	keyCompromise	0" "$(state ian)"
    check_eq "several CRLs in one file ($order): exit 0" "exit 0" "$(tail -1 "$T/out")"
done

# A file of several CRLs whose last one is cut short (a partial copy): the
# file is refused, naming the cut CRL, never read as a shorter list; a
# source that failed is not counted as fetched.
{ cat "$T/root.crl"; head -c 300 "$T/inter.crl"; } >"$T/cut.pem"
CRLSRC="$T/cut.pem, http://127.0.0.1:1/nothing.crl" conf crl
refresh
check "a cut CRL in a file: named" \
    grep -q "crl $T/cut.pem: CRL 2 of the PEM data is cut short or malformed" "$T/out"
check "a cut CRL in a file: neither source counted as fetched" grep -q "; 0 CRLs fetched$" "$T/out"
check_eq "a cut CRL in a file: ian keeps his revocation" "revoked	crl	keyCompromise	0" "$(state ian)"

# PEM CRLs over http, from the distribution points (the intermediate's for
# the clients, the root's for the intermediate).
serve "$P_RCRL" "$SERVE" -p "$P_RCRL" "$T/root.crl"
RCRLPID=$SPID
serve "$P_ICRL" "$SERVE" -p "$P_ICRL" "$T/inter.crl"
ICRLPID=$SPID
rm -f "$STATUS"
conf crl
refresh
check_eq "PEM CRLs over http: exit 0" "exit 0" "$(tail -1 "$T/out")"
check_eq "PEM CRLs over http: ivy good" "good	crl		0" "$(state ivy)"
check_eq "PEM CRLs over http: ian revoked" "revoked	crl	keyCompromise	0" "$(state ian)"
check "PEM CRLs over http: both CRLs fetched once" grep -q "; 2 CRLs fetched$" "$T/out"

# A Microsoft CA's distribution points: ldap:// first, http:// second.
# Decisions as usual, one warning per run for the ldap point, no error,
# and only fetched CRLs counted. A certificate with only an ldap point is
# an error.
rm -f "$STATUS"
CLIENTS="client leo cert=$T/leo.pem
client lia cert=$T/lia.pem" conf crl
refresh
check_eq "ldap:// then http://: exit 0" "exit 0" "$(tail -1 "$T/out")"
check_eq "ldap:// then http://: leo good" "good	crl		0" "$(state leo)"
check_eq "ldap:// then http://: one warning for two certificates" "1" \
    "$(grep -c 'crl distribution point ldap://ldap.example/.* skipped: only http:// is fetched' "$T/out")"
check_not "ldap:// then http://: no error line" grep -v -e warning -e refreshed -e '^exit' "$T/out"
check "ldap:// then http://: 2 CRLs fetched (the ldap point is not counted)" grep -q "; 2 CRLs fetched$" "$T/out"
CLIENTS="client lou cert=$T/lou.pem" conf crl
refresh
check "only an ldap:// point: an error naming it" \
    grep -q "client lou (serial [0-9A-F]*): crl: no http:// CRL distribution point (ldap://ldap.example/" "$T/out"
check_eq "only an ldap:// point: exit 1" "exit 1" "$(tail -1 "$T/out")"

# The whole chain: the root revokes the intermediate (cACompromise).
openssl ca -config ca.cnf -revoke "$I/ca.pem" -crl_reason CACompromise >/dev/null 2>&1
gencrl "$T/root-revoked.crl"
openssl crl -in "$T/root-revoked.crl" -out "$T/root-revoked.der" -outform DER
cat "$T/root-revoked.crl" "$T/inter.crl" >"$T/chain-revoked.pem"
check_not "openssl verify -crl_check_all refuses ivy (the intermediate is revoked)" \
    openssl verify -crl_check_all -CAfile ca.pem -untrusted "$I/ca.pem" -CRLfile "$T/chain-revoked.pem" "$T/ivy.pem"
rm -f "$STATUS"
CRLSRC=$T/chain-revoked.pem conf crl
refresh
check_eq "chain: ivy revoked through its intermediate, at depth 1" "revoked	crl	cACompromise	1" "$(state ivy)"
check_eq "chain: ivy rejected" "$REJ" "$(answer ivy)"
check "chain: certpolicyd's log names the depth" \
    grep -q 'name=ivy outcome=revoked .*reason="its issuing CA at depth 1 revoked (crl: cACompromise)"' "$T/d.log"
"$CERTPOLICY" -c "$T/c.conf" query --cert "$T/ivy.pem" >"$T/q" 2>&1
check "chain: query shows the depth" \
    grep -q '^revocation: revoked by crl on [0-9T:Z-]* (cACompromise) (its issuer at depth 1)$' "$T/q"
stop "$RCRLPID"
serve "$P_RCRL" "$SERVE" -p "$P_RCRL" "$T/root-revoked.der"
RCRLPID=$SPID
rm -f "$STATUS"
conf crl
refresh
check_eq "chain, from the intermediate's own distribution point: ivy revoked at depth 1" \
    "revoked	crl	cACompromise	1" "$(state ivy)"
check "chain: the root's CRL is fetched once for both clients" grep -q "; 2 CRLs fetched$" "$T/out"
stop "$RCRLPID"

# An intermediate whose status cannot be had makes its clients unavailable.
rm -f "$STATUS"
CRLSRC=$T/inter.crl conf crl
refresh
check "chain: no CRL for the intermediate: said once, for the CA" \
    test "$(grep -c '^certpolicy: CA /CN=Test Intermediate CA: crl crl_source: no CRL of its issuer' "$T/out")" = 1
check "chain: each client says why" \
    grep -q "client ivy (serial [0-9A-F]*): no status for its issuing CA at depth 1" "$T/out"
check_eq "chain: ivy unavailable" "$DEF" "$(answer ivy)"
check_eq "chain: ian revoked itself all the same" "$REJ" "$(answer ian)"

# Revoked comes before unavailable: a client's own verified hold counts
# though its issuing CA's status cannot be had (no CRL of the root at
# hand), whether the client was good before or had no status, and under
# revocation_failure = permit too. The CA's failure only leaves a good
# client without a status.
issue hal
CNF=$I/ca.cnf gencrl "$T/inter-hal-good.crl"
openssl ca -config "$I/ca.cnf" -revoke "$T/hal.pem" -crl_hold holdInstructionReject >/dev/null 2>&1
CNF=$I/ca.cnf gencrl "$T/inter-hal-held.crl"
HAL="client ivy cert=$T/ivy.pem
client hal cert=$T/hal.pem"
rm -f "$STATUS"
CLIENTS=$HAL CRLSRC="$T/root.crl, $T/inter-hal-good.crl" conf crl
refresh
check_eq "own hold, CA without status: hal good at first" "good	crl		0" "$(state hal)"
for failure in defer permit; do
    [ $failure = permit ] && rm -f "$STATUS"
    FAILURE=$failure CLIENTS=$HAL CRLSRC=$T/inter-hal-held.crl conf crl
    refresh
    check_eq "own hold by crl, CA without status ($failure): hal on hold" "revoked	crl	certificateHold	0" \
        "$(state hal)"
    check_eq "own hold by crl, CA without status ($failure): hal rejected" "$REJ" "$(answer hal)"
    check "own hold by crl, CA without status ($failure): says the CA has none" \
        grep -q "client hal (serial [0-9A-F]*): no status for its issuing CA at depth 1" "$T/out"
    check_eq "own hold by crl, CA without status ($failure): exit 1" "exit 1" "$(tail -1 "$T/out")"
done
check_eq "own hold by crl, CA without status: ivy (good) has no status" "" "$(state ivy)"

# The whole chain by OCSP: the root's responder answers for the
# intermediate (from the intermediate's AIA), the intermediate's for the
# clients.
serve "$P_ROCSP" openssl ocsp -index index.txt -port "$P_ROCSP" -rsigner ca.pem -rkey ca.key -CA ca.pem -nmin 10
ROCSPPID=$SPID
serve "$P_IOCSP" openssl ocsp -index "$I/index.txt" -port "$P_IOCSP" -rsigner "$I/ca.pem" -rkey "$I/ca.key" \
    -CA "$I/ca.pem" -nmin 10
IOCSPPID=$SPID
rm -f "$STATUS"
conf ocsp
refresh
check_eq "chain by ocsp: ivy revoked through its intermediate" "revoked	ocsp	cACompromise	1" "$(state ivy)"
check_eq "chain by ocsp: ivy rejected" "$REJ" "$(answer ivy)"
stop "$ROCSPPID"
rm -f "$STATUS"
FAILURE=permit CLIENTS=$HAL conf ocsp
refresh
check_eq "own hold by ocsp, the root's responder down (permit): hal on hold" \
    "revoked	ocsp	certificateHold	0" "$(state hal)"
check_eq "own hold by ocsp, the root's responder down (permit): hal rejected" "$REJ" "$(answer hal)"
check_eq "own hold by ocsp, the root's responder down (permit): ivy has no status" "" "$(state ivy)"
stop "$IOCSPPID"

# CRL sources are fetched in parallel: three that never answer cost one
# fetch_timeout (2s), not three one after the other (6s); the certificates
# are answered by the fourth.
for p in "$P_H1" "$P_H2" "$P_H3"; do serve "$p" "$SERVE" -p "$p" -m hang; done
rm -f "$STATUS"
CONC=4 CRLSRC="http://127.0.0.1:$P_H1/a.crl, http://127.0.0.1:$P_H2/b.crl, http://127.0.0.1:$P_H3/c.crl, $T/root-inter.pem" \
    conf crl
start=$(date +%s)
refresh
elapsed=$(( $(date +%s) - start ))
check "parallel CRL fetches: three hung sources end together (${elapsed}s, one after another 6s)" \
    test "$elapsed" -lt 5
check_eq "parallel CRL fetches: ivy answered by the file" "good	crl		0" "$(state ivy)"
check "parallel CRL fetches: each hung source reported" grep -q "crl http://127.0.0.1:$P_H3/c.crl: .*timeout" "$T/out"

# At most 16 CAs (STATUSREC_DEPTH_MAX) are checked above a client: a chain
# of 16 intermediates under the root is checked whole, one of 17 is
# refused with the limit named.
stop "$SPID"
L=$T/long
mkdir -p "$L"
: >"$L/index.txt"
sed -e "s|^dir = .*|dir = $L|" -e "s|^database = .*|database = $L/index.txt|" ca.cnf >"$L/ca.cnf"
echo 1000 >"$L/crlnumber"
prev_cert=ca.pem prev_key=ca.key
cp "$T/root.crl" "$L/crls.pem"
: >"$L/cas.pem"
cat ca.pem >>"$L/cas.pem"
i=1
while [ $i -le 17 ]; do
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$L/i$i.key" \
        -out "$L/i$i.csr" -subj "/CN=Level $i CA" -config ca.cnf 2>/dev/null
    openssl x509 -req -in "$L/i$i.csr" -CA "$prev_cert" -CAkey "$prev_key" -set_serial $((5000 + i)) \
        -out "$L/i$i.pem" -days 30 -extfile ca.cnf -extensions ca_ext 2>/dev/null
    openssl ca -config "$L/ca.cnf" -gencrl -keyfile "$L/i$i.key" -cert "$L/i$i.pem" >>"$L/crls.pem" 2>/dev/null
    cat "$L/i$i.pem" >>"$L/cas.pem"
    prev_cert=$L/i$i.pem prev_key=$L/i$i.key
    i=$((i + 1))
done
for top in 16 17; do
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$L/c$top.key" 2>/dev/null
    openssl req -new -key "$L/c$top.key" -subj "/CN=c$top" -out "$L/c$top.csr" -config ca.cnf 2>/dev/null
    openssl x509 -req -in "$L/c$top.csr" -CA "$L/i$top.pem" -CAkey "$L/i$top.key" -set_serial 77 \
        -out "$T/c$top.pem" -days 30 2>/dev/null
done
rm -f "$STATUS"
CLIENTS="client c16 cert=$T/c16.pem
client c17 cert=$T/c17.pem" CRLSRC=$L/crls.pem conf crl
sed -i "s|^client_ca_file = .*|client_ca_file = $L/cas.pem|" "$T/c.conf"
"$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
refresh
check_eq "16 CAs above a client: all checked, good" "good	crl		0" "$(state c16)"
check "17 CAs above a client: refused, naming the limit" \
    grep -q "client c17 (serial 4D): more than 16 CAs above it before the trust anchor (the limit)" "$T/out"
check_eq "17 CAs above a client: no status" "" "$(state c17)"

# A verdict about an intermediate is judged against what was recorded for
# that CA certificate, never against its clients' own statuses: the root's
# CRL and the intermediate's are different lists with their own clocks.
# Another intermediate, "Test Held CA", put on hold by the root and
# released; its own CRLs are made 20 minutes ago and now.
H=$T/held
mkdir -p "$H/newcerts"
: >"$H/index.txt"
echo 5000 >"$H/serial"
echo 5000 >"$H/crlnumber"
openssl req -new -newkey rsa:2048 -nodes -keyout "$H/ca.key" -out "$H/ca.csr" \
    -subj "/CN=Test Held CA" -config ca.cnf 2>/dev/null
openssl ca -batch -config ca.cnf -extensions inter_ext -in "$H/ca.csr" -out "$H/ca.pem" \
    -days 3650 -notext >/dev/null 2>&1
sed -e "s|^dir = .*|dir = $H|" ca.cnf >"$H/ca.cnf"
for who in hal hal2; do
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$T/$who.key" 2>/dev/null
    openssl req -new -key "$T/$who.key" -subj "/CN=$who" -out "$T/$who.csr" -config ca.cnf 2>/dev/null
    openssl ca -batch -config "$H/ca.cnf" -in "$T/$who.csr" -out "$T/$who.pem" -notext -days 30 \
        >/dev/null 2>&1 || fail "issue $who" "openssl ca failed"
done
cat ca.pem "$H/ca.pem" >"$T/held-cas.pem"
stamp() { date -u -d "$1" +%Y%m%d%H%M%SZ; }
CNF=$H/ca.cnf gencrl "$T/held-old.crl" -crl_lastupdate "$(stamp '20 minutes ago')" -crl_nextupdate "$(stamp '7 days')"
CNF=$H/ca.cnf gencrl "$T/held-new.crl"
gencrl "$T/r0.crl" -crl_lastupdate "$(stamp '30 minutes ago')" -crl_nextupdate "$(stamp '7 days')"
openssl ca -config ca.cnf -revoke "$H/ca.pem" -crl_hold holdInstructionReject >/dev/null 2>&1
gencrl "$T/r1.crl" -crl_lastupdate "$(stamp '10 minutes ago')" -crl_nextupdate "$(stamp '7 days')"
hserial=$(openssl x509 -in "$H/ca.pem" -noout -serial | cut -d= -f2)
awk -F '\t' -v OFS='\t' -v s="$hserial" '$4 == s { $1 = "V"; $3 = "" } 1' index.txt >"$T/index.released"
cp "$T/index.released" index.txt
gencrl "$T/r2.crl" -crl_lastupdate "$(stamp '2 minutes ago')" -crl_nextupdate "$(stamp '7 days')"
held() { # ROOTCRL OWNCRL - refresh hal with these two CRLs
    cat "$T/$1.crl" "$T/$2.crl" >"$T/held-src.pem"
    CLIENTS="client hal cert=$T/hal.pem" CRLSRC=$T/held-src.pem conf crl
    sed -i "s|^client_ca_file = .*|client_ca_file = $T/held-cas.pem|" "$T/c.conf"
    "$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
    refresh
}
capath() { cdb -q "$STATUS" "c:$(fp_openssl "$H/ca.pem" sha256)" 2>/dev/null | cut -f1,2,6; }

# Its own CRL newer than the root's that holds its CA: hal is held all the same.
rm -f "$STATUS"
held r0 held-new
check_eq "chain hold: before the hold, hal good" "good	crl		0" "$(state hal)"
held r1 held-new
check_eq "chain hold: a root CRL older than hal's own one holds its CA: hal held at depth 1" \
    "revoked	crl	certificateHold	1" "$(state hal)"
check_eq "chain hold: hal rejected" "$REJ" "$(answer hal)"
check_eq "chain hold: the CA's own status is recorded" "revoked	crl	certificateHold" "$(capath)"
held r0 held-new
check_eq "chain hold: the root's CRL from before the hold, served again: refused (cRLNumber)" \
    "revoked	crl	certificateHold	1" "$(state hal)"

# Released by a newer root CRL while hal's own CRL is older than the hold: released.
rm -f "$STATUS"
held r1 held-old
check_eq "chain release: hal held at depth 1" "revoked	crl	certificateHold	1" "$(state hal)"
held r2 held-old
check_eq "chain release: a newer root CRL releases the CA: hal good" "good	crl		0" "$(state hal)"
check_eq "chain release: hal permitted" "action=OK" "$(answer hal)"
check_eq "chain release: the CA's own status is good" "good	crl	" "$(capath)"

# By OCSP: the root's responder revokes the CA; a "good" for the CA captured
# before (no nonce, from a responder whose clock ran 10 minutes behind) is
# served again, and hal2 is enrolled under the CA: both stay revoked.
serve "$P_ROCSP" env LD_PRELOAD="$BUILDDIR/tests/tools/fakeclock.so" CERTPOLICY_TEST_CLOCK=-600 \
    openssl ocsp -index index.txt -port "$P_ROCSP" -rsigner ca.pem -rkey ca.key -CA ca.pem -nmin 60
openssl ocsp -issuer ca.pem -cert "$H/ca.pem" -url "http://127.0.0.1:$P_ROCSP/" -no_nonce \
    -respout "$T/held-good.der" >/dev/null 2>&1
stop "$SPID"
check "ca by ocsp: a good response for the CA was captured" test -s "$T/held-good.der"
openssl ca -config ca.cnf -revoke "$H/ca.pem" -crl_reason keyCompromise >/dev/null 2>&1
serve "$P_ROCSP" openssl ocsp -index index.txt -port "$P_ROCSP" -rsigner ca.pem -rkey ca.key -CA ca.pem -nmin 60
rm -f "$STATUS"
CLIENTS="client hal cert=$T/hal.pem" conf ocsp
sed -i "s|^client_ca_file = .*|client_ca_file = $T/held-cas.pem|" "$T/c.conf"
"$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
refresh
check_eq "ca by ocsp: hal revoked through its CA" "revoked	ocsp	keyCompromise	1" "$(state hal)"
check_eq "ca by ocsp: the CA's revocation is recorded" "revoked	ocsp	keyCompromise" "$(capath)"
stop "$SPID"
serve "$P_ROCSP" "$SERVE" -p "$P_ROCSP" -t application/ocsp-response "$T/held-good.der"
CLIENTS="client hal cert=$T/hal.pem
client hal2 cert=$T/hal2.pem" conf ocsp
sed -i "s|^client_ca_file = .*|client_ca_file = $T/held-cas.pem|" "$T/c.conf"
"$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
refresh
check "ca by ocsp, the captured good replayed: refused, said so" \
    grep -q "CA .*Test Held CA: status -: refused \"good by ocsp .*a revocation is final" "$T/out"
check_eq "ca by ocsp, the captured good replayed: the CA stays revoked" "revoked	ocsp	keyCompromise" "$(capath)"
check_eq "ca by ocsp, replayed: hal2, enrolled since, revoked through its CA" \
    "revoked	ocsp	keyCompromise	1" "$(state hal2)"
check_eq "ca by ocsp, replayed: hal2 rejected" "$REJ" "$(answer hal2)"
