# What an administrator does by habit, done the way the README says:
# settings added to the source by hand and then "certpolicy refresh" (no
# compile), and a client enrolled while revocation checking is on. What
# refresh reports must be what certpolicyd applies, and an enrolled client
# must not be deferred until the next timer run.
. "$SRCDIR/tests/lib.sh"
CERTPOLICYD=$(certpolicyd_cmd)
PKI=$T/pki
sh "$SRCDIR/tests/pki/mkpki" "$PKI" >"$T/pki.log" 2>&1 || { fail "mkpki" "$(tail -3 "$T/pki.log")"; exit 0; }
(cd "$PKI" && openssl ca -config ca.cnf -revoke carol.pem -crl_reason keyCompromise >/dev/null 2>&1 \
    && openssl ca -config ca.cnf -gencrl -out "$T/ca.crl" >/dev/null 2>&1)

# answer NAME - certpolicyd's answer for NAME's certificate
answer() {
    printf 'client_address=192.0.2.1\nccert_fingerprint=%s\n\n' "$(fp_openssl "$PKI/$1.pem" sha256)" \
        | "$CERTPOLICYD" -d "$T/db.cdb" -L /dev/null
}

cat >"$T/c.conf" <<CONF
database = $T/db.cdb
status_database = $T/status.cdb
client alice cert=$PKI/alice.pem
client carol cert=$PKI/carol.pem
CONF
check "compile without revocation checking" "$CERTPOLICY" -c "$T/c.conf" compile
check_eq "carol permitted: nothing says she is revoked yet" "action=OK" "$(answer carol | head -1)"

# README step 5, exactly: add the two settings, run refresh.
cat >>"$T/c.conf" <<CONF
client_ca_file = $PKI/ca.pem
crl_source = $T/ca.crl
revocation_check = crl
CONF
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" refresh
check_eq "refresh after a hand edit: exit 0" "exit 0" "$(tail -1 "$T/out")"
check "refresh says it compiles the changed source first" grep -q 'the source differs from what was compiled.*compiling it first' "$T/out"
check "refresh reports carol revoked" grep -q '1 revoked' "$T/out"
check_eq "certpolicyd applies it: carol rejected" "action=REJECT 5.7.1 Client certificate revoked" "$(answer carol | head -1)"
check_eq "certpolicyd applies it: alice permitted" "action=OK" "$(answer alice | head -1)"
"$CERTPOLICY" -c "$T/c.conf" query --cert "$PKI/carol.pem" >"$T/q" 2>&1
check "query says what certpolicyd says" grep -q 'outcome: *revoked' "$T/q"
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" refresh
check_not "a second refresh with nothing changed compiles nothing" grep -q 'compiling it first' "$T/out"

# Enroll with revocation checking on: the status is fetched at once.
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" enroll bob "$PKI/bob.pem"
check_eq "enroll bob: exit 0" "exit 0" "$(tail -1 "$T/out")"
check "enroll says it fetches statuses now" grep -q 'fetching revocation statuses now' "$T/out"
check_eq "bob permitted at once, not deferred until the next refresh" "action=OK" "$(answer bob | head -1)"

# The CRL unreachable: enroll still enrolls, and says what bob gets meanwhile.
mv "$T/ca.crl" "$T/ca.crl.away"
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" enroll dave "$PKI/dave.pem"
check "enroll dave with the CRL unreachable: enrolled" grep -q '^client dave ' "$T/c.conf"
check "enroll dave with the CRL unreachable: says what dave gets until a refresh succeeds" \
    grep -q 'until a refresh succeeds such a client gets unavailable_action' "$T/out"
check_eq "enroll dave with the CRL unreachable: exit 1" "exit 1" "$(tail -1 "$T/out")"
check "a failed fetch is not counted as a CRL fetched" grep -q '; 0 CRLs fetched$' "$T/out"
check "kept statuses say until when, as a date" grep -q 'kept its previous status (good, fresh until [0-9-]*T[0-9:]*Z)' "$T/out"
mv "$T/ca.crl.away" "$T/ca.crl"

# A log file certpolicyd cannot open never costs an answer: it says so
# through syslog (or standard error with -e) and answers.
printf 'client_address=192.0.2.1\nccert_fingerprint=%s\n\n' "$(fp_openssl "$PKI/alice.pem" sha256)" >"$T/req"
check_eq "-L in a missing directory, spawn mode: still answered" "action=OK" \
    "$("$CERTPOLICYD" -d "$T/db.cdb" -L "$T/no/such/dir/certpolicyd.log" <"$T/req" 2>"$T/spawn.err" | head -1)"
check_eq "-L in a missing directory, spawn mode: nothing on stderr" "" "$(cat "$T/spawn.err")"
"$CERTPOLICYD" -e -d "$T/db.cdb" -l "unix:$T/sock" -L "$T/no/such/dir/certpolicyd.log" 2>"$T/l.err" &
srv=$!
wait_socket "unix:$T/sock" 30 $srv
check_eq "-L in a missing directory, -l: still answered" "action=OK" \
    "$("$BUILDDIR/tests/tools/policy_client" -n 1 -t 3000 "unix:$T/sock" <"$T/req" | head -1)"
kill -TERM $srv 2>/dev/null
wait $srv
check "-L in a missing directory, -l -e: says why on standard error" \
    grep -q 'cannot open the log file; logging to standard error instead' "$T/l.err"

# Root's umask 077 and the README's "mkdir -p /var/lib/certpolicy": the
# directory is closed to the user spawn runs certpolicyd as; check and
# compile say so.
(umask 077 && mkdir -p "$T/var/lib/certpolicy")
cat >"$T/u.conf" <<CONF
database = $T/var/lib/certpolicy/certpolicy.cdb
client alice cert=$PKI/alice.pem
CONF
run_capture "$T/out" "$CERTPOLICY" -c "$T/u.conf" check
check "umask 077: check warns that other users cannot reach the database" \
    grep -q "u.conf:1: warning: database = .*: directory $T/var is not searchable by other users (mode 0700)" "$T/out"
run_capture "$T/out" "$CERTPOLICY" -c "$T/u.conf" compile
check "umask 077: compile warns too" grep -q "is not searchable by other users" "$T/out"
chmod 0755 "$T/var" "$T/var/lib" "$T/var/lib/certpolicy"
run_capture "$T/out" "$CERTPOLICY" -c "$T/u.conf" check
check_not "the directory opened: no warning" grep -q "not searchable\|not readable" "$T/out"

# A pin follows its key: a client revoked in the source revokes another
# client's pin of the same key, in the database and in relay_clientcerts.
cat >"$T/pin.conf" <<CONF
database = $T/pin.cdb
relay_clientcerts = texthash:$T/relay
client carol cert=$PKI/carol.pem revoked=2026-11-20 reason="left"
client henry pubkey_fingerprint=$(pubfp_openssl "$PKI/carol.pem" sha256)
CONF
run_capture "$T/out" "$CERTPOLICY" -c "$T/pin.conf" compile
check "a pin of a revoked certificate's key: compile warns" grep -q "client henry: the pinned key is that of a certificate of client carol, which is revoked" "$T/out"
check_eq "a pin of a revoked certificate's key: not in relay_clientcerts" "" "$(grep -v '^#' "$T/relay")"

# A raw public key whose older certificate was revoked by the CA and has
# expired since, renewed with the same key: the key stays revoked.
(cd "$PKI" && openssl req -new -key carol.key -subj /CN=carol -out carol2.csr -config ca.cnf 2>/dev/null \
    && openssl ca -batch -config ca.cnf -in carol2.csr -out carol-old.pem -notext \
        -startdate "$(date -u -d '40 days ago' +%Y%m%d%H%M%SZ)" -enddate "$(date -u -d '2 days ago' +%Y%m%d%H%M%SZ)" \
        -extensions client_ext >/dev/null 2>&1 \
    && openssl ca -config ca.cnf -revoke carol-old.pem -crl_reason keyCompromise >/dev/null 2>&1 \
    && openssl ca -batch -config ca.cnf -in carol2.csr -out carol-new.pem -notext \
        -startdate "$(date -u -d '1 day ago' +%Y%m%d%H%M%SZ)" -enddate "$(date -u -d '300 days' +%Y%m%d%H%M%SZ)" \
        -extensions client_ext >/dev/null 2>&1 \
    && openssl ca -config ca.cnf -gencrl -out "$T/kim.crl" >/dev/null 2>&1)
check "carol-old (revoked, expired) and carol-new (good), one key" test -s "$PKI/carol-new.pem"
cat >"$T/kim.conf" <<CONF
database = $T/kim.cdb
status_database = $T/kim-status.cdb
client_ca_file = $PKI/ca.pem
crl_source = $T/kim.crl
revocation_check = crl
client kim cert=$PKI/carol-old.pem cert=$PKI/carol-new.pem
CONF
"$CERTPOLICY" -c "$T/kim.conf" refresh >"$T/out" 2>&1
printf 'client_address=192.0.2.1\nccert_fingerprint=\nccert_pubkey_fingerprint=%s\n\n' "$(pubfp_openssl "$PKI/carol-new.pem" sha256)" >"$T/kim.req"
check_eq "raw key of a revoked (now expired) certificate, renewed: rejected" \
    "action=REJECT 5.7.1 Client certificate revoked" "$("$CERTPOLICYD" -d "$T/kim.cdb" -L /dev/null <"$T/kim.req" | head -1)"

# enroll NAME FINGERPRINT where a file of that name sits in the current
# directory (planted by another user): refused, nothing enrolled.
mkdir -p "$T/cwd"
bobfp=$(fp_openssl "$PKI/bob.pem" sha256)
cp "$PKI/erin.pem" "$T/cwd/$bobfp"
printf 'database = %s/plant.cdb\n' "$T" >"$T/plant.conf"
(cd "$T/cwd" && "$CERTPOLICY" -c "$T/plant.conf" enroll bob "$bobfp") >"$T/out" 2>&1
check_eq "enroll FINGERPRINT with a file of that name here: refused (exit 1)" 1 $?
check "... and says why" grep -q "is both a fingerprint and a file in the current directory" "$T/out"
check_not "... and enrolls nothing" grep -q '^client' "$T/plant.conf"
rm "$T/cwd/$bobfp"
(cd "$T/cwd" && "$CERTPOLICY" -c "$T/plant.conf" enroll bob "$bobfp") >"$T/out" 2>&1
check "without the file: the fingerprint is enrolled" grep -q "^client bob fingerprint=$bobfp" "$T/plant.conf"

# A socket unit with Accept=yes (or anything but a listening socket) on
# LISTEN_FDS: refused at start with the reason, no accept() loop.
: >"$T/notasocket"
timeout 10 sh -c 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" -e -d "$1" 3<"$2"' \
    "$CERTPOLICYD" "$T/db.cdb" "$T/notasocket" >"$T/lfd.out" 2>&1
check_eq "LISTEN_FDS with a file, not a listening socket: exit 1" 1 $?
check "... with the reason" grep -q 'descriptor 3 is not a listening stream socket' "$T/lfd.out"

# revocation_check = ocsp, crl with certificates that name no OCSP
# responder: said once per run, not once per certificate; the CRL answers.
for who in nia noa; do
    (cd "$PKI" && openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$who.key" \
        -subj "/CN=$who" -out "$who.csr" 2>/dev/null \
        && printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' >noaia.ext \
        && openssl x509 -req -in "$who.csr" -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 \
            -extfile noaia.ext -out "$who.pem" 2>/dev/null)
done
cat >"$T/noaia.conf" <<CONF
database = $T/noaia.cdb
status_database = $T/noaia-status.cdb
client_ca_file = $PKI/ca.pem
crl_source = $T/ca.crl
revocation_check = ocsp, crl
client nia cert=$PKI/nia.pem
client noa cert=$PKI/noa.pem
CONF
run_capture "$T/out" "$CERTPOLICY" -c "$T/noaia.conf" refresh
check_eq "no OCSP responder: one line for the run, not one per certificate" 1 "$(grep -c 'have no OCSP responder' "$T/out")"
check "no OCSP responder: says the CRLs answer" grep -q '2 certificates (client n[io]a .* and others) have no OCSP responder.*their CRLs answer for them' "$T/out"
check "no OCSP responder: the CRL answered for both" grep -q ' 2 good, 0 revoked, 0 unknown, 0 failed' "$T/out"
