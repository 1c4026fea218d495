# CRLs behind HTTP redirects, served by tests/tools/http_serve: 301, 302
# (with a relative Location), 303, 307 and 308 are followed up to
# fetch_redirects hops, all within one fetch_timeout; a loop, one hop too
# many and a redirect to https are errors that name the URLs. An OCSP POST
# is not redirected (OpenSSL's client refuses), and the message says so.
. "$SRCDIR/tests/lib.sh"
SERVE=$BUILDDIR/tests/tools/http_serve
free_port P
free_port P_HANG
U=http://127.0.0.1:$P
PKI=$T/pki
CRL_URL=$U/ca.crl sh "$SRCDIR/tests/pki/mkpki" "$PKI" >"$T/pki.log" 2>&1 || { fail "mkpki" "$(tail -3 "$T/pki.log")"; exit 0; }
cd "$PKI" || exit 1
PIDS=
on_exit 'kill $PIDS 2>/dev/null'

# serve LOG ARGS... - http_serve in the background; returns once it listens
serve() {
    _log=$1
    shift
    "$SERVE" "$@" >"$_log" 2>&1 &
    PIDS="$PIDS $!"
    wait_for "grep -q '^listening' '$_log'" 30 "http_serve $* to listen"
}

openssl ca -config ca.cnf -revoke carol.pem -crl_reason keyCompromise >/dev/null 2>&1
openssl ca -config ca.cnf -gencrl -out "$T/crl.pem" >/dev/null 2>&1
openssl crl -in "$T/crl.pem" -outform DER -out "$T/ca.crl"

serve "$T/serve.log" -p "$P" \
    -R /301=301:$U/302 -R /302=302:/307 -R /307=307:$U/ca.crl \
    -R /303=303:$U/308 -R /308=308:$U/ca.crl \
    -R /loop-a=302:$U/loop-b -R /loop-b=301:$U/loop-a \
    -R /h1=301:$U/h2 -R /h2=301:$U/h3 -R /h3=301:$U/h4 -R /h4=301:$U/ca.crl \
    -R /tls=301:https://127.0.0.1:$P/ca.crl \
    -R /slow=302:http://127.0.0.1:$P_HANG/ca.crl "$T/ca.crl"
serve "$T/hang.log" -p "$P_HANG" -m hang

# refresh_from PATH [SETTING...] - refresh with crl_source = $U/PATH
refresh_from() {
    _path=$1
    shift
    {
        echo "database = $T/db.cdb"
        echo "status_database = $T/status-$_path.cdb"
        echo "client_ca_file = $PKI/ca.pem"
        echo "revocation_check = crl"
        echo "crl_source = $U/$_path"
        echo "fetch_timeout = 2s"
        for s in "$@"; do echo "$s"; done
        echo "client alice cert=$PKI/alice.pem"
        echo "client carol cert=$PKI/carol.pem"
    } >"$T/c.conf"
    "$CERTPOLICY" -c "$T/c.conf" compile >"$T/compile.out" 2>&1 || cat "$T/compile.out"
    run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" refresh
}
state() { cdb -q "$T/status-$1.cdb" "s:$(fp_openssl "$PKI/$2.pem" sha256)" 2>/dev/null | cut -f1,2; }

# 301 -> 302 (relative Location) -> 307 -> the CRL: three hops, the default.
refresh_from 301
check_eq "301, 302, 307: refreshed" "exit 0" "$(tail -1 "$T/out")"
check_eq "301, 302, 307: alice good" "good	crl" "$(state 301 alice)"
check_eq "301, 302, 307: carol revoked" "revoked	crl" "$(state 301 carol)"
check_eq "301, 302, 307: every hop was asked once" "/301 /302 /307 /ca.crl" \
    "$(sed -n '/^\//p' "$T/serve.log" | tr '\n' ' ' | sed 's/ $//')"
refresh_from 303
check_eq "303 -> 308: refreshed" "exit 0" "$(tail -1 "$T/out")"
check_eq "303 -> 308: carol revoked" "revoked	crl" "$(state 303 carol)"

# Exactly fetch_redirects hops are followed; one more is an error naming them.
refresh_from h2
check_eq "three hops with fetch_redirects = 3: refreshed" "exit 0" "$(tail -1 "$T/out")"
refresh_from h1
check "four hops: one too many, the URLs named" grep -q \
    "crl $U/h1: more than fetch_redirects (3) redirects: $U/h1 -> $U/h2 -> $U/h3 -> $U/h4 -> $U/ca.crl\$" "$T/out"
check_eq "four hops: exit 1" "exit 1" "$(tail -1 "$T/out")"
check_eq "four hops: nothing recorded" "" "$(state h1 alice)"
refresh_from h1 "fetch_redirects = 4"
check_eq "four hops with fetch_redirects = 4: refreshed" "exit 0" "$(tail -1 "$T/out")"
refresh_from 307 "fetch_redirects = 0"
check "fetch_redirects = 0: no redirect followed" grep -q \
    "crl $U/307: more than fetch_redirects (0) redirects: $U/307 -> $U/ca.crl\$" "$T/out"

# A loop and a redirect to https: errors naming the URLs.
refresh_from loop-a
check "a loop: named" grep -q "crl $U/loop-a: redirect loop: $U/loop-a -> $U/loop-b -> $U/loop-a\$" "$T/out"
check_eq "a loop: exit 1" "exit 1" "$(tail -1 "$T/out")"
refresh_from tls
check "to https: refused, named" grep -q \
    "crl $U/tls: redirected to a URL that is not http://: $U/tls -> https://127.0.0.1:$P/ca.crl\$" "$T/out"

# A redirect to a server that never answers: the whole fetch within one
# fetch_timeout (2s), not one per hop.
start=$(date +%s%N)
refresh_from slow
elapsed=$((($(date +%s%N) - start) / 1000000))
check_eq "redirect to a hanging server: exit 1" "exit 1" "$(tail -1 "$T/out")"
check "redirect to a hanging server: done within fetch_timeout (${elapsed} ms)" [ "$elapsed" -lt 3500 ]
check "redirect to a hanging server: the chain is named" grep -q \
    "crl $U/slow: .* (after redirects: $U/slow -> http://127.0.0.1:$P_HANG/ca.crl)\$" "$T/out"

# An OCSP request is a POST, and OpenSSL's client follows no redirect of a
# POST: the message says so rather than only OpenSSL's words.
{
    echo "database = $T/db.cdb"
    echo "status_database = $T/status-ocsp.cdb"
    echo "client_ca_file = $PKI/ca.pem"
    echo "revocation_check = ocsp"
    echo "ocsp_responder = $U/307"
    echo "fetch_timeout = 2s"
    echo "client alice cert=$PKI/alice.pem"
} >"$T/c.conf"
"$CERTPOLICY" -c "$T/c.conf" compile >/dev/null 2>&1
run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" refresh
check "a redirected OCSP POST: says it is not followed" grep -q \
    "ocsp $U/307: the server redirects a POST, which OpenSSL's client does not follow (give the new URL instead): " "$T/out"

# A relative Location ("ca.crl", "./x/../ca.crl", "//host:port/path",
# "?query", the fragment dropped) is resolved against the URL that
# answered, and a scheme is a scheme in any case (HTTP://): RFC 9110 and
# RFC 3986. A Location with a control character or a space is refused,
# not sent on, and printed escaped.
P2=$((P + 2))
U2=http://127.0.0.1:$P2
ESC=$(printf '\033')
serve "$T/serve2.log" -p "$P2" \
    -R /rel=302:ca.crl -R /dots=301:./sub/../ca.crl -R /netpath=307://127.0.0.1:$P2/ca.crl \
    -R /upper=302:HTTP://127.0.0.1:$P2/ca.crl -R "/query=303:?v=2#part" \
    -R "/esc=302:$U2/ok${ESC}[31mRED" -R "/space=302:$U2/a b" "$T/ca.crl"
U1=$U
U=$U2
for path in rel dots netpath upper query; do
    refresh_from $path
    check_eq "a Location like /$path's: refreshed" "exit 0" "$(tail -1 "$T/out")"
    check_eq "a Location like /$path's: carol revoked" "revoked	crl" "$(state $path carol)"
done
check_eq "relative Locations: each resolved (a query on the same path, no fragment sent)" \
    "/rel /ca.crl /dots /ca.crl /netpath /ca.crl /upper /ca.crl /query /query?v=2" \
    "$(sed -n '/^\//p' "$T/serve2.log" | tr '\n' ' ' | sed 's/ $//')"
refresh_from esc
check "a Location with escape sequences: refused, shown escaped" grep -qF \
    "crl $U2/esc: redirected to a Location with a control character or space, not followed: $U2/ok\x1b[31mRED" "$T/out"
check_not "a Location with escape sequences: no escape byte printed" grep -q "$ESC" "$T/out"
check_eq "a Location with escape sequences: exit 1" "exit 1" "$(tail -1 "$T/out")"
refresh_from space
check "a Location with a space: refused, shown escaped" grep -qF \
    "crl $U2/space: redirected to a Location with a control character or space, not followed: $U2/a\x20b" "$T/out"
check_eq "refused Locations: never asked for" "" \
    "$(grep -e '^/ok' -e '^/a' "$T/serve2.log")"
U=$U1

# The setting's range.
printf 'fetch_redirects = 11\n' >"$T/bad.conf"
run_capture "$T/out" "$CERTPOLICY" -c "$T/bad.conf" check
check_golden "fetch_redirects above its maximum" /dev/stdin "$T/out" <<OUT
$T/bad.conf:1: fetch_redirects = 11: out of range (0..10)
certpolicy: $T/bad.conf: 1 error, 0 warnings
exit 1
OUT
