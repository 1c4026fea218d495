# certpolicy compile: the database, relay_clientcerts and tls_policy_map
# must equal the golden files in tests/cases/compile (fingerprints and
# dates filled in from the openssl CLI, not from certpolicy), and the maps
# built by the real postmap must answer postmap -q as Postfix would ask.
. "$SRCDIR/tests/lib.sh"
pki
postfix_config
NOW=$(date +%s)
CERTPOLICY=$(clocked_cmd "$NOW" "$CERTPOLICY")
G=$CASES/compile
OUT=$T/out.d
mkdir -p "$OUT/db" "$OUT/postfix"

# Expected values, from the openssl CLI.
for who in alice bob carol dave erin gina; do
    W=$(echo "$who" | tr a-z A-Z)
    fp=$(fp_openssl "$PKI/$who.pem" sha256)
    eval "SUBST_${W}_SHA256=\$fp"
    eval "SUBST_${W}_SHA256_LOWER=\$(echo \$fp | tr A-F a-f)"
    eval "SUBST_${W}_NB=\$(date -u -d \"\$(openssl x509 -in \$PKI/\$who.pem -noout -startdate | cut -d= -f2)\" +%s)"
    eval "SUBST_${W}_NA=\$(date -u -d \"\$(openssl x509 -in \$PKI/\$who.pem -noout -enddate | cut -d= -f2)\" +%s)"
    eval "SUBST_${W}_KEY=\$(pubfp_openssl \$PKI/\$who.pem sha256)"
    export "SUBST_${W}_SHA256" "SUBST_${W}_SHA256_LOWER" "SUBST_${W}_NB" "SUBST_${W}_NA" "SUBST_${W}_KEY"
done
SUBST_BOB_SHA256_PLAIN=$(echo "$SUBST_BOB_SHA256" | tr -d : | tr A-F a-f)
SUBST_DAVE_PUB_SHA256=$(pubfp_openssl "$PKI/dave.pem" sha256)
SUBST_DAVE_PUB_SHA256_LOWER=$(echo "$SUBST_DAVE_PUB_SHA256" | tr A-F a-f)
SUBST_PKI=$PKI
SUBST_OUT=$OUT
SUBST_CONF=$T/compile.conf
SUBST_DBLEN=$(printf '%s' "$OUT/db/certpolicy.cdb" | wc -c)
SUBST_STLEN=$(printf '%s' "$OUT/db/status.cdb" | wc -c)
SUBST_RCLEN=$(printf '%s' "cdb:$OUT/postfix/relay_clientcerts" | wc -c)
SUBST_TPLEN=$(printf '%s' "hash:$OUT/postfix/tls_policy" | wc -c)
export SUBST_BOB_SHA256_PLAIN SUBST_DAVE_PUB_SHA256 SUBST_DAVE_PUB_SHA256_LOWER SUBST_PKI \
    SUBST_OUT SUBST_CONF SUBST_DBLEN SUBST_STLEN SUBST_RCLEN SUBST_TPLEN

subst "$G/compile.conf.in" >"$T/compile.conf"
SUBST_SOURCE_SHA256=$(sha256sum <"$T/compile.conf" | cut -d' ' -f1)
export SUBST_SOURCE_SHA256
for f in relay_clientcerts tls_policy certpolicy.cdb; do
    subst "$G/$f.ref" >"$T/$f.ref"
done

run_capture "$T/compile.out" "$CERTPOLICY" -c "$T/compile.conf" compile
check_golden "summary line" /dev/stdin "$T/compile.out" <<OUT
$T/compile.conf:16: warning: client erin: certificate $PKI/erin.pem expires on $(date -u -d @"$SUBST_ERIN_NA" +%Y-%m-%d) (in $(( (SUBST_ERIN_NA - NOW) / 86400 )) days)
$T/compile.conf:16: warning: client erin: certificate $PKI/gina.pem is not valid before 2099-01-01
certpolicy: $T/compile.conf: compiled 5 clients (4 active, 1 revoked, 1 known only by fingerprint: no expiry or revocation checks), 3 tls entries, 2 warnings
exit 0
OUT
check_golden "relay_clientcerts source" "$T/relay_clientcerts.ref" "$OUT/postfix/relay_clientcerts"
check_golden "tls_policy source" "$T/tls_policy.ref" "$OUT/postfix/tls_policy"
cdb -d "$OUT/db/certpolicy.cdb" >"$T/db.dump"
check_golden "database records" "$T/certpolicy.cdb.ref" "$T/db.dump"

# postmap -q, the way Postfix asks: relay_clientcerts with the lowercased
# fingerprint (permit_tls_clientcerts folds the key), tls_policy by next-hop.
q() { postmap -q "$1" "$2"; }
check_eq "relay map: alice's certificate" alice "$(q "$SUBST_ALICE_SHA256_LOWER" "cdb:$OUT/postfix/relay_clientcerts")"
check_eq "relay map: bob's bare fingerprint" bob "$(q "$SUBST_BOB_SHA256_LOWER" "cdb:$OUT/postfix/relay_clientcerts")"
check_eq "relay map: dave's pinned key" dave "$(q "$SUBST_DAVE_PUB_SHA256_LOWER" "cdb:$OUT/postfix/relay_clientcerts")"
check_eq "relay map: erin's renewal" erin "$(q "$SUBST_GINA_SHA256_LOWER" "cdb:$OUT/postfix/relay_clientcerts")"
check_not "relay map: revoked carol is absent" q "$SUBST_CAROL_SHA256_LOWER" "cdb:$OUT/postfix/relay_clientcerts"
check_not "relay map: alice's key was not pinned" q "$(pubfp_openssl "$PKI/alice.pem" sha256 | tr A-F a-f)" "cdb:$OUT/postfix/relay_clientcerts"
check_eq "tls map: example.com" "secure match=.example.com protocols=>=TLSv1.2 ciphers=high" "$(q example.com "hash:$OUT/postfix/tls_policy")"
check_eq "tls map: [mx.example.net]:25" "encrypt protocols=>=TLSv1.2" "$(q '[mx.example.net]:25' "hash:$OUT/postfix/tls_policy")"
check_eq "tls map: .example.org" "may" "$(q .example.org "hash:$OUT/postfix/tls_policy")"
check "database is readable by others (certpolicyd's user)" test "$(stat -c %a "$OUT/db/certpolicy.cdb")" = 644
check_eq "no temporary files are left" "" "$(ls -A "$OUT/db" "$OUT/postfix" | grep '^\.')"

# texthash maps are written but postmap is not run for them.
sed -e "s|cdb:$OUT/postfix/relay_clientcerts|texthash:$OUT/th/relay_clientcerts|" \
    -e "s|hash:$OUT/postfix/tls_policy|texthash:$OUT/th/tls_policy|" \
    -e '1i postmap_command = /bin/false' "$T/compile.conf" >"$T/texthash.conf"
mkdir -p "$OUT/th"
check "texthash: compile without running postmap" "$CERTPOLICY" -c "$T/texthash.conf" compile
check_eq "texthash: only the sources" "relay_clientcerts tls_policy" "$(ls "$OUT/th" | tr '\n' ' ' | sed 's/ $//')"
check_eq "texthash: Postfix reads it" alice "$(q "$SUBST_ALICE_SHA256_LOWER" "texthash:$OUT/th/relay_clientcerts")"

# --no-postmap writes the sources and leaves the indexed maps alone.
sed -e "s|$OUT/postfix|$OUT/np|g" -e '1i postmap_command = /bin/false' "$T/compile.conf" >"$T/nopostmap.conf"
mkdir -p "$OUT/np"
check "--no-postmap: compile" "$CERTPOLICY" -c "$T/nopostmap.conf" compile --no-postmap
check_eq "--no-postmap: no indexed maps" "relay_clientcerts tls_policy" "$(ls "$OUT/np" | tr '\n' ' ' | sed 's/ $//')"

# Other digests: the relay map follows fingerprint_digest.
sed -e 's/^fingerprint_digest *= sha256/fingerprint_digest = sha1/' -e '/bob/d' -e '/pubkey_fingerprint/d' \
    -e "s|$OUT/postfix|$OUT/sha1|g" "$T/compile.conf" >"$T/sha1.conf"
mkdir -p "$OUT/sha1"
check "sha1: compile" "$CERTPOLICY" -c "$T/sha1.conf" compile
check_eq "sha1: relay map keyed by the sha1 fingerprint" alice \
    "$(q "$(fp_openssl "$PKI/alice.pem" sha1 | tr A-F a-f)" "cdb:$OUT/sha1/relay_clientcerts")"

# A list of separators alone (revocation_check = ,) names nothing: compile
# refuses it at its line and writes nothing, rather than compiling a
# database that certpolicyd answers with a defer for every request.
for setting in revocation_check crl_source; do
    mkdir -p "$OUT/empty-$setting"
    sed -e "s|$OUT/db/|$OUT/empty-$setting/|" -e "s|$OUT/postfix/|$OUT/empty-$setting/|" \
        -e "1i $setting = , ," "$T/compile.conf" >"$T/empty-$setting.conf"
    run_capture "$T/empty-$setting.out" "$CERTPOLICY" -c "$T/empty-$setting.conf" compile
    check_eq "$setting = , ,: refused at its line" \
        "$T/empty-$setting.conf:1: $setting = , ,: lists nothing" \
        "$(grep ":1: $setting" "$T/empty-$setting.out" | sed 's/;.*//')"
    check_eq "$setting = , ,: exit 1" "exit 1" "$(tail -1 "$T/empty-$setting.out")"
    check_eq "$setting = , ,: nothing written" "" "$(ls -A "$OUT/empty-$setting")"
done
