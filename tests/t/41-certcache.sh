# The certificate cache (DATABASE.certcache): compile keeps the facts of
# every cert= file it parsed, keyed by the file's content, and the next
# compile parses only files whose content is new. Whatever the cache
# holds (nothing, garbage, a torn or damaged file, another version's,
# another source's, a directory), a compile gives exactly the messages,
# exit status and outputs of a compile without it.
. "$SRCDIR/tests/lib.sh"
pki
postfix_config
NOW=$(date +%s)
CERTPOLICY=$(clocked_cmd "$NOW" "$CERTPOLICY")
CT=$BUILDDIR/tests/unit/certcache_test
OUT=$T/out
CERTS=$T/certs
C=$T/cache.conf
CACHE=$OUT/certpolicy.cdb.certcache
rm -rf "$OUT" "$CERTS"
mkdir -p "$OUT" "$CERTS"
for who in alice carol erin frank gina; do cp "$PKI/$who.pem" "$CERTS/"; done
cp "$PKI/alice.der" "$CERTS/alice2.der"
cat "$PKI/bob.pem" "$PKI/ca.pem" >"$CERTS/bobchain.pem"
FILES="$CERTS/alice.pem $CERTS/bobchain.pem $CERTS/carol.pem $CERTS/erin.pem $CERTS/frank.pem"
cat >"$C" <<CONF
database = $OUT/certpolicy.cdb
relay_clientcerts = cdb:$OUT/relay_clientcerts
client alice cert=$CERTS/alice.pem
client bob cert=$CERTS/bobchain.pem
client carol cert=$CERTS/carol.pem revoked=2026-11-20 reason="left"
client erin cert=$CERTS/erin.pem
client frank cert=$CERTS/frank.pem
client zed fingerprint=$(printf '%064x' 7)
CONF

# outputs - checksums of what certpolicyd and Postfix read (not the cache)
outputs() {
    sha256sum "$OUT/certpolicy.cdb" "$OUT/relay_clientcerts" "$OUT/relay_clientcerts.cdb" 2>&1
}
# same_as_scratch NAME [COMMAND [ARGS]] - certpolicy COMMAND (default
# compile) with the cache as it is now, against the same without a cache
same_as_scratch() {
    _name=$1
    shift
    [ $# -gt 0 ] || set -- compile
    rm -rf "$T/cache.saved"
    [ -e "$CACHE" ] && mv "$CACHE" "$T/cache.saved"
    run_capture "$T/scratch.out" "$CERTPOLICY" -c "$C" "$@"
    outputs >"$T/scratch.sums"
    rm -rf "$CACHE"
    [ -e "$T/cache.saved" ] && mv "$T/cache.saved" "$CACHE"
    run_capture "$T/cached.out" "$CERTPOLICY" -c "$C" "$@"
    outputs >"$T/cached.sums"
    check_golden "$_name: the same messages and exit status" "$T/scratch.out" "$T/cached.out"
    check_golden "$_name: the same outputs" "$T/scratch.sums" "$T/cached.sums"
}
# flip OFFSET - change one byte of the cache
flip() {
    _b=$(od -An -tu1 -j "$1" -N1 "$CACHE" | tr -d ' ')
    printf "\\$(printf '%03o' $(( (_b + 1) % 256 )))" |
        dd of="$CACHE" bs=1 seek="$1" conv=notrunc 2>/dev/null
}
# good_cache - the cache a compile of $C writes
good_cache() {
    rm -rf "$CACHE"
    "$CERTPOLICY" -c "$C" compile >/dev/null 2>&1
    cp "$CACHE" "$T/good.cache"
}

# 1. The cache is written beside the database, and its facts are the parser's.
run_capture "$T/out1" "$CERTPOLICY" -c "$C" compile
check_eq "first compile: exit 0" "exit 0" "$(tail -1 "$T/out1")"
check "first compile: the cache is beside the database" test -s "$CACHE"
check_eq "the cache is readable by other users, like the database" "-rw-r--r--" \
    "$(stat -c %A "$CACHE")"
"$CT" "$CACHE" 32 $FILES >"$T/unit.cached"
"$CT" "$T/none" 32 $FILES >"$T/unit.parsed"
check_eq "every file of the compile is answered from the cache" 5 \
    "$(grep -c ': cache$' "$T/unit.cached")"
check_eq "without a cache every file is parsed" 5 "$(grep -c ': parsed$' "$T/unit.parsed")"
grep -v -e ': cache$' -e ': parsed$' "$T/unit.cached" >"$T/facts.cached"
grep -v -e ': cache$' -e ': parsed$' "$T/unit.parsed" >"$T/facts.parsed"
check_golden "the cached facts are the parsed ones (every digest, names, URLs)" \
    "$T/facts.parsed" "$T/facts.cached"
check "the facts include the CRL and OCSP URLs" grep -q "alice.pem ocsp: http" "$T/facts.cached"
"$CT" "$T/der.cache" 32 "$CERTS/alice2.der" >"$T/der.parsed"
"$CT" "$T/der.cache" 32 "$CERTS/alice2.der" >"$T/der.cached"
check_eq "a DER file: answered from the cache the second time" "$CERTS/alice2.der: cache" \
    "$(tail -2 "$T/der.cached" | head -1)"
check_golden "a DER file: the cached facts are the parsed ones" \
    "$T/der.parsed" "$(sed 's/: cache$/: parsed/' "$T/der.cached" >"$T/der.cmp"; echo "$T/der.cmp")"
"$CT" "$T/ca.cache" 32 "$PKI/ca.pem" >/dev/null
check_eq "a CA certificate is never cached" "$PKI/ca.pem: parsed" \
    "$("$CT" "$T/ca.cache" 32 "$PKI/ca.pem" | grep ': parsed$')"
cp "$CACHE" "$T/copy.cache"
check_eq "a cache made under another max_chain_certs is not used" 5 \
    "$("$CT" "$T/copy.cache" 31 $FILES | grep -c ': parsed$')"
cp "$CACHE" "$T/c.before"
"$CERTPOLICY" -c "$C" compile >/dev/null 2>&1
check "an unchanged compile leaves the cache as it was" cmp -s "$T/c.before" "$CACHE"
# A cache made by another revision of the certificate parser is not used,
# and the revision follows the parser's sources: the digest recorded for
# this revision is theirs.
check_eq "the cache's header names the parser's revision" \
    "p$(sed -n 's/^#define CERTFILE_PARSER_REVISION \([0-9]*\)$/\1/p' "$SRCDIR/src/cert/certfile.h")" \
    "$(head -1 "$CACHE" | awk '{print $NF}')"
sed '1s/ p[0-9]*$/ p0/' "$CACHE" >"$T/p0.cache"
check_eq "a cache made under another parser revision is not used" 5 \
    "$("$CT" "$T/p0.cache" 32 $FILES | grep -c ': parsed$')"
recorded=$(cat "$SRCDIR/tests/cases/certcache/parser.sha256")
now="$(sed -n 's/^#define CERTFILE_PARSER_REVISION \([0-9]*\)$/\1/p' "$SRCDIR/src/cert/certfile.h") $(cd "$SRCDIR/src" \
    && cat cert/cert.c cert/certfile.c cert/asn1time.c policy/fprint.c | sha256sum | cut -d' ' -f1)"
check_eq "the parser's sources are those of its revision (after a change: raise CERTFILE_PARSER_REVISION, record the digest in tests/cases/certcache/parser.sha256)" \
    "$recorded" "$now"

run_capture "$T/mutate" "$CT" --mutate "$CERTS/alice.pem"
check "the record decoder refuses every truncated record and stays within a changed one" \
    grep -q '^[0-9]* truncations refused, [0-9]* changes decoded, [0-9]* refused$' "$T/mutate"
check_eq "the record decoder: exit 0" "exit 0" "$(tail -1 "$T/mutate")"

same_as_scratch "an intact cache"
same_as_scratch "check with the cache" check
same_as_scratch "list with the cache" list

# 2. Keyed by content: a file replaced by another certificate under the same
# name, size class and modification time is parsed again.
good_cache
cp -p "$CERTS/erin.pem" "$T/erin.saved"
cp "$PKI/gina.pem" "$CERTS/erin.pem"
touch -r "$T/erin.saved" "$CERTS/erin.pem"
run_capture "$T/out2" "$CERTPOLICY" -c "$C" compile
check "another certificate under the old name and time: its fingerprint is compiled" \
    grep -q "^$(fp_openssl "$PKI/gina.pem" sha256 | tr A-F a-f) erin$" "$OUT/relay_clientcerts"
check "another certificate under the old name and time: its dates are judged" \
    grep -q "is not valid before 2099" "$T/out2"
same_as_scratch "another certificate under the old name"
cp -p "$T/erin.saved" "$CERTS/erin.pem"

# 3. Damaged caches only cost time.
good_cache
SIZE=$(stat -c %s "$T/good.cache")
head -c $((SIZE / 2)) "$T/good.cache" >"$CACHE"
same_as_scratch "a torn cache"
: >"$CACHE"
same_as_scratch "an empty cache"
head -c "$SIZE" /dev/urandom >"$CACHE"
same_as_scratch "a cache of random bytes"
sed '1s/^certpolicy-certcache 1 /certpolicy-certcache 1 0/' "$T/good.cache" >"$CACHE"
same_as_scratch "a cache of another OpenSSL or certpolicy version"
{ cat "$T/good.cache"; head -c 200000 /dev/zero; } >"$CACHE"
same_as_scratch "a cache larger than the source's certificates can need" -o max_cert_size=1024 compile
off=40
while [ "$off" -lt "$SIZE" ]; do
    cp "$T/good.cache" "$CACHE"
    flip "$off"
    same_as_scratch "a cache with byte $off changed"
    off=$((off + 211))
done
# a cache of another source: its records do not apply
sed -e "s|^client bob .*|client bob cert=$PKI/bob.pem|" -e '/^client erin/d' "$C" >"$T/other.conf"
"$CERTPOLICY" -c "$T/other.conf" compile >/dev/null 2>&1
same_as_scratch "the cache of another source"

# 4. Limits stay the parser's: max_chain_certs refuses a chain the cache knows.
good_cache
same_as_scratch "max_chain_certs lowered below a cached chain" -o max_chain_certs=1 compile
check "max_chain_certs lowered: the chain is refused" grep -q "bobchain.pem" "$T/cached.out"
check_eq "max_chain_certs lowered: exit 1" "exit 1" "$(tail -1 "$T/cached.out")"

# 5. A cache that cannot be written: a warning, the compile stands.
rm -rf "$CACHE"
mkdir "$CACHE"
run_capture "$T/out5" "$CERTPOLICY" -c "$C" compile
check_eq "cache not writable: exit 0" "exit 0" "$(tail -1 "$T/out5")"
check "cache not writable: a warning says what it costs" \
    grep -q "^certpolicy: warning: .*$CACHE.*: the next compile reads every certificate file again$" "$T/out5"
check_eq "cache not writable: no temporary file left" "" "$(ls -A "$OUT" | grep '^\.' || true)"
rmdir "$CACHE"

# 6. What a killed writer left beside the cache goes with the next compile.
good_cache
: >"$OUT/.certpolicy.cdb.certcache.Ab12Cd"
"$CERTPOLICY" -c "$C" compile >/dev/null 2>&1
check_eq "a killed writer's temporary cache is removed" "" "$(ls -A "$OUT" | grep '^\.' || true)"

# 7. enroll and revoke compile with the cache and land what a compile from
# scratch gives for the edited source.
good_cache
run_capture "$T/out7" "$CERTPOLICY" -c "$C" enroll gina "$CERTS/gina.pem"
check_eq "enroll with the cache: exit 0" "exit 0" "$(tail -1 "$T/out7")"
check "enroll: the command names the outputs it brought up to date" grep -q \
    "^certpolicy: in effect now: database $OUT/certpolicy.cdb, relay_clientcerts cdb:$OUT/relay_clientcerts$" \
    "$T/out7"
outputs >"$T/edit.sums"
rm -f "$CACHE"
"$CERTPOLICY" -c "$C" compile >/dev/null 2>&1
outputs >"$T/scratch7.sums"
check_golden "enroll with the cache: the outputs of a compile from scratch" "$T/scratch7.sums" "$T/edit.sums"
"$CT" "$CACHE" 32 "$CERTS/gina.pem" >"$T/unit7"
check "enroll: the new certificate is in the cache" grep -q ': cache$' "$T/unit7"
run_capture "$T/out8" "$CERTPOLICY" -c "$C" revoke alice --reason "laptop stolen"
check_eq "revoke with the cache: exit 0" "exit 0" "$(tail -1 "$T/out8")"
outputs >"$T/edit.sums"
rm -f "$CACHE"
"$CERTPOLICY" -c "$C" compile >/dev/null 2>&1
outputs >"$T/scratch8.sums"
check_golden "revoke with the cache: the outputs of a compile from scratch" "$T/scratch8.sums" "$T/edit.sums"
check_eq "revoke with the cache: certpolicyd's database says revoked" revoked \
    "$("$CERTPOLICY" -c "$C" query --cert "$PKI/alice.pem" | sed -n 's/^outcome: //p')"

# 8. A cache that someone other than the compiling user (or root) could
# have written is not trusted: its check is a plain SHA-256, so whoever can
# write the file can make any content stand for any certificate's facts.
# forge_cache - a valid-looking cache saying that erin.pem is dave's certificate
forge_cache() {
    _f=$T/forge
    rm -rf "$_f"
    mkdir -p "$_f"
    printf 'database = %s\nclient erin cert=%s\n' "$_f/certpolicy.cdb" "$PKI/dave.pem" >"$_f/conf"
    "$CERTPOLICY" -c "$_f/conf" compile >/dev/null 2>&1
    _c=$_f/certpolicy.cdb.certcache
    _h=$(head -1 "$_c" | wc -c)
    head -c "$_h" "$_c" >"$_f/head"
    tail -c +$((_h + 1)) "$_c" >"$_f/rec"
    head -c 4 "$_f/rec" >"$_f/len"
    tail -c +69 "$_f/rec" >"$_f/facts"
    openssl dgst -sha256 -binary "$CERTS/erin.pem" >"$_f/key"
    cat "$_f/key" "$_f/facts" | openssl dgst -sha256 -binary >"$_f/check"
    cat "$_f/head" "$_f/len" "$_f/key" "$_f/check" "$_f/facts" >"$CACHE"
}
DAVEFP=$(fp_openssl "$PKI/dave.pem" sha256 | tr A-F a-f)
forge_cache
chmod 0644 "$CACHE"
"$CERTPOLICY" -c "$C" compile >/dev/null 2>&1
check "a forged cache of the compiling user is used (the test forges correctly)" \
    grep -q "^$DAVEFP erin$" "$OUT/relay_clientcerts"
forge_cache
chmod 0666 "$CACHE"
same_as_scratch "a forged cache writable by others"
check_not "a forged cache writable by others: dave's certificate is not enrolled as erin" \
    grep -q "^$DAVEFP erin$" "$OUT/relay_clientcerts"
forge_cache
chmod 0664 "$CACHE"
same_as_scratch "a forged cache writable by its group"
if [ "$(id -u)" = 0 ]; then
    forge_cache
    chmod 0644 "$CACHE"
    chown nobody "$CACHE"
    same_as_scratch "a forged cache owned by another user"
    check_not "a forged cache owned by another user: dave's certificate is not enrolled as erin" \
        grep -q "^$DAVEFP erin$" "$OUT/relay_clientcerts"
fi
rm -f "$CACHE"
ln -s /dev/zero "$CACHE"
same_as_scratch "a cache that is a link to a device"
rm -f "$CACHE"
