# Certificate files as administrators have them, made with the openssl CLI:
# a chain in any order (CA first, as openssl pkcs7 -print_certs writes it),
# .p7b in DER and PEM, "Bag Attributes" text, CRLF, a UTF-8 byte order
# mark, legacy PKCS#12 (RC2-40, 3DES). Every reader (fingerprint, cert=,
# enroll, query --cert) takes the end-entity certificate; a CA certificate
# is never enrolled; unrelated certificates in one file are refused.
. "$SRCDIR/tests/lib.sh"
pki
postfix_config
F=$T/files
mkdir -p "$F"
ALICE=$(fp_openssl "$PKI/alice.pem" sha256)
ALICE_PUB=$(pubfp_openssl "$PKI/alice.pem" sha256)

# An intermediate CA under the test CA, and a client under it.
cat >"$F/ext.cnf" <<'CNF'
[ inter ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
[ leaf ]
basicConstraints = CA:FALSE
extendedKeyUsage = clientAuth
CNF
openssl req -new -newkey rsa:2048 -nodes -keyout "$F/inter.key" -subj "/CN=Test Intermediate" \
    -out "$F/inter.csr" 2>/dev/null
openssl x509 -req -in "$F/inter.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -set_serial 77 \
    -days 30 -extfile "$F/ext.cnf" -extensions inter -out "$F/inter.pem" 2>/dev/null
openssl req -new -newkey rsa:2048 -nodes -keyout "$F/hank.key" -subj "/CN=hank" \
    -out "$F/hank.csr" 2>/dev/null
openssl x509 -req -in "$F/hank.csr" -CA "$F/inter.pem" -CAkey "$F/inter.key" -set_serial 78 \
    -days 30 -extfile "$F/ext.cnf" -extensions leaf -out "$F/hank.pem" 2>/dev/null
HANK=$(fp_openssl "$F/hank.pem" sha256)

# The shapes of one certificate (alice) and of a chain (hank).
openssl crl2pkcs7 -nocrl -certfile "$PKI/ca.pem" -certfile "$PKI/alice.pem" -outform DER -out "$F/alice.p7b"
openssl crl2pkcs7 -nocrl -certfile "$PKI/ca.pem" -certfile "$PKI/alice.pem" -out "$F/alice-pem.p7b"
openssl pkcs7 -in "$F/alice-pem.p7b" -print_certs -out "$F/alice-printcerts.pem"
openssl pkcs12 -in "$PKI/alice.p12" -passin pass: -nokeys -out "$F/alice-bags.pem" 2>/dev/null
sed 's/$/\r/' "$PKI/alice.pem" >"$F/alice-crlf.pem"
{ printf '\357\273\277'; cat "$F/alice-crlf.pem"; } >"$F/alice-bom.pem"
cat "$PKI/ca.pem" "$F/hank.pem" "$F/inter.pem" >"$F/hank-scrambled.pem"
cat "$F/inter.pem" "$PKI/ca.pem" "$F/hank.pem" "$PKI/ca.pem" >"$F/hank-repeated.pem"
openssl crl2pkcs7 -nocrl -certfile "$F/inter.pem" -certfile "$PKI/ca.pem" -certfile "$F/hank.pem" \
    -outform DER -out "$F/hank.p7b"
echo 'a message' | openssl cms -sign -signer "$PKI/alice.pem" -inkey "$PKI/alice.key" \
    -certfile "$PKI/ca.pem" -outform PEM -out "$F/alice-cms.pem"
echo 'export password' >"$F/pass"
openssl pkcs12 -export -legacy -in "$PKI/alice.pem" -inkey "$PKI/alice.key" -certfile "$PKI/ca.pem" \
    -passout "file:$F/pass" -out "$F/alice-legacy.pfx"
openssl pkcs12 -export -legacy -certpbe PBE-SHA1-RC2-40 -keypbe PBE-SHA1-3DES -in "$PKI/alice.pem" \
    -inkey "$PKI/alice.key" -passout "file:$F/pass" -out "$F/alice-rc2.pfx"
check "the legacy .pfx is RC2-40 encrypted" sh -c \
    "openssl pkcs12 -legacy -in '$F/alice-rc2.pfx' -passin 'file:$F/pass' -info -noout 2>&1 | grep -q 'pbeWithSHA1And40BitRC2-CBC'"

for f in alice.p7b alice-pem.p7b alice-printcerts.pem alice-bags.pem alice-crlf.pem alice-bom.pem \
    alice-cms.pem alice-legacy.pfx alice-rc2.pfx; do
    opts=
    case $f in *.pfx) opts="--password-file $F/pass" ;; esac
    # shellcheck disable=SC2086
    run_capture "$T/out" "$CERTPOLICY" fingerprint $opts "$F/$f"
    check_golden "fingerprint $f: alice's certificate" /dev/stdin "$T/out" <<OUT
$F/$f: fingerprint sha256 $ALICE
$F/$f: pubkey_fingerprint sha256 $ALICE_PUB
exit 0
OUT
done
for f in hank-scrambled.pem hank-repeated.pem hank.p7b; do
    "$CERTPOLICY" fingerprint "$F/$f" >"$T/out" 2>&1
    check_eq "fingerprint $f: the end-entity certificate of the chain" \
        "$F/$f: fingerprint sha256 $HANK" "$(head -1 "$T/out")"
done

# Legacy PKCS#12 without OpenSSL's legacy provider: that is what is said,
# not a wrong password; a wrong password is still one.
mkdir -p "$T/no-modules"
run_capture "$T/out" env OPENSSL_MODULES="$T/no-modules" "$CERTPOLICY" fingerprint \
    --password-file "$F/pass" "$F/alice-rc2.pfx"
check "legacy .pfx, no legacy provider: says the provider is missing" \
    grep -q "alice-rc2.pfx: cannot decrypt the PKCS#12 file: OpenSSL's legacy provider, needed for the RC2 and 3DES encryption of older exports, cannot be loaded (.*legacy.*RC2-40-CBC" "$T/out"
check_not "legacy .pfx, no legacy provider: no word of a password" grep -q "password" "$T/out"
echo wrong >"$T/wrong"
run_capture "$T/out" "$CERTPOLICY" fingerprint --password-file "$T/wrong" "$F/alice-rc2.pfx"
check_golden "legacy .pfx, wrong password: says so" /dev/stdin "$T/out" <<OUT
certpolicy: $F/alice-rc2.pfx: cannot open the PKCS#12 file with that password: mac verify failure
exit 1
OUT

# Unrelated certificates in one file: refused, naming their subjects. A
# CA beside a client certificate gives way to it.
cat "$PKI/alice.pem" "$PKI/bob.pem" >"$F/two.pem"
run_capture "$T/out" "$CERTPOLICY" fingerprint "$F/two.pem"
check_golden "two unrelated clients in one file: refused with both subjects" /dev/stdin "$T/out" <<OUT
certpolicy: $F/two.pem: holds 2 unrelated end-entity certificates ("CN=alice", "CN=bob"): put each in a file of its own
exit 1
OUT
cat "$F/inter.pem" "$PKI/alice.pem" >"$F/alice-other-ca.pem"
"$CERTPOLICY" fingerprint "$F/alice-other-ca.pem" >"$T/out" 2>&1
check_eq "a client beside a CA it does not belong to: the client" \
    "$F/alice-other-ca.pem: fingerprint sha256 $ALICE" "$(head -1 "$T/out")"

# cert= and enroll: the end-entity certificate is what gets enrolled; a CA
# certificate (alone, or a CA-only chain) never is.
OUT=$T/out.d
mkdir -p "$OUT"
cat >"$T/c.conf" <<CONF
database = $OUT/certpolicy.cdb
relay_clientcerts = cdb:$OUT/relay_clientcerts
client hank cert=$F/hank-scrambled.pem
CONF
check "compile: cert= a scrambled chain" "$CERTPOLICY" -c "$T/c.conf" compile
check_eq "compile: hank's own fingerprint is in the relay map" hank \
    "$(postmap -q "$(echo "$HANK" | tr A-F a-f)" "cdb:$OUT/relay_clientcerts")"
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" enroll alice "$F/alice-printcerts.pem"
check_eq "enroll a CA-first chain (pkcs7 -print_certs): exit 0" "exit 0" "$(tail -1 "$T/out")"
check_eq "enroll a CA-first chain: alice's fingerprint is in the relay map" alice \
    "$(postmap -q "$(echo "$ALICE" | tr A-F a-f)" "cdb:$OUT/relay_clientcerts")"
check_eq "enroll a CA-first chain: the CA's fingerprint is not" "" \
    "$(postmap -q "$(fp_openssl "$PKI/ca.pem" sha256 | tr A-F a-f)" "cdb:$OUT/relay_clientcerts")"
"$CERTPOLICY" -c "$T/c.conf" query --cert "$F/alice.p7b" >"$T/out" 2>&1
check "query --cert a .p7b: permit for alice" grep -qx "outcome: permit" "$T/out"
cp "$T/c.conf" "$T/before.conf"
sums "$OUT" >"$T/before.sums"
cat "$PKI/ca.pem" "$F/inter.pem" >"$F/cas.pem"
for f in "$PKI/ca.pem" "$F/cas.pem"; do
    run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" enroll ivan "$f"
    check "enroll $(basename "$f"): refused as a CA certificate" \
        grep -q "client ivan: cert=$f: CN=Test .* is a CA certificate (basicConstraints CA:TRUE), never a client's" "$T/out"
    check_eq "enroll $(basename "$f"): exit 1" "exit 1" "$(tail -1 "$T/out")"
    check_golden "enroll $(basename "$f"): the source is unchanged" "$T/before.conf" "$T/c.conf"
    sums "$OUT" >"$T/after.sums"
    check_golden "enroll $(basename "$f"): the outputs are unchanged" "$T/before.sums" "$T/after.sums"
done
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" enroll ivan "$F/two.pem"
check "enroll two unrelated clients in one file: refused with their subjects" \
    grep -q "holds 2 unrelated end-entity certificates (\"CN=alice\", \"CN=bob\")" "$T/out"

# A source file saved with a byte order mark (and CRLF): it parses, and
# enroll keeps the mark and every other byte.
{ printf '\357\273\277# saved by a Windows editor\r\n'; printf 'database = %s\r\n' "$OUT/bom.cdb"; } >"$T/bom.conf"
cp "$T/bom.conf" "$T/bom.before"
run_capture "$T/out" "$CERTPOLICY" -c "$T/bom.conf" enroll alice "$PKI/alice.pem"
check_eq "enroll into a file with a byte order mark: exit 0" "exit 0" "$(tail -1 "$T/out")"
check_eq "enroll into a file with a byte order mark: the file starts as before" \
    "$(od -An -tx1 -N32 "$T/bom.before")" "$(od -An -tx1 -N32 "$T/bom.conf")"
check "enroll into a file with a byte order mark: alice's line is there" \
    grep -q "^client alice cert=$PKI/alice.pem" "$T/bom.conf"

# A certificate signed with a client's key is not issued by that client:
# only a CA issues. hank's certificate (CA:FALSE, no keyUsage) and one
# made with hank's key are two end-entity certificates, not a chain that
# ends in the second.
openssl req -new -newkey rsa:2048 -nodes -keyout "$F/mallory.key" -subj "/CN=mallory" \
    -out "$F/mallory.csr" 2>/dev/null
openssl x509 -req -in "$F/mallory.csr" -CA "$F/hank.pem" -CAkey "$F/hank.key" -set_serial 79 \
    -days 30 -extfile "$F/ext.cnf" -extensions leaf -out "$F/mallory.pem" 2>/dev/null
check "mallory's certificate names hank as its issuer" sh -c \
    "openssl x509 -in '$F/mallory.pem' -noout -issuer | grep -q 'CN *= *hank'"
cat "$F/inter.pem" "$F/hank.pem" "$F/mallory.pem" >"$F/hank-mallory.pem"
run_capture "$T/out" "$CERTPOLICY" fingerprint "$F/hank-mallory.pem"
check_golden "a certificate signed with a client's key: not a chain, both named" /dev/stdin "$T/out" <<OUT
certpolicy: $F/hank-mallory.pem: holds 2 unrelated end-entity certificates ("CN=hank", "CN=mallory"): put each in a file of its own
exit 1
OUT
cp "$T/c.conf" "$T/before.conf"
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" enroll henry "$F/hank-mallory.pem"
check_eq "enroll with mallory's certificate under hank's: exit 1" "exit 1" "$(tail -1 "$T/out")"
check_golden "enroll with mallory's certificate under hank's: the source is unchanged" \
    "$T/before.conf" "$T/c.conf"

# A self-signed version 1 certificate (no extensions at all, as old
# HOWTOs make a CA with openssl x509 -signkey) is a CA to OpenSSL: never
# a client; a chain under it yields its client.
openssl req -new -newkey rsa:2048 -nodes -keyout "$F/v1ca.key" -subj "/CN=Old V1 CA" \
    -out "$F/v1ca.csr" 2>/dev/null
openssl x509 -req -in "$F/v1ca.csr" -signkey "$F/v1ca.key" -days 30 -out "$F/v1ca.pem" 2>/dev/null
openssl x509 -req -in "$F/mallory.csr" -CA "$F/v1ca.pem" -CAkey "$F/v1ca.key" -set_serial 80 \
    -days 30 -out "$F/v1leaf.pem" 2>/dev/null
if openssl x509 -in "$F/v1ca.pem" -noout -text | grep -q 'Version: 1 '; then
    check "the old CA is a version 1 certificate" sh -c \
        "openssl x509 -in '$F/v1ca.pem' -noout -text | grep -q 'Version: 1 '"
    run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" enroll ivan "$F/v1ca.pem"
    check "enroll a self-signed version 1 CA: refused as a CA certificate" \
        grep -q "client ivan: cert=$F/v1ca.pem: CN=Old V1 CA is a CA certificate (a self-signed version 1 certificate, which OpenSSL takes for a CA), never a client's" "$T/out"
    check_eq "enroll a self-signed version 1 CA: exit 1" "exit 1" "$(tail -1 "$T/out")"
    check_golden "enroll a self-signed version 1 CA: the source is unchanged" "$T/before.conf" "$T/c.conf"
    cat "$F/v1ca.pem" "$F/v1leaf.pem" >"$F/v1chain.pem"
    "$CERTPOLICY" fingerprint "$F/v1chain.pem" >"$T/out" 2>&1
    check_eq "a chain under a version 1 CA: its client's certificate" \
        "$F/v1chain.pem: fingerprint sha256 $(fp_openssl "$F/v1leaf.pem" sha256)" "$(head -1 "$T/out")"
else
    skip "a self-signed version 1 CA" "$(openssl version | cut -d' ' -f1-2) makes version 3 certificates with openssl x509 -req"
fi

# A corrupt or cut PEM block is an error that names it, never the silent
# end of the file (which would leave the chain's first certificate as
# "the" certificate): a copy cut short, a line damaged by an editor.
cat "$F/inter.pem" "$F/hank.pem" >"$F/hank-chain.pem"
head -c "$(($(wc -c <"$F/inter.pem") + 300))" "$F/hank-chain.pem" >"$F/cut.pem"
run_capture "$T/out" "$CERTPOLICY" fingerprint "$F/cut.pem"
check_golden "a chain cut in its second block: that block is named" /dev/stdin "$T/out" <<OUT
certpolicy: $F/cut.pem: PEM block 2 (CERTIFICATE) is corrupt or truncated: error:04800066:PEM routines::bad end line
exit 1
OUT
sed '3s/^..../!!!!/' "$F/hank-chain.pem" >"$F/bad-first.pem"
run_capture "$T/out" "$CERTPOLICY" fingerprint "$F/bad-first.pem"
check_golden "a damaged first block: named, not \"no certificate\"" /dev/stdin "$T/out" <<OUT
certpolicy: $F/bad-first.pem: PEM block 1 (CERTIFICATE) is corrupt or truncated: error:04800064:PEM routines::bad base64 decode
exit 1
OUT
{ cat "$F/hank-chain.pem"; sed '3s/^..../!!!!/' "$F/hank.key"; } >"$F/bad-key.pem"
run_capture "$T/out" "$CERTPOLICY" fingerprint "$F/bad-key.pem"
check "a damaged key block after the certificates: named" \
    grep -q "bad-key.pem: PEM block 3 (PRIVATE KEY) is corrupt or truncated" "$T/out"

# max_chain_certs: finding the end-entity certificate compares every pair,
# so a file with more certificates than the limit (default 32) is refused
# before any is compared. 32 self-signed CAs of one name and hank's: 33.
i=0
: >"$F/many.pem"
while [ $i -lt 32 ]; do
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$F/many.key" \
        -subj "/CN=Same Name CA" -days 30 -out "$F/many-one.pem" 2>/dev/null
    cat "$F/many-one.pem" >>"$F/many.pem"
    i=$((i + 1))
done
cat "$F/hank.pem" >>"$F/many.pem"
check_eq "the many-certificate file holds 33" 33 "$(grep -c 'BEGIN CERTIFICATE' "$F/many.pem")"
run_capture "$T/out" "$CERTPOLICY" fingerprint "$F/many.pem"
check_golden "max_chain_certs: 33 certificates, over the default limit" /dev/stdin "$T/out" <<OUT
certpolicy: $F/many.pem: holds 33 certificates, more than max_chain_certs (32)
exit 1
OUT
printf 'database = %s\nclient many cert=%s\n' "$OUT/many.cdb" "$F/many.pem" >"$T/many.conf"
run_capture "$T/out" "$CERTPOLICY" -c "$T/many.conf" check
check "max_chain_certs: cert= over the limit is an error on its line" \
    grep -q "many.conf:2: client many: cert=$F/many.pem: holds 33 certificates, more than max_chain_certs (32)" "$T/out"
"$CERTPOLICY" -o max_chain_certs=33 fingerprint "$F/many.pem" >"$T/out" 2>&1
check_eq "max_chain_certs=33: the file's client certificate" \
    "$F/many.pem: fingerprint sha256 $HANK" "$(head -1 "$T/out")"
run_capture "$T/out" "$CERTPOLICY" -o max_chain_certs=0 fingerprint "$F/many.pem"
check "max_chain_certs=0: out of range" grep -q "max_chain_certs=0: expected a number in 1..4096" "$T/out"

# Windows' "certificate chain, Base 64" export: a PKCS#7 SignedData under
# a CERTIFICATE label. It stands for its end-entity certificate.
openssl crl2pkcs7 -nocrl -certfile "$PKI/ca.pem" -certfile "$F/inter.pem" -certfile "$F/hank.pem" |
    sed 's/-----\(BEGIN\|END\) PKCS7-----/-----\1 CERTIFICATE-----/' >"$F/hank-windows.p7b"
check_eq "the Windows export has a CERTIFICATE label" 1 "$(grep -c 'BEGIN CERTIFICATE' "$F/hank-windows.p7b")"
"$CERTPOLICY" fingerprint "$F/hank-windows.p7b" >"$T/out" 2>&1
check_eq "fingerprint of a PKCS#7 under a CERTIFICATE label: the chain's client" \
    "$F/hank-windows.p7b: fingerprint sha256 $HANK" "$(head -1 "$T/out")"
printf 'database = %s\nclient hank cert=%s\n' "$OUT/win.cdb" "$F/hank-windows.p7b" >"$T/win.conf"
check "cert= a PKCS#7 under a CERTIFICATE label: check passes" "$CERTPOLICY" -c "$T/win.conf" check

# A DER certificate whose bytes hold the text "-----BEGIN" (here in its
# subject) is DER, not a PEM file without blocks.
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$F/begin.key" \
    -subj "/CN=-----BEGIN CERTIFICATE-----" -addext basicConstraints=CA:FALSE -days 30 \
    -outform DER -out "$F/begin.der" 2>/dev/null
check "the DER certificate holds the text -----BEGIN" grep -q -- "-----BEGIN" "$F/begin.der"
"$CERTPOLICY" fingerprint "$F/begin.der" >"$T/out" 2>&1
check_eq "fingerprint of a DER certificate with -----BEGIN inside" \
    "$F/begin.der: fingerprint sha256 $(openssl x509 -inform DER -in "$F/begin.der" -noout -fingerprint -sha256 | sed 's/^.*=//')" \
    "$(head -1 "$T/out")"

# fingerprint of a CA certificate says it is one (enroll would refuse it).
run_capture "$T/out" "$CERTPOLICY" fingerprint "$F/inter.pem"
check "fingerprint of a CA certificate: says it is a CA" grep -qx \
    "certpolicy: warning: $F/inter.pem: CN=Test Intermediate is a CA certificate (basicConstraints CA:TRUE): enroll and cert= refuse it as a client's" "$T/out"
check_eq "fingerprint of a CA certificate: exit 0" "exit 0" "$(tail -1 "$T/out")"

# A password-protected PKCS#12 given to enroll: enroll has no
# --password-file, so its message does not send the user there.
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" enroll zed "$PKI/alice-pw.p12"
check "enroll of a PKCS#12 that needs a password: says so" \
    grep -q "cannot open the PKCS#12 file without a password: " "$T/out"
check_not "enroll of a PKCS#12 that needs a password: no --password-file hint" \
    grep -q -- "--password-file" "$T/out"

# A BEGIN line that PEM readers do not see as one: a copy cut inside the
# second BEGIN line, a certificate pasted indented into a mail. Named, not
# the silent end of the blocks or "no certificate".
{ cat "$F/inter.pem"; printf -- '-----BEGIN CERTIF'; } >"$F/cut-begin.pem"
run_capture "$T/out" "$CERTPOLICY" fingerprint "$F/cut-begin.pem"
check_golden "a chain cut inside a BEGIN line: that block is named" /dev/stdin "$T/out" <<OUT
certpolicy: $F/cut-begin.pem: PEM block 2 (CERTIF): its BEGIN line is damaged or does not start a line (indented text, or lines ended by CR alone)
exit 1
OUT
sed 's/^/    /' "$F/hank.pem" >"$F/indented.pem"
run_capture "$T/out" "$CERTPOLICY" fingerprint "$F/indented.pem"
check "an indented certificate: says why it is not read" grep -q \
    "indented.pem: PEM block 1 (CERTIFICATE): its BEGIN line is damaged or does not start a line" "$T/out"
