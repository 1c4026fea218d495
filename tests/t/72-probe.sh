# Outbound TLS through a real Postfix, and "certpolicy probe" beside it.
#
# Destinations: private Postfix smtpd services on 127.0.0.1, one port per
# case, each with its own certificate and TLS settings: a good
# certificate for its name, a wrong name, self-signed, expired, a
# wildcard, TLS 1.2 at most, no STARTTLS at all. The sender: a private
# Postfix whose smtp uses the map certpolicy compiles
# (smtp_tls_policy_maps = cdb:...) and the test CA, with a transport map
# that sends d<N>.test to case N's next-hop. The script runs in network
# and mount namespaces of its own: 127.0.0.1 is its own loopback, with a
# DNS server (a few lines of perl, below) on port 53 that /etc/resolv.conf
# names, and host names in an /etc/hosts of its own, so the next-hops are
# real names: [mx.good.test]:PORT, good.test:PORT, and domains with MX
# records (partner.test:PORT).
#
# One message per case; the outcome is read from the sender's log
# (status=sent, or deferred), and "certpolicy probe", run against the
# same destinations with the same Postfix settings (MAIL_CONFIG), must
# say the same for every case.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/postfix.sh"
# probe reads Postfix's settings: the private sender's, through postconf
export CERTPOLICY_POSTCONF=postconf
if [ "$(id -u)" != 0 ]; then
    skip "probe and Postfix deliveries" "needs root (Postfix starts as root)"
    exit 0
fi
if [ -z "${CERTPOLICY_PROBE_NS:-}" ]; then
    if unshare -m -n true 2>/dev/null; then
        CERTPOLICY_PROBE_NS=1 exec unshare -m -n --propagation private sh "$0"
    fi
    skip "probe and Postfix deliveries" "cannot make mount and network namespaces (unshare -m -n)"
    exit 0
fi
ip link set lo up || { fail "loopback up in the test's network namespace" "ip link failed"; exit 0; }

# This network namespace is the group's own: no other run can hold a port.
base=30000
S_PORT=$base
D=/tmp/certpolicy-probe.$$
rm -rf "$D"
mkdir -p "$D/pki/new"
chmod 0755 "$D" "$D/pki"
on_exit "rm -rf '$D'"
on_exit "postfix -c '$D/send/etc' stop >/dev/null 2>&1"
on_exit "postfix -c '$D/dest/etc' stop >/dev/null 2>&1"

# The names, all on 127.0.0.1, for this script and the Postfix it starts.
{
    echo "127.0.0.1 localhost"
    for n in mx.good.test good.test mx.wrong.test mx.self.test mx.old.test mx.wild.test \
        mx.tls12.test mx.plain.test; do
        echo "127.0.0.1 $n"
    done
} >"$D/hosts"
printf 'nameserver 127.0.0.1\noptions timeout:2 attempts:2\n' >"$D/resolv.conf"
chmod 0644 "$D/hosts" "$D/resolv.conf"
if ! mount --bind "$D/hosts" /etc/hosts || ! mount --bind "$D/resolv.conf" /etc/resolv.conf; then
    skip "probe and Postfix deliveries" "cannot bind-mount /etc/hosts and /etc/resolv.conf"
    exit 0
fi
check_eq "the test's own /etc/hosts is in force" "127.0.0.1" \
    "$(getent hosts mx.good.test | cut -d' ' -f1)"

# dns_server ZONE - answer A and MX questions on 127.0.0.1:53 from ZONE
# ("NAME A ADDRESS" and "NAME MX PREF HOST" lines): NXDOMAIN for names
# not in it, no answer for other types; "listening" in its output once
# it listens
dns_server() {
    perl -MIO::Socket::INET -e '
        my (%rr, %known);
        open(my $z, "<", $ARGV[0]) or die "$ARGV[0]: $!\n";
        while (<$z>) { my ($n, $t, @v) = split; next unless $t; $known{lc $n} = 1; push @{$rr{lc($n) . " $t"}}, [@v] }
        my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => 53, Proto => "udp")
            or die "udp 53: $!\n";
        $| = 1; print "listening\n";
        sub enc { join("", map { chr(length $_) . $_ } split /\./, shift) . "\0" }
        while (defined(my $peer = $s->recv(my $q, 512))) {
            next if length($q) < 17;
            my ($id, undef, $qd) = unpack("n n n", $q);
            next unless $qd == 1;
            my ($p, @l) = (12);
            while ($p < length($q) && (my $len = ord substr($q, $p, 1)) > 0) { push @l, substr($q, $p + 1, $len); $p += $len + 1 }
            my $name = lc join(".", @l);
            my ($type) = unpack("n", substr($q, $p + 1, 2));
            my $question = substr($q, 12, $p + 5 - 12);
            my $t = $type == 15 ? "MX" : $type == 1 ? "A" : "-";
            my @ans = map { my $rd = $t eq "MX" ? pack("n", $_->[0]) . enc($_->[1]) : pack("C4", split /\./, $_->[0]);
                pack("n n n N n", 0xc00c, $type, 1, 60, length $rd) . $rd } @{$rr{"$name $t"} || []};
            $s->send(pack("n6", $id, 0x8180 | ($known{$name} ? 0 : 3), 1, scalar @ans, 0, 0)
                . $question . join("", @ans), 0, $peer);
        }' "$1" >"$T/dns.out" 2>&1 &
    on_exit "kill $! 2>/dev/null"
    wait_for "grep -q listening '$T/dns.out'" 30 "the DNS server to listen"
}
cat >"$D/zone" <<ZONE
partner.test MX 10 mx.good.test
twomx.test MX 5 gone.test
twomx.test MX 10 mx.good.test
nomx.test A 127.0.0.1
mx.good.test A 127.0.0.1
ZONE
dns_server "$D/zone"
check "the test's DNS server answers" sh -c "getent hosts nomx.test | grep -q 127.0.0.1"

# --- certificates: a CA, another CA, and the destinations' certificates
P=$D/pki
cat >"$P/ca.cnf" <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $P
certificate = $P/ca.pem
private_key = $P/ca.key
database = $P/index.txt
new_certs_dir = $P/new
serial = $P/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
[ server_ext ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = \$ENV::SAN
[ req ]
distinguished_name = dn
[ dn ]
CNF
: >"$P/index.txt"
echo 1000 >"$P/serial"
stamp() { date -u -d "$1" +%Y%m%d%H%M%SZ; }
# mkca NAME CN - a self-signed CA
mkca() {
    openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
        -keyout "$P/$1.key" -out "$P/$1.pem" -subj "/CN=$2" -days 3650 \
        -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}
# leaf NAME SAN START END - a server certificate from the test CA
leaf() {
    SAN=$2 openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$P/$1.key" \
        -subj "/CN=$1" -out "$P/$1.csr" -config "$P/ca.cnf" &&
        SAN=$2 openssl ca -batch -config "$P/ca.cnf" -in "$P/$1.csr" -out "$P/$1.pem" -notext \
            -startdate "$3" -enddate "$4" -extensions server_ext
}
{
    mkca ca "Probe Test CA" && mkca otherca "Another CA" &&
        leaf good DNS:mx.good.test "$(stamp '1 day ago')" "$(stamp '365 days')" &&
        leaf wrong DNS:mx.other.test "$(stamp '1 day ago')" "$(stamp '365 days')" &&
        leaf old DNS:mx.old.test 20200101000000Z 20210101000000Z &&
        leaf wild "DNS:*.wild.test" "$(stamp '1 day ago')" "$(stamp '365 days')" &&
        openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
            -keyout "$P/self.key" -out "$P/self.pem" -subj "/CN=mx.self.test" -days 365 \
            -addext subjectAltName=DNS:mx.self.test
} >"$T/pki.log" 2>&1 || {
    fail "make the test certificates" "$(tail -5 "$T/pki.log")"
    exit 0
}
chmod 0644 "$P"/*.pem
chmod 0600 "$P"/*.key
GOOD_FP=$(fp_openssl "$P/good.pem" sha256)
GOOD_PKFP=$(pubfp_openssl "$P/good.pem" sha256)
WRONG_FP=$(fp_openssl "$P/wrong.pem" sha256)
SELF_FP=$(fp_openssl "$P/self.pem" sha256)
OLD_PKFP=$(pubfp_openssl "$P/old.pem" sha256)
GOOD_MD5=$(fp_openssl "$P/good.pem" md5)
# 100 match= patterns, the last one right (no list is cut short)
MANY=$(awk 'BEGIN { for (i = 1; i < 100; i++) printf "x%d.test:", i; print "mx.good.test" }')

# --- the cases: N, Postfix's outcome as expected (deliver, defer, or
# "either" where it depends on the OpenSSL release), destination kind,
# next-hop host ([name] or a domain), the entry. The next-hop is
# HOST:(base + N). Kinds: good (mx.good.test, by the test CA), wrong
# (mx.other.test), self (self-signed mx.self.test), old (expired
# mx.old.test), wild (*.wild.test), tls12 (good, at most TLS 1.2), plain
# (no STARTTLS).
cat >"$D/cases" <<CASES
1 deliver good [mx.good.test] may
2 deliver good [mx.good.test] encrypt
3 deliver good [mx.good.test] verify
4 deliver good [mx.good.test] secure
5 deliver good [mx.good.test] secure match=hostname
6 deliver good [mx.good.test] secure match=nexthop
7 deliver good [mx.good.test] secure match=mx.good.test
8 deliver good [mx.good.test] secure match=.good.test
9 defer good [mx.good.test] secure match=other.test:.other.test
10 deliver good good.test secure
11 defer good good.test secure match=nexthop
12 deliver good good.test secure match=dot-nexthop
13 defer good good.test verify
14 deliver good good.test verify match=hostname:dot-nexthop
15 deliver good good.test secure match=.test
16 deliver good [mx.good.test] fingerprint match=$GOOD_FP
17 deliver good [mx.good.test] fingerprint match=$GOOD_PKFP
18 defer good [mx.good.test] fingerprint match=$WRONG_FP
19 deliver good [mx.good.test] fingerprint match=$WRONG_FP|$GOOD_PKFP
20 deliver good [mx.good.test] secure tafile=$P/ca.pem
21 defer good [mx.good.test] secure tafile=$P/otherca.pem
22 deliver good [mx.good.test] encrypt ciphers=high
23 deliver good [mx.good.test] encrypt protocols=<=TLSv1.2 ciphers=high exclude=AES256
24 deliver good [mx.good.test] secure protocols=>=TLSv1.3
25 defer wrong [mx.wrong.test] secure
26 defer wrong [mx.wrong.test] verify
27 deliver wrong [mx.wrong.test] encrypt
28 deliver wrong [mx.wrong.test] secure match=mx.other.test
29 deliver wrong [mx.wrong.test] fingerprint match=$WRONG_FP
30 defer self [mx.self.test] secure
31 defer self [mx.self.test] verify
32 deliver self [mx.self.test] encrypt
33 deliver self [mx.self.test] fingerprint match=$SELF_FP
34 deliver self [mx.self.test] verify tafile=$P/self.pem
35 defer old [mx.old.test] secure
36 deliver old [mx.old.test] encrypt
37 either old [mx.old.test] fingerprint match=$OLD_PKFP
38 deliver wild [mx.wild.test] verify
39 defer wild [mx.wild.test] secure match=wild.test
40 deliver wild [mx.wild.test] secure match=.wild.test
41 defer tls12 [mx.tls12.test] encrypt protocols=>=TLSv1.3
42 deliver tls12 [mx.tls12.test] encrypt protocols=>=TLSv1.2
43 defer tls12 [mx.tls12.test] secure protocols=TLSv1.3
44 deliver tls12 [mx.tls12.test] may protocols=>=TLSv1.3
45 deliver plain [mx.plain.test] may
46 defer plain [mx.plain.test] encrypt
47 deliver plain [mx.plain.test] none
48 defer plain [mx.plain.test] secure
49 deliver good partner.test verify
50 defer good partner.test secure
51 deliver good partner.test secure match=hostname
52 defer wrong partner.test verify
53 deliver good partner.test secure match=.good.test
54 deliver good partner.test fingerprint match=$GOOD_PKFP
55 deliver good nomx.test encrypt
56 defer good nomx.test verify
57 deliver good twomx.test verify
58 deliver good [mx.good.test] encrypt exclude=
59 deliver good [mx.good.test] encrypt protocols=
60 deliver good [mx.good.test] none ciphers=high
87 deliver good [mx.good.test] secure match=.:mx.good.test
88 deliver good [mx.good.test] secure match=mx.good.test::x.test
89 deliver good [mx.good.test] fingerprint match=$GOOD_FP||$WRONG_FP
90 deliver good [mx.good.test] encrypt protocols=>=TLSv1.2::<=TLSv1.3
91 deliver good [mx.good.test] secure match=$MANY
CASES

# Lines "certpolicy check" refuses, put into a second map by hand
# (texthash, after the compiled one), each to its own port of a "good"
# destination: N, Postfix's outcome as expected, the entry. Postfix must
# refuse each: its policy error or a deferral.
cat >"$D/refused" <<REFUSED
61 defer secure match=
62 defer maybe
63 defer encrypt match=mx.good.test
64 defer may tafile=$P/ca.pem
65 defer may match=mx.good.test
66 defer encrypt foo=bar
67 defer fingerprint
68 defer encrypt ciphers=high ciphers=medium
69 defer encrypt protocols=TLSv1.2 protocols=TLSv1.3
70 defer encrypt servername=-bad
71 defer encrypt servername=
72 defer encrypt servername=127.0.0.1
73 defer encrypt ciphers=ultra
74 defer encrypt ciphers=
75 defer encrypt protocols=TLSv9
76 defer encrypt protocols=>=SSLv2
77 defer encrypt connection_reuse=maybe
78 defer encrypt connection_reuse=
79 defer encrypt exclude=!RC4
80 defer encrypt exclude=@STRENGTH
81 defer fingerprint match=$GOOD_MD5
82 defer secure tafile=$D/missing.pem
83 defer secure match=mx.good.test|x.test
84 defer verify match=mx..good.test
85 defer secure match=.
86 defer secure match=::
REFUSED

# hop N HOST - case N's next-hop
hop() { echo "$2:$((base + $1))"; }

# --- Postfix instances
# instance NAME - a Postfix instance's directories, main.cf and master.cf
instance() { pf_instance "$D/$1" "$1"; }

# The destination: one smtpd per case, with its kind's certificate.
instance dest
cat >>"$D/dest/etc/main.cf" <<CF
relay_domains =
default_transport = discard:
relay_transport = discard:
smtpd_tls_security_level = may
CF
while read -r n _ kind _; do
    cert=$kind opts=
    case $kind in
    tls12) cert=good opts=" -o smtpd_tls_protocols=<=TLSv1.2" ;;
    plain) cert=good opts=" -o smtpd_tls_security_level=none" ;;
    esac
    printf '127.0.0.1:%s inet n - n - - smtpd\n  -o smtpd_tls_cert_file=%s -o smtpd_tls_key_file=%s%s\n' \
        "$((base + n))" "$P/$cert.pem" "$P/$cert.key" "$opts" >>"$D/dest/etc/master.cf"
done <"$D/cases"
while read -r n _; do
    printf '127.0.0.1:%s inet n - n - - smtpd\n  -o smtpd_tls_cert_file=%s -o smtpd_tls_key_file=%s\n' \
        "$((base + n))" "$P/good.pem" "$P/good.key" >>"$D/dest/etc/master.cf"
done <"$D/refused"

# The sender: smtpd for swaks; smtp with the compiled map, the test CA,
# host names from /etc/hosts and DNS; a deferred message is tried again within
# seconds (and a "may" handshake failure then falls back to plain text).
instance send
cat >>"$D/send/etc/main.cf" <<CF
relay_domains = test
smtp_host_lookup = native
smtp_dns_support_level = enabled
smtp_tls_security_level = may
smtp_tls_CAfile = $P/ca.pem
smtp_tls_fingerprint_digest = sha256
smtp_tls_loglevel = 1
smtp_tls_policy_maps = cdb:$D/send/etc/tls_policy, texthash:$D/send/etc/refused
transport_maps = texthash:$D/send/etc/transport
minimal_backoff_time = 1s
maximal_backoff_time = 2s
queue_run_delay = 1s
CF
echo "127.0.0.1:$S_PORT inet n - n - - smtpd" >>"$D/send/etc/master.cf"
{
    echo "tls_policy_map = cdb:$D/send/etc/tls_policy"
    echo "database = $D/certpolicy.cdb"
    echo "fingerprint_digest = sha256"
} >"$D/certpolicy.conf"
: >"$D/send/etc/transport"
while read -r n _ _ host entry; do
    h=$(hop "$n" "$host")
    echo "d$n.test smtp:$h" >>"$D/send/etc/transport"
    echo "tls $h $entry" >>"$D/certpolicy.conf"
done <"$D/cases"
export MAIL_CONFIG="$D/send/etc"
check "certpolicy accepts and compiles every case's entry" "$CERTPOLICY" -c "$D/certpolicy.conf" compile
: >"$D/send/etc/refused"
while read -r n _ entry; do
    h=$(hop "$n" "[mx.good.test]")
    echo "d$n.test smtp:$h" >>"$D/send/etc/transport"
    printf 'database = %s/one.cdb\ntls %s %s\n' "$D" "$h" "$entry" >"$D/one.conf"
    run_capture "$T/one.out" "$CERTPOLICY" -c "$D/one.conf" check
    check_eq "refused $n ($entry): certpolicy check refuses it" "exit 1" "$(tail -1 "$T/one.out")"
    echo "$h $entry" >>"$D/send/etc/refused"
done <"$D/refused"

for i in dest send; do
    if ! postfix -c "$D/$i/etc" start >"$T/$i.start" 2>&1; then
        fail "start the $i Postfix" "$(cat "$T/$i.start")"
        exit 0
    fi
done
ok "start the sender and destination Postfix instances"
wait_socket "inet:127.0.0.1:$S_PORT" 30
wait_socket "inet:127.0.0.1:$((base + $(tail -1 "$D/cases" | cut -d' ' -f1)))" 30
to=$(cat "$D/cases" "$D/refused" | awk '{ printf "%sr%s@d%s.test", (NR > 1 ? "," : ""), $1, $1 }')
check "one message to every case's next-hop" swaks --server "127.0.0.1:$S_PORT" \
    --from sender@send.test --to "${to:?}" --timeout 20 </dev/null

# --- probe, while the messages go
run_capture "$T/probe.out" "$CERTPOLICY" -c "$D/certpolicy.conf" probe
"$CERTPOLICY" -c "$D/certpolicy.conf" probe --json >"$T/probe.json.body" 2>"$T/probe.json.err"
check_eq "probe exits 1 when a destination would defer" "exit 1" "$(tail -1 "$T/probe.out")"

# Every case's first status, once logged (a fact; bounded at about two
# minutes in all).
ncases=$(cat "$D/cases" "$D/refused" | wc -l)
all_logged() {
    [ "$(grep -o 'to=<r[0-9]*@d[0-9]*.test>.* status=' "$D/send/maillog" 2>/dev/null |
        sed 's/>.*//' | sort -u | wc -l)" -ge "$ncases" ]
}
poll_for all_logged 120
# status N - the sender's first delivery status for case N
status() {
    _s=$(grep "to=<r$1@d$1.test>.* status=" "$D/send/maillog" 2>/dev/null | head -1 |
        sed 's/.* status=\([a-z]*\).*/\1/')
    echo "${_s:-no status logged}"
}
# sent_later N - case N was deferred first: is it sent on a later attempt?
sent_later() {
    if poll_for "grep -q 'to=<r$1@d$1.test>.* status=sent' '$D/send/maillog'" 30; then
        echo sent
    else
        echo "still deferred"
    fi
}
# probe_outcome N HOST - probe's outcome for case N's next-hop
probe_outcome() {
    _o=$(awk -v h="$(hop "$1" "$2")" '$1 == h' "$T/probe.out" | head -1 |
        sed -n 's/^[^ ]* [^ ]*\( [^ ]*\)\{0,1\}: \(deliver\|defer\|unchecked\): .*/\2/p')
    echo "${_o:-no row}"
}

while read -r n expect kind host entry; do
    level=${entry%% *}
    got=$(status "$n")
    if [ "$got" = deferred ] && [ "$level" = may ]; then
        # A handshake failure at level may: the first attempt is deferred,
        # a later one goes without TLS (smtp.h, PLAINTEXT_FALLBACK_OK_...).
        grep "to=<r$n@d$n.test>.* status=deferred" "$D/send/maillog" | head -1 |
            grep -q "Cannot start TLS: handshake failure" && got=$(sent_later "$n")
    fi
    case $got in
    sent) pf=deliver ;;
    deferred) pf=defer ;;
    *) pf=$got ;;
    esac
    if [ "$expect" != either ]; then
        check_eq "case $n ($entry, to $host): Postfix's outcome" "$expect" "$pf"
    fi
    check_eq "case $n ($entry, to $host): probe agrees with Postfix" "$pf" "$(probe_outcome "$n" "$host")"
    echo "case $n: $host ($kind): $entry -> Postfix $pf, probe $(probe_outcome "$n" "$host")" >>"$T/summary"
    if [ "$pf" = defer ]; then
        # The reason, in Postfix's words: the phrase of its deferral is in probe's.
        pfwhy=$(grep "to=<r$n@d$n.test>.* status=deferred" "$D/send/maillog" | head -1 |
            sed 's/.* status=deferred (//')
        phrase=
        for p in "Server certificate not verified" "Cannot start TLS: handshake failure" \
            "TLS is required, but was not offered"; do
            case $pfwhy in *"$p"*) phrase=$p ;; esac
        done
        if [ -n "$phrase" ]; then
            check "case $n: probe's reason says \"$phrase\", as Postfix does" \
                sh -c "awk -v h='$(hop "$n" "$host")' '\$1 == h' '$T/probe.out' | grep -q '$phrase'"
        else
            fail "case $n: Postfix's reason is one of the known phrases" "$pfwhy"
        fi
    fi
done <"$D/cases"

while read -r n expect entry; do
    got=$(status "$n")
    case $got in sent) pf=deliver ;; deferred) pf=defer ;; *) pf=$got ;; esac
    check_eq "refused $n ($entry): Postfix refuses it too" "$expect" "$pf"
    echo "refused $n: $entry -> Postfix $pf" >>"$T/summary"
done <"$D/refused"
check_eq "no TLS policy error in Postfix's log for any entry certpolicy accepts" "" \
    "$(grep 'TLS policy lookup for' "$D/send/maillog" | grep -v -F "$(sed 's/ .*//' "$D/send/etc/refused")" | head -3)"

# --- the reasons, in Postfix's words
reason() { awk -v h="$(hop "$1" "$2")" '$1 == h' "$T/probe.out" | head -1; }
check "case 25: probe names the mismatch and the certificate's name" \
    sh -c "echo '$(reason 25 '[mx.wrong.test]')' | grep -q 'Server certificate not verified: .*hostname mismatch (the certificate is for mx.other.test)'"
check "case 30: probe says self-signed" \
    sh -c "echo '$(reason 30 '[mx.self.test]')' | grep -q 'self-signed certificate'"
check "case 35: probe says expired" \
    sh -c "echo '$(reason 35 '[mx.old.test]')' | grep -q 'certificate has expired'"
check "case 46: probe says what Postfix says" \
    sh -c "echo '$(reason 46 '[mx.plain.test]')' | grep -q 'TLS is required, but was not offered by host mx.plain.test\[127.0.0.1\]:$((base + 46))'"
check "case 46: Postfix said it" grep -q "TLS is required, but was not offered by host mx.plain.test\[127.0.0.1\]" "$D/send/maillog"
check "case 18: probe shows the certificate's fingerprints" \
    sh -c "echo '$(reason 18 '[mx.good.test]')' | grep -q 'fingerprint=$GOOD_FP, pkey_fingerprint=$GOOD_PKFP'"
check "case 41: probe says the handshake failed, as Postfix does" \
    sh -c "echo '$(reason 41 '[mx.tls12.test]')' | grep -q 'Cannot start TLS: handshake failure'"
check "case 4: probe shows the protocol and cipher" \
    sh -c "echo '$(reason 4 '[mx.good.test]')' | grep -q 'deliver: TLS, verified, matched name mx.good.test (TLSv1.3 with cipher TLS_'"

# --- JSON: an array of objects with the fields the contract names
check "probe --json prints valid JSON with every field, one object per server" perl -MJSON::PP -e '
    local $/; my $rows = decode_json(<STDIN>);
    die "not '"$(wc -l <"$D/cases")"' rows\n" unless @$rows == '"$(wc -l <"$D/cases")"';
    for my $r (@$rows) { for (qw(nexthop level host address port outcome reason protocol cipher)) {
        die "no $_\n" unless exists $r->{$_} } }
    my ($r4) = grep { $_->{nexthop} eq "[mx.good.test]:'$((base + 4))'" } @$rows;
    die "case 4\n" unless $r4->{outcome} eq "deliver" && $r4->{level} eq "secure"
        && $r4->{host} eq "mx.good.test" && $r4->{address} eq "127.0.0.1"
        && $r4->{port} == '$((base + 4))' && $r4->{protocol} eq "TLSv1.3";' <"$T/probe.json.body"

# --- next-hops named on the command line: found as Postfix finds them
run_capture "$T/named.out" "$CERTPOLICY" -c "$D/certpolicy.conf" probe "$(hop 4 '[MX.GOOD.TEST]')"
check "a named next-hop takes its entry without regard to case" \
    grep -q "^\[MX.GOOD.TEST\]:$((base + 4)) secure MX.GOOD.TEST\[127.0.0.1\]:$((base + 4)): deliver: TLS, verified" "$T/named.out"
check_eq "probe exits 0 when every destination would deliver" "exit 0" "$(tail -1 "$T/named.out")"
run_capture "$T/named.out" "$CERTPOLICY" -c "$D/certpolicy.conf" probe "$(hop 30 '[mx.good.test]')"
check "a next-hop without an entry gets smtp_tls_security_level (may)" \
    grep -q "^\[mx.good.test\]:$((base + 30)) may .*: deliver: TLS, no certificate check at level may" "$T/named.out"
run_capture "$T/usage.out" "$CERTPOLICY" -c "$D/certpolicy.conf" probe --bogus
check_eq "probe with an unknown option exits 2" "exit 2" "$(tail -1 "$T/usage.out")"

# --- limits: probe_timeout and probe_max_reply, crossed by servers that
# say nothing, or too much. perl_server MODE PORT: silent (accepts, never
# speaks) or big (a greeting of 200 lines, then silence); "listening" in
# its output once it listens.
perl_server() {
    perl -MIO::Socket::INET -e '
        my ($mode, $port) = @ARGV; $| = 1;
        my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $port,
            Listen => 5, ReuseAddr => 1) or die "listen: $!\n";
        print "listening\n"; my @held;
        while (my $c = $s->accept) {
            if ($mode eq "big") { print $c "220-" . ("x" x 66) . "\r\n" for 1 .. 199; print $c "220 ok\r\n" }
            if ($mode eq "refuse") { print $c "554 5.7.1 no thanks\r\n" }
            push @held, $c;
        }' "$1" "$2" >"$T/perl.$1" 2>&1 &
    echo $! >"$T/perl.$1.pid"
    on_exit "kill $! 2>/dev/null"
    wait_for "grep -q listening '$T/perl.$1'" 30 "the $1 server to listen"
}
SILENT=$((base + 200)) BIG=$((base + 201)) REFUSE=$((base + 203))
perl_server silent "$SILENT"
perl_server big "$BIG"
perl_server refuse "$REFUSE"
printf 'database = %s/c2.cdb\ntls [127.0.0.1]:%s encrypt\ntls [127.0.0.1]:%s encrypt\n' "$D" "$SILENT" "$BIG" >"$D/limits.conf"
run_capture "$T/limits.out" "$CERTPOLICY" -o probe_timeout=1 -c "$D/limits.conf" probe
check "a silent server: defer after probe_timeout, not a hang" \
    grep -q "^\[127.0.0.1\]:$SILENT encrypt .*: defer: conversation with 127.0.0.1\[127.0.0.1\]:$SILENT timed out (after 1 s, probe_timeout) while receiving the initial server greeting" "$T/limits.out"
check "a 14 kB greeting is within the default probe_max_reply (the EHLO reply then times out)" \
    grep -q "^\[127.0.0.1\]:$BIG encrypt .*: defer: .*timed out (after 1 s, probe_timeout) while receiving the EHLO response" "$T/limits.out"
run_capture "$T/limits.out" "$CERTPOLICY" -o probe_timeout=1 -o probe_max_reply=4096 -c "$D/limits.conf" probe "[127.0.0.1]:$BIG"
check "a greeting longer than probe_max_reply: defer, naming the limit" \
    grep -q "defer: reply from 127.0.0.1\[127.0.0.1\]:$BIG to the initial server greeting is longer than 4096 bytes (probe_max_reply)" "$T/limits.out"
run_capture "$T/limits.out" "$CERTPOLICY" -o probe_timeout=1 -c "$D/limits.conf" probe "[127.0.0.1]:$REFUSE"
check "a server that greets with 554: defer, with its reply" \
    grep -q "defer: host 127.0.0.1\[127.0.0.1\]:$REFUSE refused to talk to me: 554 5.7.1 no thanks" "$T/limits.out"
run_capture "$T/limits.out" "$CERTPOLICY" -o probe_timeout=0 -c "$D/limits.conf" probe
check_eq "probe_timeout below its range is refused" "exit 2" "$(tail -1 "$T/limits.out")"
printf 'database = %s/c3.cdb\ntls [127.0.0.1]:%s dane\ntls .good.test secure\n' "$D" "$((base + 4))" >"$D/unchecked.conf"
run_capture "$T/unchecked.out" "$CERTPOLICY" -c "$D/unchecked.conf" probe
check "a dane entry is reported as not checked" \
    grep -q "^\[127.0.0.1\]:$((base + 4)) dane: unchecked: level dane is not checked by probe" "$T/unchecked.out"
check "a .domain entry is reported as not checked" \
    grep -q '^.good.test secure: unchecked: ".good.test" names the subdomains of good.test' "$T/unchecked.out"
check_eq "entries not checked do not make probe fail" "exit 0" "$(tail -1 "$T/unchecked.out")"
run_capture "$T/unchecked.out" "$CERTPOLICY" -c "$D/unchecked.conf" probe "[ipv6:::1]:$((base + 4))"
check "an [ipv6:ADDRESS] next-hop is that address (inet_protocols = ipv4 here: a defer)" \
    grep -q '^\[ipv6:::1\]:'"$((base + 4))"' may: defer: .*name=::1 ' "$T/unchecked.out"
run_capture "$T/limits.out" "$CERTPOLICY" -c "$D/limits.conf" probe "[127.0.0.1]:$((base + 202))"
check "nothing listening: defer, connection refused" \
    grep -q "defer: connect to 127.0.0.1\[127.0.0.1\]:$((base + 202)): Connection refused" "$T/limits.out"

# --- Postfix's settings: postconf's output is bounded, and its failure stops the run
mkdir -p "$T/fakebin"
printf '#!/bin/sh\nhead -c 5000000 /dev/zero | tr "\\000" x\n' >"$T/fakebin/postconf"
chmod 0755 "$T/fakebin/postconf"
run_capture "$T/postconf.out" env CERTPOLICY_POSTCONF="$T/fakebin/postconf" "$CERTPOLICY" -c "$D/limits.conf" probe
check "postconf output beyond POSTCONF_MAX_OUTPUT: probe stops, naming the size" \
    grep -q "cannot read Postfix's settings: $T/fakebin/postconf printed more than 4194304 bytes" "$T/postconf.out"
check_eq "and exits 1" "exit 1" "$(tail -1 "$T/postconf.out")"
printf '#!/bin/sh\necho "postconf: fatal: open /nowhere/main.cf: No such file or directory" >&2\nexit 1\n' >"$T/fakebin/postconf"
run_capture "$T/postconf.out" env CERTPOLICY_POSTCONF="$T/fakebin/postconf" "$CERTPOLICY" -c "$D/limits.conf" probe
check "a postconf that fails: probe says so, with postconf's own message" \
    grep -q "cannot read Postfix's settings: .*postconf: fatal: open /nowhere/main.cf" "$T/postconf.out"
run_capture "$T/postconf.out" env CERTPOLICY_POSTCONF=none "$CERTPOLICY" -c "$D/limits.conf" probe
check "CERTPOLICY_POSTCONF = none: probe refuses to guess Postfix's settings" \
    grep -q "CERTPOLICY_POSTCONF = none: probe needs Postfix's settings" "$T/postconf.out"
