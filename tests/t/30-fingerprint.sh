# certpolicy fingerprint: for PEM, DER and PKCS#12 (with and without a
# password), every digest must equal what the openssl CLI prints for the
# certificate (x509 -fingerprint) and for its SubjectPublicKeyInfo
# (pkey -pubin -outform DER | dgst).
. "$SRCDIR/tests/lib.sh"
pki

for digest in md5 sha1 sha256 sha512; do
    cert=$(fp_openssl "$PKI/alice.pem" "$digest")
    pub=$(pubfp_openssl "$PKI/alice.pem" "$digest")
    for file in alice.pem alice.der alice.p12 alice-pw.p12; do
        opts=
        [ "$file" = alice-pw.p12 ] && opts="--password-file $PKI/p12pass"
        # shellcheck disable=SC2086
        "$CERTPOLICY" fingerprint --digest "$digest" $opts "$PKI/$file" >"$T/out" 2>&1
        check_golden "$file $digest" /dev/stdin "$T/out" <<OUT
$PKI/$file: fingerprint $digest $cert
$PKI/$file: pubkey_fingerprint $digest $pub
OUT
    done
done

# The default digest is sha256, and several files are done in one run.
"$CERTPOLICY" fingerprint "$PKI/bob.pem" "$PKI/dave.pem" >"$T/out" 2>&1
check_golden "default digest, two files" /dev/stdin "$T/out" <<OUT
$PKI/bob.pem: fingerprint sha256 $(fp_openssl "$PKI/bob.pem" sha256)
$PKI/bob.pem: pubkey_fingerprint sha256 $(pubfp_openssl "$PKI/bob.pem" sha256)
$PKI/dave.pem: fingerprint sha256 $(fp_openssl "$PKI/dave.pem" sha256)
$PKI/dave.pem: pubkey_fingerprint sha256 $(pubfp_openssl "$PKI/dave.pem" sha256)
OUT

# Failures name the file and the reason; the other files are still done.
run_capture "$T/out" "$CERTPOLICY" fingerprint "$PKI/alice-pw.p12"
check "PKCS#12 without the password: says so" grep -q "alice-pw.p12: cannot open the PKCS#12 file without a password (use --password-file): .*mac verify failure" "$T/out"
check_eq "PKCS#12 without the password: exit 1" "exit 1" "$(tail -1 "$T/out")"
echo wrong >"$T/wrongpass"
run_capture "$T/out" "$CERTPOLICY" fingerprint --password-file "$T/wrongpass" "$PKI/alice-pw.p12"
check "PKCS#12 with a wrong password: says so" grep -q "cannot open the PKCS#12 file with that password" "$T/out"
run_capture "$T/out" "$CERTPOLICY" fingerprint "$PKI/ca.cnf" "$PKI/nonexistent.pem" "$PKI/bob.pem"
check_golden "bad files, then a good one" /dev/stdin "$T/out" <<OUT
certpolicy: $PKI/ca.cnf: not a certificate (neither PEM, DER, PKCS#7 nor PKCS#12)
certpolicy: $PKI/nonexistent.pem: cannot open: No such file or directory
$PKI/bob.pem: fingerprint sha256 $(fp_openssl "$PKI/bob.pem" sha256)
$PKI/bob.pem: pubkey_fingerprint sha256 $(pubfp_openssl "$PKI/bob.pem" sha256)
exit 1
OUT
run_capture "$T/out" "$CERTPOLICY" fingerprint --digest sha384 "$PKI/bob.pem"
check_eq "unknown digest is a usage error" "exit 2" "$(tail -1 "$T/out")"
head -c 300 "$PKI/alice.der" >"$T/truncated.der"
run_capture "$T/out" "$CERTPOLICY" fingerprint "$T/truncated.der"
check "truncated DER is refused" grep -q "truncated.der: not a certificate" "$T/out"

# A PEM file with a chain (client first), or with the key first: the
# client's certificate (tests/t/32-certfiles.sh has the other orders).
cat "$PKI/alice.pem" "$PKI/ca.pem" >"$T/chain.pem"
cat "$PKI/alice.key" "$PKI/alice.pem" >"$T/keyfirst.pem"
for f in chain.pem keyfirst.pem; do
    "$CERTPOLICY" fingerprint "$T/$f" >"$T/out" 2>&1
    check_eq "$f: the client's certificate" "$T/$f: fingerprint sha256 $(fp_openssl "$PKI/alice.pem" sha256)" "$(head -1 "$T/out")"
done

# max_cert_size bounds what fingerprint reads, the password file included.
run_capture "$T/out" "$CERTPOLICY" -o max_cert_size=1024 fingerprint "$PKI/ca.pem"
check_golden "max_cert_size: certificate over the limit" /dev/stdin "$T/out" <<OUT
certpolicy: $PKI/ca.pem: file is larger than max_cert_size (1024 bytes)
exit 1
OUT
head -c 2000 /dev/zero | tr '\0' p >"$T/bigpass"
run_capture "$T/out" "$CERTPOLICY" -o max_cert_size=1024 fingerprint --password-file "$T/bigpass" "$PKI/alice-pw.p12"
check_golden "max_cert_size: password file over the limit" /dev/stdin "$T/out" <<OUT
certpolicy: $T/bigpass: file is larger than max_cert_size (1024 bytes)
exit 1
OUT

# The other facts read from a certificate, against the openssl CLI.
epoch() { date -u -d "$(openssl x509 -in "$1" -noout "-$2" | cut -d= -f2)" +%s; }
for f in alice.pem alice.der frank.pem; do
    src=$PKI/${f%.*}.pem
    "$BUILDDIR/tests/unit/cert_test" "$PKI/$f" >"$T/cert.out" 2>&1
    check_golden "$f: serial, names, dates, URLs" /dev/stdin "$T/cert.out" <<OUT
serial: $(openssl x509 -in "$src" -noout -serial | cut -d= -f2)
issuer: $(openssl x509 -in "$src" -noout -issuer -nameopt RFC2253 | sed 's/^issuer=//')
subject: $(openssl x509 -in "$src" -noout -subject -nameopt RFC2253 | sed 's/^subject=//')
not_before: $(epoch "$src" startdate)
not_after: $(epoch "$src" enddate)
crl: $(openssl x509 -in "$src" -noout -ext crlDistributionPoints | sed -n 's/^ *URI://p')
ocsp: $(openssl x509 -in "$src" -noout -ocsp_uri)
OUT
done
"$BUILDDIR/tests/unit/cert_test" "$PKI/ca.pem" >"$T/cert.out" 2>&1
check_eq "a certificate without CRL or OCSP URLs" "" "$(grep -e '^crl:' -e '^ocsp:' "$T/cert.out")"
