# The rules of "What a status may become" about which CRLs and OCSP answers
# count for a certificate, against real parts: "Only complete CRLs" (CRLs
# from "openssl ca -gencrl": delta, ARL, scoped by an Issuing Distribution
# Point, with unknown critical extensions, 64 and 65 in one source, several
# of one issuer, an old one served again) and "Issuers are keys" (a CA key
# rollover, by CRL and by "openssl ocsp" responders, and an
# intermediate-only client_ca_file). The other rules are
# 87-revocation-rules. After each step the tests look at status.cdb per
# certificate and at certpolicyd's answer.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/revocation.sh"
rv_rules

# carol revoked, and two CRLs of the CA: one from before her revocation
# (an hour old, a week to live) and the newer one that lists her.
gencrl "$T/before.crl" -crl_lastupdate "$(stamp '1 hour ago')" -crl_nextupdate "$(stamp '7 days')"
revoke carol.pem -crl_reason keyCompromise
gencrl "$T/carol.crl"

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
