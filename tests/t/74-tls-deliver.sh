# tls entries judged as Postfix 3.7 judges them, by delivering: a private
# Postfix (the sender) with the compiled smtp_tls_policy_maps relays one
# message per entry to a second private Postfix smtpd with TLS on loopback
# ports (the destination). Every entry certpolicy accepts must deliver;
# every entry it refuses, put in the map by hand, must be deferred by
# Postfix (or, for a fingerprint list that mixes digests, draw Postfix's
# "unusable" warning: certpolicy refuses what Postfix half ignores).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/postfix.sh"
pki
postfix_config
if [ "$(id -u)" != 0 ]; then
    skip "tls entries delivered through Postfix" "needs root (Postfix starts as root)"
    exit 0
fi
free_port S_PORT
D=$(mktemp -d /tmp/certpolicy-tls.XXXXXX)
chmod 0755 "$D"
on_exit 'pf_halt "$D/dest/etc"; pf_halt "$D/send/etc"; rm -rf "$D"'
cp "$PKI/ca.pem" "$PKI/localhost.pem" "$PKI/localhost.key" "$D/"
openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$D/ta-keyonly.pem" 2>/dev/null
echo "not a PEM file" >"$D/ta-empty.pem"
chmod 0644 "$D"/*.pem
LOCALHOST_SHA256=$(fp_openssl "$PKI/localhost.pem" sha256)
LOCALHOST_MD5=$(fp_openssl "$PKI/localhost.pem" md5)
LOCALHOST_SHA1=$(fp_openssl "$PKI/localhost.pem" sha1)

# instance NAME - a Postfix instance's directories, main.cf and master.cf
instance() { pf_instance "$D/$1" "$1"; }

# The cases: number (its next-hop is 127.0.0.1 on port P_<number>), entry
# (after the next-hop), expected.
# "deliver" entries go through certpolicy; the others are refused by it
# and put into a texthash map by hand.
# Whether excluding HIGH leaves a cipher of smtp's default grade depends
# on the OpenSSL release (3.0 keeps none; later ones keep some): certpolicy
# and Postfix must agree either way.
case $(openssl version | cut -d' ' -f2) in
3.0.* | 3.1.*) CASE12=defer ;;
*) CASE12=deliver ;;
esac
cat >"$D/cases" <<CASES
1 fingerprint match=$LOCALHOST_SHA256 deliver
2 secure match=localhost servername=localhost protocols=>=TLSv1.2:<=None deliver
3 verify match=localhost:nexthop servername=hostname deliver
4 encrypt protocols=!SSLv2:!SSLv3 connection_reuse=no connection_reuse=yes deliver
5 fingerprint match=$LOCALHOST_MD5 defer
6 encrypt servername=127.0.0.1 defer
7 encrypt protocols=>=SSLv2 defer
8 fingerprint match=$LOCALHOST_SHA1|$LOCALHOST_SHA256 unusable
9 encrypt exclude=!RC4 defer
10 encrypt exclude=@STRENGTH defer
11 encrypt ciphers=high exclude=HIGH defer
12 encrypt exclude=HIGH $CASE12
13 encrypt exclude=RC4:aNULL:MD5 deliver
14 secure match=localhost tafile=$D/ta-missing.pem defer
15 secure match=localhost tafile=$D/ta-keyonly.pem deliver
16 secure match=localhost tafile=$D/ca.pem deliver
17 secure match=localhost tafile=$D/ta-empty.pem defer
CASES
while read -r n _; do
    free_port "P_$n"
done <"$D/cases"
# port N - the destination's port for case N
port() { eval "echo \$P_$1"; }

# The destination: smtpd with TLS on one loopback port per case.
instance dest
cat >>"$D/dest/etc/main.cf" <<CF
relay_domains =
default_transport = discard:
relay_transport = discard:
smtpd_tls_security_level = may
smtpd_tls_cert_file = $D/localhost.pem
smtpd_tls_key_file = $D/localhost.key
CF
chmod 0600 "$D/localhost.key"
while read -r n _; do
    echo "127.0.0.1:$(port "$n") inet n - n - - smtpd" >>"$D/dest/etc/master.cf"
done <"$D/cases"

# The sender: smtpd for swaks, smtp with the policy maps; d<N>.test goes
# to [127.0.0.1]:<the port of case N>.
instance send
cat >>"$D/send/etc/main.cf" <<CF
relay_domains = test
smtp_host_lookup = native
smtp_tls_security_level = may
smtp_tls_CAfile = $D/ca.pem
smtp_tls_fingerprint_digest = sha256
smtp_tls_loglevel = 1
smtp_tls_policy_maps = cdb:$D/send/etc/tls_policy, texthash:$D/send/etc/refused
transport_maps = texthash:$D/send/etc/transport
CF
echo "127.0.0.1:$S_PORT inet n - n - - smtpd" >>"$D/send/etc/master.cf"
: >"$D/send/etc/refused"
: >"$D/send/etc/transport"
{
    echo "tls_policy_map = cdb:$D/send/etc/tls_policy"
    echo "database = $D/certpolicy.cdb"
    echo "fingerprint_digest = sha256"
} >"$D/certpolicy.conf"
while read -r n level rest; do
    hop="[127.0.0.1]:$(port "$n")"
    expect=${rest##* }
    attrs=${rest% *}
    [ "$attrs" = "$expect" ] && attrs=
    echo "d$n.test smtp:$hop" >>"$D/send/etc/transport"
    echo "tls $hop $level $attrs" >"$D/one.conf"
    run_capture "$T/one.out" "$CERTPOLICY" -c "$D/one.conf" check
    if [ "$expect" = deliver ]; then
        check_eq "case $n ($level $attrs): certpolicy accepts it" "exit 0" "$(tail -1 "$T/one.out")"
        echo "tls $hop $level $attrs" >>"$D/certpolicy.conf"
    else
        check_eq "case $n ($level $attrs): certpolicy refuses it" "exit 1" "$(tail -1 "$T/one.out")"
        echo "$hop $level $attrs" >>"$D/send/etc/refused"
    fi
done <"$D/cases"
check "compile the accepted entries into the sender's map" "$CERTPOLICY" -c "$D/certpolicy.conf" compile

# Case-folded duplicates: postmap keeps the first, so the second would be
# silently lost; certpolicy refuses the pair.
printf 'tls [LocalHost]:%s may\ntls [localhost]:%s secure match=nomatch.example\n' "$S_PORT" "$S_PORT" >"$D/dup.conf"
run_capture "$T/dup.out" "$CERTPOLICY" -c "$D/dup.conf" check
check "case-folded duplicate next-hops: refused" grep -q 'duplicate tls next-hop "\[localhost\]:'"$S_PORT"'" (first on line 1' "$T/dup.out"
printf '[LocalHost]:%s may\n[localhost]:%s secure match=nomatch.example\n' "$S_PORT" "$S_PORT" >"$D/dup"
postmap "cdb:$D/dup" 2>"$T/postmap.err"
check_eq "case-folded duplicate next-hops: postmap keeps only the first" "may" \
    "$(postmap -q "[localhost]:$S_PORT" "cdb:$D/dup")"

for i in dest send; do
    if ! postfix -c "$D/$i/etc" start >"$T/$i.start" 2>&1; then
        fail "start the $i Postfix" "$(cat "$T/$i.start")"
        exit 0
    fi
done
ok "start the sender and destination Postfix instances"
wait_socket "inet:127.0.0.1:$S_PORT" 30
set --
while read -r n _; do set -- "$@" --to "r$n@d$n.test"; done <"$D/cases"
to=$(echo "$@" | sed 's/--to //g; s/ /,/g')
check "one message to every case's next-hop" swaks --server "127.0.0.1:$S_PORT" \
    --from sender@send.test --to "$to" --timeout 20

# status N - the sender's first delivery status for case N, once logged
status() {
    if poll_for "grep -q 'to=<r$1@d$1.test>.* status=' '$D/send/maillog'" 60; then
        grep "to=<r$1@d$1.test>.* status=" "$D/send/maillog" | head -1 | sed 's/.* status=\([a-z]*\).*/\1/'
    else
        echo "no status logged"
    fi
}
while read -r n level rest; do
    expect=${rest##* }
    got=$(status "$n")
    case $expect in
    deliver) check_eq "case $n ($level): Postfix delivers" sent "$got" ;;
    defer) check_eq "case $n ($level): Postfix defers" deferred "$got" ;;
    unusable)
        check_eq "case $n ($level): Postfix delivers with the sha256 fingerprint" sent "$got"
        check "case $n ($level): and warns that the sha1 one is unusable" \
            grep -q "unusable TLSA RR" "$D/send/maillog"
        ;;
    esac
done <"$D/cases"
check "case 5: Postfix says all fingerprints are unusable" grep -q "all fingerprints unusable" "$D/send/maillog"
check "case 6: Postfix names the invalid servername" grep -q 'servername=127.0.0.1" specifies an invalid hostname' "$D/send/maillog"
check "case 7: Postfix names the invalid protocols" grep -qi 'invalid.*protocol\|protocol.*invalid' "$D/send/maillog"
check "case 9: Postfix refuses the '!' in exclude=" grep -q "invalid unary '!+-@' in cipher exclusion: !RC4" "$D/send/maillog"
check "case 10: Postfix refuses the '@' in exclude=" grep -q "invalid unary '!+-@' in cipher exclusion: @STRENGTH" "$D/send/maillog"
check "cases 11 and 12: Postfix has no cipher left" grep -q 'error setting cipher grade' "$D/send/maillog"
check "case 14: Postfix cannot open the tafile" grep -q "error opening trust anchor file: $D/ta-missing.pem" "$D/send/maillog"
echo "tls [127.0.0.1]:$(port 15) secure match=localhost tafile=$D/ta-keyonly.pem" >"$D/one.conf"
run_capture "$T/one.out" "$CERTPOLICY" -c "$D/one.conf" check
check "case 15: certpolicy warns that the tafile holds no trust anchor" \
    grep -q "one.conf:1: warning: tls: tafile=$D/ta-keyonly.pem: no trust anchor (no PEM CERTIFICATE or PUBLIC KEY block): Postfix ignores it and verifies with smtp_tls_CAfile" "$T/one.out"
