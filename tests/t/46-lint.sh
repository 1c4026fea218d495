# certpolicy lint on files: one scenario per finding id, each made with
# the openssl CLI, and where the CLI can show the same fact (openssl
# verify, openssl ciphers) its view beside lint's. The 2021 pattern is
# rebuilt here: an old root that has expired, a new root, the new root
# cross-signed by the old one, an intermediate under the new root, a leaf.
. "$SRCDIR/tests/lib.sh"

. "$SRCDIR/tests/pki/lintpki.sh"
lint_pki "$T/pki"


# clean: no findings, exit 0; openssl verify agrees
lint_run clean --trust "$P/root.pem" --name mail.example.test --key "$P/leaf.key" "$P/fullchain.pem"
exit_is "clean chain: exit 0" clean 0
check_eq "clean chain: no findings" "0" "$(grep -c -E '^(error|warning|info) ' "$T/clean.out")"
has "clean chain: the summary" clean "$P/fullchain.pem: 0 errors, 0 warnings, 0 infos"
has "clean chain: the leaf is described" clean "depth 0: subject \"CN=mail.example.test\", issuer \"CN=Lint Intermediate\""
check "clean chain: openssl verify agrees" openssl verify -CAfile "$P/root.pem" -untrusted "$P/inter.pem" "$P/leaf.pem"

# chain-order: the intermediate first
cat "$P/inter.pem" "$P/leaf.pem" >"$P/reversed.pem"
lint_run order --trust "$P/root.pem" "$P/reversed.pem"
has "chain-order: found" order "error chain-order depth=1: "
has "chain-order: says the right order" order "error chain-order depth=1: the certificates are not in the order servers must send them (the server's own first, then each one's issuer): put the file's certificates 1, 0 in this order"
exit_is "chain-order: exit 1" order 1

# chain-incomplete: the leaf alone
lint_run incomplete --trust "$P/root.pem" "$P/leaf.pem"
has "chain-incomplete: found" incomplete "error chain-incomplete depth=0: the issuer of \"CN=mail.example.test\" (\"CN=Lint Intermediate\") is neither in the file nor a trusted root"
exit_is "chain-incomplete: exit 1" incomplete 1
cli_fails "chain-incomplete: openssl verify fails too" "unable to get local issuer certificate" \
    openssl verify -CAfile "$P/root.pem" "$P/leaf.pem"

# chain-unrelated: another CA's certificate in the file
cat "$P/fullchain.pem" "$P/other.pem" >"$P/unrelated.pem"
lint_run unrelated --trust "$P/root.pem" "$P/unrelated.pem"
has "chain-unrelated: found" unrelated "warning chain-unrelated depth=2: \"CN=Other Root\" did not issue any certificate of the leaf's chain"
exit_is "chain-unrelated: a warning, exit 0" unrelated 0
cat "$P/fullchain.pem" "$P/inter.pem" >"$P/twice.pem"
lint_run twice --trust "$P/root.pem" "$P/twice.pem"
has "chain-unrelated: a second copy" twice "warning chain-unrelated depth=2: \"CN=Lint Intermediate\" is a second copy of the certificate at position 1"

# root-included: info only
cat "$P/fullchain.pem" "$P/root.pem" >"$P/withroot.pem"
lint_run withroot --trust "$P/root.pem" "$P/withroot.pem"
has "root-included: found" withroot "info root-included depth=2: the file carries the self-signed root \"CN=Lint Root\""
exit_is "root-included: exit 0" withroot 0

# untrusted-root: a self-signed server certificate nobody was given
mkcert selfsigned mail.example.test self "now - 1 day" "now + 90 days" server_ext
lint_run selfsigned "$P/selfsigned.pem"
has "untrusted-root: found" selfsigned "warning untrusted-root depth=0: the chain ends at \"CN=mail.example.test\""
lint_run selfsigned-trusted --trust "$P/selfsigned.pem" "$P/selfsigned.pem"
hasnt "untrusted-root: not when given with --trust" selfsigned-trusted untrusted-root

# chain-invalid: an "intermediate" that is no CA (basicConstraints CA:FALSE)
mkcert notca "Lint Not A CA" root "now - 1 year" "now + 5 years" notca_ext
mkcert notcaleaf mail.example.test notca "now - 1 day" "now + 90 days" server_ext
cat "$P/notcaleaf.pem" "$P/notca.pem" >"$P/notca-chain.pem"
lint_run notca --trust "$P/root.pem" "$P/notca-chain.pem"
has "chain-invalid: an issuer that is no CA" notca "error chain-invalid depth=1: \"CN=Lint Not A CA\": invalid CA certificate"
hasnt "chain-invalid: the would-be issuer is not called unrelated" notca chain-unrelated
cli_fails "chain-invalid: openssl verify fails too" "invalid CA certificate" \
    openssl verify -CAfile "$P/root.pem" -untrusted "$P/notca.pem" "$P/notcaleaf.pem"

# expired, not-yet-valid, expiring
mkcert expired mail.example.test inter "now - 400 days" "now - 10 days" server_ext
mkcert future mail.example.test inter "now + 10 days" "now + 100 days" server_ext
mkcert soon mail.example.test inter "now - 80 days" "now + 10 days" server_ext
mkcert oldinter "Lint Intermediate" root "now - 3 years" "now - 1 day" ca_ext key:inter
for c in expired future soon; do cat "$P/$c.pem" "$P/inter.pem" >"$P/$c-chain.pem"; done
lint_run expired --trust "$P/root.pem" "$P/expired-chain.pem"
has "expired: the leaf" expired "error expired depth=0: \"CN=mail.example.test\" expired on $(date -u -d 'now - 10 days' +%Y-%m-%d): install a renewed certificate"
cat "$P/leaf.pem" "$P/oldinter.pem" >"$P/oldinter-chain.pem"
lint_run oldinter --trust "$P/root.pem" "$P/oldinter-chain.pem"
has "expired: an intermediate, at its depth" oldinter "error expired depth=1: \"CN=Lint Intermediate\" expired on"
cli_fails "expired: openssl verify fails too" "certificate has expired" \
    openssl verify -CAfile "$P/root.pem" -untrusted "$P/oldinter.pem" "$P/leaf.pem"
lint_run future --trust "$P/root.pem" "$P/future-chain.pem"
has "not-yet-valid: found" future "error not-yet-valid depth=0: \"CN=mail.example.test\" is valid only from $(date -u -d 'now + 10 days' +%Y-%m-%d)"
lint_run soon --trust "$P/root.pem" "$P/soon-chain.pem"
has "expiring: within the default 30 days" soon "warning expiring depth=0: \"CN=mail.example.test\" expires on $(date -u -d 'now + 10 days' +%Y-%m-%d), within 30 days"
exit_is "expiring: a warning, exit 0" soon 0
lint_run soon5 --trust "$P/root.pem" --days 5 "$P/soon-chain.pem"
hasnt "expiring: not within --days 5" soon5 expiring
lint_run soon11 --trust "$P/root.pem" --days 11 "$P/soon-chain.pem"
has "expiring: within --days 11" soon11 "warning expiring depth=0:"

# expired-issuer: the DST Root CA X3 pattern
lint_dst
lint_run dst --trust "$P/both-roots.pem" "$P/le-fullchain.pem"
has "expired-issuer: the cross-signed root" dst "error expired-issuer depth=2: \"CN=New Root X1\" is signed by \"CN=Old Root X3\", which expired on 2021-09-30"
has "expired-issuer: says to drop it" dst "error expired-issuer depth=2: \"CN=New Root X1\" is signed by \"CN=Old Root X3\", which expired on 2021-09-30: clients that build the chain as sent (OpenSSL 1.0.x, older Android and iOS) follow it to the expired root and refuse the server: drop this certificate from the chain"
hasnt "expired-issuer: the chain itself is complete" dst chain-incomplete
exit_is "expired-issuer: exit 1" dst 1
cli_fails "expired-issuer: a client that follows the chain as sent to the old root fails (openssl verify)" \
    "certificate has expired" openssl verify -CAfile "$P/oldroot.pem" -untrusted "$P/le-untrusted.pem" "$P/le.pem"
check "expired-issuer: a client with the new root is fine (openssl verify)" \
    openssl verify -CAfile "$P/newroot.pem" -untrusted "$P/le-untrusted.pem" "$P/le.pem"
cat "$P/le.pem" "$P/r3.pem" >"$P/le-fixed.pem"
lint_run dst-fixed --trust "$P/both-roots.pem" "$P/le-fixed.pem"
exit_is "expired-issuer: without the cross-signed certificate, exit 0" dst-fixed 0
cat "$P/le-fullchain.pem" "$P/oldroot.pem" >"$P/le-withold.pem"
lint_run dst-inline --trust "$P/newroot.pem" "$P/le-withold.pem"
has "expired-issuer: the expired root in the file" dst-inline "error expired-issuer depth=2: \"CN=New Root X1\" is signed by \"CN=Old Root X3\""
has "expired-issuer: that root is expired itself" dst-inline "error expired depth=3: \"CN=Old Root X3\" expired on 2021-09-30"

# no-san and name-mismatch
mkcert nosan mail.example.test inter "now - 1 day" "now + 90 days" nosan_ext
cat "$P/nosan.pem" "$P/inter.pem" >"$P/nosan-chain.pem"
lint_run nosan --trust "$P/root.pem" --name mail.example.test "$P/nosan-chain.pem"
has "no-san: found" nosan "error no-san depth=0: no host name in subjectAltName"
has "no-san: the CN is ignored" nosan "error name-mismatch depth=0: mail.example.test is not in the subjectAltName (only in the CN, which clients ignore)"
lint_run mismatch --trust "$P/root.pem" --name mail.example.test --name imap.example.test --name 127.0.0.1 "$P/fullchain.pem"
has "name-mismatch: a name not covered" mismatch "error name-mismatch depth=0: imap.example.test is not in the subjectAltName: add it (DNS:imap.example.test)"
check_eq "name-mismatch: covered names are fine" 1 "$(grep -c name-mismatch "$T/mismatch.out")"
cli_fails "name-mismatch: openssl verify -verify_hostname agrees" "hostname mismatch" \
    openssl verify -CAfile "$P/root.pem" -untrusted "$P/inter.pem" -verify_hostname imap.example.test "$P/leaf.pem"

# no-serverauth
mkcert client mail.example.test inter "now - 1 day" "now + 90 days" client_ext
mkcert noeku mail.example.test inter "now - 1 day" "now + 90 days" noeku_ext
mkcert oldnoeku mail.example.test root "2019-06-01" "2019-06-30" noeku_ext
for c in client noeku; do cat "$P/$c.pem" "$P/inter.pem" >"$P/$c-chain.pem"; done
lint_run client --trust "$P/root.pem" "$P/client-chain.pem"
has "no-serverauth: clientAuth only" client "error no-serverauth depth=0: extendedKeyUsage does not allow a TLS server"
cli_fails "no-serverauth: openssl verify -purpose sslserver agrees" "unsuitable certificate purpose" \
    openssl verify -CAfile "$P/root.pem" -untrusted "$P/inter.pem" -purpose sslserver "$P/client.pem"
lint_run noeku --trust "$P/root.pem" "$P/noeku-chain.pem"
has "no-serverauth: no extendedKeyUsage, issued after 2019-07-01" noeku "error no-serverauth depth=0: no extendedKeyUsage"
lint_run oldnoeku --trust "$P/root.pem" "$P/oldnoeku.pem"
hasnt "no-serverauth: none before 2019-07-01" oldnoeku no-serverauth

# weak-key: RSA 1024, and an EC curve Apple does not take
mkcert rsa1024 mail.example.test inter "now - 1 day" "now + 90 days" server_ext rsa:1024
mkcert p521 mail.example.test inter "now - 1 day" "now + 90 days" server_ext ec:P-521
mkcert p384 mail.example.test inter "now - 1 day" "now + 90 days" server_ext ec:P-384
for c in rsa1024 p521 p384; do cat "$P/$c.pem" "$P/inter.pem" >"$P/$c-chain.pem"; done
lint_run rsa1024 --trust "$P/root.pem" "$P/rsa1024-chain.pem"
has "weak-key: RSA 1024" rsa1024 "error weak-key depth=0: RSA key of 1024 bits"
check "weak-key: openssl x509 shows 1024 bits" sh -c "openssl x509 -in '$P/rsa1024.pem' -noout -text | grep -q 'Public-Key: (1024 bit)'"
lint_run p521 --trust "$P/root.pem" "$P/p521-chain.pem"
has "weak-key: P-521" p521 "error weak-key depth=0: EC key on curve P-521"
lint_run p384 --trust "$P/root.pem" "$P/p384-chain.pem"
hasnt "weak-key: P-384 is fine" p384 weak-key
has "weak-key: the key is described" p384 "depth 0: subject \"CN=mail.example.test\", issuer \"CN=Lint Intermediate\""

# weak-signature: an intermediate signed with SHA-1; a self-signed root is not judged
mkcert sha1inter "Lint SHA1 Intermediate" root "now - 1 year" "now + 5 years" ca_ext rsa:2048 sha1
mkcert sha1leaf mail.example.test sha1inter "now - 1 day" "now + 90 days" server_ext
mkcert sha1root "Lint SHA1 Root" self "now - 1 year" "now + 5 years" root_ext rsa:2048 sha1
cat "$P/sha1leaf.pem" "$P/sha1inter.pem" >"$P/sha1-chain.pem"
lint_run sha1 --trust "$P/root.pem" "$P/sha1-chain.pem"
has "weak-signature: the SHA-1 intermediate" sha1 "error weak-signature depth=1: signed with SHA1 (sha1WithRSAEncryption)"
check_eq "weak-signature: the leaf (SHA-256) is fine" 1 "$(grep -c weak-signature "$T/sha1.out")"
check "weak-signature: openssl x509 shows sha1WithRSAEncryption" sh -c "openssl x509 -in '$P/sha1inter.pem' -noout -text | grep -q 'Signature Algorithm: sha1WithRSAEncryption'"
lint_run sha1root --trust "$P/sha1root.pem" "$P/sha1root.pem"
hasnt "weak-signature: not for a self-signed root" sha1root weak-signature

# validity-too-long: 900 days (Apple); 400 days under a publicly trusted root
mkcert long900 mail.example.test inter "now - 1 day" "now + 899 days" server_ext
mkcert long400 mail.example.test inter "now - 1 day" "now + 399 days" server_ext
for c in long900 long400; do cat "$P/$c.pem" "$P/inter.pem" >"$P/$c-chain.pem"; done
lint_run long900 --trust "$P/root.pem" "$P/long900-chain.pem"
has "validity-too-long: 900 days, error" long900 "error validity-too-long depth=0: valid for 900 days"
check_eq "validity-too-long: openssl x509 -dates says 900 days" 900 \
    "$(( ($(date -u -d "$(openssl x509 -in "$P/long900.pem" -noout -enddate | cut -d= -f2)" +%s) - $(date -u -d "$(openssl x509 -in "$P/long900.pem" -noout -startdate | cut -d= -f2)" +%s)) / 86400 ))"
lint_run long400 --trust "$P/root.pem" "$P/long400-chain.pem"
hasnt "validity-too-long: 400 days under a private root is fine" long400 validity-too-long
SSL_CERT_FILE=$P/root.pem SSL_CERT_DIR=$P/nonexistent run_capture "$T/long400pub.out" "$CERTPOLICY" lint "$P/long400-chain.pem"
has "validity-too-long: 400 days under a system root, warning" long400pub "warning validity-too-long depth=0: valid for 400 days, issued under a publicly trusted root since 2020-09-01"
exit_is "validity-too-long: the warning alone, exit 0" long400pub 0

# key-mismatch: --key, and a key inside the chain file (smtpd_tls_chain_files)
lint_run keybad --trust "$P/root.pem" --key "$P/other.key" "$P/fullchain.pem"
has "key-mismatch: another key" keybad "error key-mismatch depth=0: the private key is not the certificate's"
cat "$P/leaf.key" "$P/fullchain.pem" >"$P/postfix-chain.pem"
cat "$P/other.key" "$P/fullchain.pem" >"$P/postfix-badchain.pem"
lint_run keyin --trust "$P/root.pem" "$P/postfix-chain.pem"
exit_is "key-mismatch: the right key in the chain file" keyin 0
lint_run keyinbad --trust "$P/root.pem" "$P/postfix-badchain.pem"
has "key-mismatch: a wrong key in the chain file" keyinbad "error key-mismatch depth=0:"
check_not "key-mismatch: the openssl CLI's public keys differ too" \
    test "$(openssl x509 -in "$P/leaf.pem" -noout -pubkey)" = "$(openssl pkey -in "$P/other.key" -pubout)"

# no-shared-cipher: an ECDSA leaf against RSA-only cipher lists
mkcert ecleaf mail.example.test inter "now - 1 day" "now + 90 days" server_ext ec:P-256
cat "$P/ecleaf.pem" "$P/inter.pem" >"$P/ec-chain.pem"
RSA_ONLY=ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256
lint_run ecrsa --trust "$P/root.pem" --ciphers "$RSA_ONLY" "$P/ec-chain.pem"
has "no-shared-cipher: ECDSA key, ECDHE-RSA list" ecrsa "error no-shared-cipher depth=0: the cipher list (\"$RSA_ONLY\") allows 2 TLS 1.2 suites, none for an ECDSA key"
check_eq "no-shared-cipher: openssl ciphers -v shows only Au=RSA" "Au=RSA" \
    "$(openssl ciphers -v "$RSA_ONLY" | grep -v TLSv1.3 | awk '{print $4}' | sort -u)"
lint_run rsarsa --trust "$P/root.pem" --ciphers "$RSA_ONLY" "$P/fullchain.pem"
hasnt "no-shared-cipher: an RSA key is fine" rsarsa no-shared-cipher
lint_run ececdsa --trust "$P/root.pem" --ciphers "ECDHE-ECDSA-AES128-GCM-SHA256" "$P/fullchain.pem"
has "no-shared-cipher: RSA key, ECDSA list" ececdsa "error no-shared-cipher depth=0: the cipher list (\"ECDHE-ECDSA-AES128-GCM-SHA256\") allows 1 TLS 1.2 suite, none for an RSA key"
lint_run badlist --trust "$P/root.pem" --ciphers "NOSUCHCIPHER" "$P/fullchain.pem"
has "no-shared-cipher: a list OpenSSL makes nothing of is an error" badlist "certpolicy: --ciphers NOSUCHCIPHER: the cipher list: OpenSSL selects no TLS 1.2 cipher"
exit_is "no-shared-cipher: bad list, exit 1" badlist 1
# Postfix's own settings, read with postconf (MAIL_CONFIG)
MAIL_CONFIG=$T/postfix
mkdir -p "$MAIL_CONFIG"
printf 'compatibility_level = 3.6\nsmtpd_tls_ciphers = high\ntls_high_cipherlist = %s\n' "$RSA_ONLY" >"$MAIL_CONFIG/main.cf"
: >"$MAIL_CONFIG/master.cf"
MAIL_CONFIG=$MAIL_CONFIG run_capture "$T/pfx.out" "$CERTPOLICY" lint --trust "$P/root.pem" --ciphers postfix "$P/ec-chain.pem"
has "no-shared-cipher: Postfix's list (postconf, MAIL_CONFIG)" pfx "error no-shared-cipher depth=0: Postfix's smtpd cipher list (smtpd_tls_ciphers = high, tls_high_cipherlist, smtpd_tls_exclude_ciphers) (\"$RSA_ONLY\") allows 2 TLS 1.2 suites, none for an ECDSA key"
printf 'compatibility_level = 3.6\nsmtpd_tls_security_level = encrypt\nsmtpd_tls_mandatory_ciphers = high\ntls_high_cipherlist = %s\n' "$RSA_ONLY" >"$MAIL_CONFIG/main.cf"
MAIL_CONFIG=$MAIL_CONFIG run_capture "$T/pfm.out" "$CERTPOLICY" lint --trust "$P/root.pem" --ciphers postfix "$P/ec-chain.pem"
has "no-shared-cipher: Postfix's mandatory list at smtpd_tls_security_level = encrypt" pfm "error no-shared-cipher depth=0: Postfix's smtpd cipher list (smtpd_tls_security_level = encrypt: smtpd_tls_mandatory_ciphers = high, tls_high_cipherlist, smtpd_tls_exclude_ciphers and smtpd_tls_mandatory_exclude_ciphers)"
printf 'compatibility_level = 3.6\nsmtpd_tls_security_level = may\nsmtpd_tls_mandatory_ciphers = high\ntls_high_cipherlist = %s\n' "$RSA_ONLY" >"$MAIL_CONFIG/main.cf"
MAIL_CONFIG=$MAIL_CONFIG run_capture "$T/pfm2.out" "$CERTPOLICY" lint --trust "$P/root.pem" --ciphers postfix "$P/ec-chain.pem"
hasnt "no-shared-cipher: the mandatory list does not count at may" pfm2 no-shared-cipher
printf 'compatibility_level = 3.6\nsmtpd_tls_security_level = encrypt\nsmtpd_tls_mandatory_exclude_ciphers = aECDSA\n' >"$MAIL_CONFIG/main.cf"
MAIL_CONFIG=$MAIL_CONFIG run_capture "$T/pfm3.out" "$CERTPOLICY" lint --trust "$P/root.pem" --ciphers postfix "$P/ec-chain.pem"
has "no-shared-cipher: smtpd_tls_mandatory_exclude_ciphers = aECDSA at encrypt" pfm3 "error no-shared-cipher depth=0:"
printf 'compatibility_level = 3.6\nsmtpd_tls_exclude_ciphers = aECDSA\n' >"$MAIL_CONFIG/main.cf"
MAIL_CONFIG=$MAIL_CONFIG run_capture "$T/pfx2.out" "$CERTPOLICY" lint --trust "$P/root.pem" --ciphers postfix "$P/ec-chain.pem"
has "no-shared-cipher: Postfix's smtpd_tls_exclude_ciphers = aECDSA" pfx2 "error no-shared-cipher depth=0: Postfix's smtpd cipher list"
printf 'compatibility_level = 3.6\n' >"$MAIL_CONFIG/main.cf"
MAIL_CONFIG=$MAIL_CONFIG run_capture "$T/pfx3.out" "$CERTPOLICY" lint --trust "$P/root.pem" --ciphers postfix "$P/ec-chain.pem"
hasnt "no-shared-cipher: Postfix's defaults take ECDSA" pfx3 no-shared-cipher
CERTPOLICY_POSTCONF=$T/no-such-postconf run_capture "$T/nopf.out" "$CERTPOLICY" lint --trust "$P/root.pem" --ciphers postfix "$P/ec-chain.pem"
has "--ciphers postfix: a postconf that cannot run is named" nopf "certpolicy: --ciphers postfix: cannot run $T/no-such-postconf"
exit_is "--ciphers postfix: no postconf, exit 1" nopf 1
if command -v doveconf >/dev/null 2>&1; then
    lint_run nodove --trust "$P/root.pem" --ciphers "dovecot:$T/no-such-dovecot.conf" "$P/ec-chain.pem"
    has "--ciphers dovecot: doveconf's own reason" nodove "certpolicy: --ciphers dovecot:$T/no-such-dovecot.conf: doveconf: Fatal:"
    exit_is "--ciphers dovecot: a missing configuration, exit 1" nodove 1
    {
        dove_header
        echo "ssl_cipher_list = $RSA_ONLY"
    } >"$T/dovecot.conf"
    lint_run dove --trust "$P/root.pem" --ciphers "dovecot:$T/dovecot.conf" "$P/ec-chain.pem"
    has "no-shared-cipher: Dovecot's ssl_cipher_list (doveconf)" dove "error no-shared-cipher depth=0: Dovecot's ssl_cipher_list in $T/dovecot.conf"
else
    skip "no-shared-cipher: Dovecot's ssl_cipher_list" "doveconf is not installed"
fi

# --json: the shape the contract gives
lint_run json --trust "$P/root.pem" --json --name imap.example.test "$P/reversed.pem"
check "json: findings with id, severity, depth, message" grep -q '{"id": "chain-order", "severity": "error", "depth": 1, "message": "the certificates are not in' "$T/json.out"
check "json: the chain as seen" grep -q '{"depth": 0, "subject": "CN=Lint Intermediate", "issuer": "CN=Lint Root", "not_before": "' "$T/json.out"
check "json: key, signature and names" grep -q '"key": "RSA 2048", "signature": "sha256WithRSAEncryption", "san": \["DNS:mail.example.test", "IP:127.0.0.1"\]' "$T/json.out"
check "json: the counts" grep -q '"errors": 2, "warnings": 0, "infos": 0}' "$T/json.out"
exit_is "json: exit 1 with errors" json 1
if command -v python3 >/dev/null 2>&1; then
    sed '$d' "$T/json.out" >"$T/json.only"
    check "json: parses" python3 -c "import json,sys; json.load(open(sys.argv[1]))" "$T/json.only"
fi

# Usage, bounds and unreadable input
lint_run usage1
exit_is "usage: no FILE, exit 2" usage1 2
lint_run usage2 --days -1 "$P/leaf.pem"
exit_is "usage: --days out of range, exit 2" usage2 2
lint_run usage3 --connect 127.0.0.1:25 "$P/leaf.pem"
exit_is "usage: FILE and --connect, exit 2" usage3 2
lint_run usage4 --key "$P/leaf.key" --connect 127.0.0.1:25
exit_is "usage: --key with --connect, exit 2" usage4 2
run_capture "$T/bound.out" "$CERTPOLICY" -o max_chain_certs=2 lint --trust "$P/root.pem" "$P/withroot.pem"
has "max_chain_certs: a longer chain file is refused" bound "certpolicy: $P/withroot.pem: holds 3 certificates, more than max_chain_certs (2)"
exit_is "max_chain_certs: exit 1" bound 1
run_capture "$T/bound2.out" "$CERTPOLICY" -o max_chain_certs=3 lint --trust "$P/root.pem" "$P/withroot.pem"
exit_is "max_chain_certs: at the limit, read" bound2 0
lint_run garbage --trust "$P/root.pem" "$P/ca.cnf"
has "not a certificate: says so" garbage "certpolicy: $P/ca.cnf: not a certificate"
exit_is "not a certificate: exit 1" garbage 1
"$CERTPOLICY" --help >"$T/help.out" 2>&1
check "--help lists lint" grep -q "^  lint \[--json\]" "$T/help.out"

# The renewal hook (contrib/certbot): the new files, then the exit status
HOOK=$SRCDIR/contrib/certbot/certpolicy-lint-hook
mkdir -p "$T/live/mail.example.test" "$T/live/bad"
cp "$P/fullchain.pem" "$T/live/mail.example.test/fullchain.pem"
cp "$P/leaf.key" "$T/live/mail.example.test/privkey.pem"
cp "$P/ec-chain.pem" "$T/live/bad/fullchain.pem"
cp "$P/ecleaf.key" "$T/live/bad/privkey.pem"
CERTPOLICY=$CERTPOLICY LINT_OPTIONS="--trust $P/root.pem" LINT_CIPHERS=$RSA_ONLY LINT_JSON=$T/hook.json \
    RENEWED_LINEAGE=$T/live/mail.example.test run_capture "$T/hook.out" sh "$HOOK"
exit_is "renewal hook: a good renewal, exit 0" hook 0
check "renewal hook: the JSON for monitoring" grep -q '"errors": 0' "$T/hook.json"
CERTPOLICY=$CERTPOLICY LINT_OPTIONS="--trust $P/root.pem" LINT_CIPHERS=$RSA_ONLY LINT_NAMES=mail.example.test \
    run_capture "$T/hook2.out" sh "$HOOK" "$T/live/bad"
has "renewal hook: an ECDSA renewal against an RSA-only list" hook2 "error no-shared-cipher depth=0:"
exit_is "renewal hook: exit 1" hook2 1
lint_run usage5 --timeout 0 --connect 127.0.0.1:25
exit_is "usage: --timeout 0, exit 2" usage5 2
lint_run usage6 --timeout 3601 --connect 127.0.0.1:25
exit_is "usage: --timeout over 3600, exit 2" usage6 2
lint_run usage7 --connect 127.0.0.1
exit_is "usage: --connect without a port, exit 2" usage7 2
lint_run usage8 --starttls lmtp --connect 127.0.0.1:25
exit_is "usage: --starttls lmtp, exit 2" usage8 2

# The other limits, crossed
set --
i=0
while [ $i -lt 33 ]; do set -- "$@" --name "h$i.example.test"; i=$((i + 1)); done
lint_run names33 "$@" "$P/fullchain.pem"
exit_is "more than 32 --name: exit 2" names33 2
has "more than 32 --name: says so" names33 "certpolicy: lint: more than 32 --name options"
shift 2
lint_run names32 --trust "$P/root.pem" "$@" "$P/fullchain.pem"
check_eq "32 --name: each checked" 32 "$(grep -c '^error name-mismatch' "$T/names32.out")"
set --
i=0
while [ $i -lt 9 ]; do set -- "$@" --ciphers "$RSA_ONLY"; i=$((i + 1)); done
lint_run ciphers9 "$@" "$P/fullchain.pem"
exit_is "more than 8 --ciphers: exit 2" ciphers9 2
lint_run days "$P/fullchain.pem" --days 36501
exit_is "--days over 36500: exit 2" days 2
run_capture "$T/size.out" "$CERTPOLICY" -o max_cert_size=1024 lint "$P/fullchain.pem"
has "max_cert_size: a larger chain file is refused" size "certpolicy: $P/fullchain.pem: file is larger than max_cert_size (1024 bytes)"
exit_is "max_cert_size: exit 1" size 1
# --trust takes a bundle of roots as large as max_cert_size allows
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22 23 24 25 26 27 28 29 30 31 32 33 34; do
    cat "$P/other.pem"
done >"$P/bundle.pem"
cat "$P/root.pem" >>"$P/bundle.pem"
lint_run bundle --trust "$P/bundle.pem" "$P/fullchain.pem"
exit_is "--trust: a bundle of 35 roots (over max_chain_certs) is read" bundle 0
# Other forms: PKCS#7 (DER and PEM), DER
openssl crl2pkcs7 -nocrl -certfile "$P/fullchain.pem" -outform DER -out "$P/chain.p7b"
openssl crl2pkcs7 -nocrl -certfile "$P/fullchain.pem" -out "$P/chain-p7b.pem"
openssl x509 -in "$P/leaf.pem" -outform DER -out "$P/leaf.der"
lint_run p7b --trust "$P/root.pem" "$P/chain.p7b"
exit_is "PKCS#7 (DER): the chain is read, exit 0" p7b 0
lint_run p7bpem --trust "$P/root.pem" "$P/chain-p7b.pem"
exit_is "PKCS#7 (PEM): the chain is read, exit 0" p7bpem 0
lint_run der --trust "$P/root.pem" "$P/leaf.der"
has "DER: the leaf alone, its intermediate missing" der "error chain-incomplete depth=0:"

# The rules' start dates: Apple's 825 days from 2019-07-01, the CA/B
# Forum's 398 days from 2020-09-01 (certificates issued the day before are
# not judged by them)
mkcert apple-before mail.example.test inter "2019-06-30 23:59:59" "2022-01-01" server_ext
mkcert apple-after mail.example.test inter "2019-07-01 00:00:00" "2022-01-01" server_ext
mkcert cabf-before mail.example.test inter "2020-08-31 23:59:59" "2021-10-10" server_ext
mkcert cabf-after mail.example.test inter "2020-09-01 00:00:00" "2021-10-10" server_ext
mkcert apple825 mail.example.test inter "2020-01-01 00:00:00" "2022-04-05 00:00:00" server_ext
mkcert apple826 mail.example.test inter "2020-01-01 00:00:00" "2022-04-05 00:00:01" server_ext
for c in apple-before apple-after cabf-before cabf-after apple825 apple826; do
    cat "$P/$c.pem" "$P/inter.pem" >"$P/$c-chain.pem"
    SSL_CERT_FILE=$P/root.pem SSL_CERT_DIR=$P/nonexistent run_capture "$T/$c.out" "$CERTPOLICY" lint "$P/$c-chain.pem"
done
hasnt "validity-too-long: 915 days issued 2019-06-30: before Apple's rule" apple-before validity-too-long
has "validity-too-long: 915 days issued 2019-07-01: Apple's rule" apple-after "error validity-too-long depth=0: valid for 915 days"
hasnt "validity-too-long: 405 days issued 2020-08-31: before the 398-day rule" cabf-before validity-too-long
has "validity-too-long: 404 days issued 2020-09-01: the 398-day rule" cabf-after "warning validity-too-long depth=0: valid for 404 days"
has "validity-too-long: exactly 825 days is allowed" apple825 "depth 0: subject"
hasnt "validity-too-long: exactly 825 days, no finding" apple825 validity-too-long
has "validity-too-long: 825 days and one second is not" apple826 "error validity-too-long depth=0: valid for 826 days"

# Keys that cannot be used: encrypted (never prompted for), or none at all
openssl pkey -in "$P/leaf.key" -aes256 -passout pass:secret -out "$P/leaf-enc.key"
lint_run keyenc --trust "$P/root.pem" --key "$P/leaf-enc.key" "$P/fullchain.pem" </dev/null
has "--key: an encrypted key is refused, not prompted for" keyenc "certpolicy: $P/leaf-enc.key: cannot read the private key (it is encrypted: give the server's unencrypted key)"
exit_is "--key: encrypted, exit 1" keyenc 1
lint_run keynone --trust "$P/root.pem" --key "$P/inter.pem" "$P/fullchain.pem"
has "--key: a file without a key" keynone "certpolicy: $P/inter.pem: no private key in the file"
openssl pkey -in "$P/leaf.key" -outform DER -out "$P/leaf-key.der"
lint_run keyder --trust "$P/root.pem" --key "$P/leaf-key.der" "$P/fullchain.pem"
exit_is "--key: a DER key, the right one: exit 0" keyder 0
