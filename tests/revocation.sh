# revocation.sh - the test CA, served: what the revocation groups share
#
# Used by 86-revocation-chain, the 87-revocation-* groups and
# 88-revocation, after tests/lib.sh.
#
# rv_pki CRL_URL OCSP_URL   the test PKI (tests/pki/mkpki) in $T/pki, its
#                           certificates naming those distribution point
#                           and responder URLs; sets PKI, moves there, and
#                           has every server started by serve killed on exit
# serve PORT COMMAND...     a server in the background, returned once it
#                           listens on PORT (its pid in SPID)
# stop PID...               servers ended, their ports closed; returns 0
# REJ, DEF                  certpolicyd's answers for a revoked certificate
#                           and for one whose status is unavailable
# STATUS                    the status database the groups compile against
# rv_rules                  what the 87-revocation-* groups share: the test
#                           PKI (rv_pki) naming two free ports, P_CRL and
#                           P_OCSP, and their helpers: responder [INDEX],
#                           stamp, gencrl, revoke, conf, refresh, state,
#                           answer (each described where it is defined)

REJ="action=REJECT 5.7.1 Client certificate revoked"
DEF="action=DEFER 4.7.0 Client certificate status unavailable"
STATUS=$T/status.cdb
PIDS=

rv_pki() {
    PKI=$T/pki
    CRL_URL=$1 OCSP_URL=$2 sh "$SRCDIR/tests/pki/mkpki" "$PKI" >"$T/pki.log" 2>&1 \
        || { fail "mkpki" "$(tail -3 "$T/pki.log")"; exit 0; }
    cd "$PKI" || exit 1
    on_exit 'kill $PIDS 2>/dev/null'
}

serve() {
    _port=$1
    shift
    "$@" >/dev/null 2>&1 &
    SPID=$!
    PIDS="$PIDS $SPID"
    wait_socket "inet:127.0.0.1:$_port" 30 $SPID
}

stop() {
    for _p in "$@"; do kill "$_p" 2>/dev/null; wait "$_p" 2>/dev/null; done
    return 0	# the killed server's status (143) is not the group's
}

rv_rules() {
    CERTPOLICYD=$(certpolicyd_cmd)
    SERVE=$BUILDDIR/tests/tools/http_serve
    free_port P_CRL
    free_port P_OCSP
    rv_pki http://127.0.0.1:$P_CRL/ca.crl http://127.0.0.1:$P_OCSP/
    responder() {
        serve "$P_OCSP" openssl ocsp -index "${1:-index.txt}" -port "$P_OCSP" -rsigner ca.pem -rkey ca.key \
            -CA ca.pem -nmin 10
        OCSPPID=$SPID
    }
    stamp() { date -u -d "$1" +%Y%m%d%H%M%SZ; }
    # gencrl OUT [OPTION...] - a DER CRL from the CA's index (openssl ca -gencrl)
    gencrl() {
        _out=$1
        shift
        openssl ca -config "${CNF:-ca.cnf}" -gencrl "$@" -out "$_out.pem" >"$T/gencrl.log" 2>&1 \
            && openssl crl -in "$_out.pem" -outform DER -out "$_out" || fail "gencrl $_out" "$(cat "$T/gencrl.log")"
    }
    revoke() { openssl ca -config "${CNF:-ca.cnf}" -revoke "$@" >/dev/null 2>&1 || fail "revoke $1" "openssl ca failed"; }
    conf() {
        cat >"$T/c.conf" <<CONF
database = $T/db.cdb
status_database = $STATUS
client_ca_file = ${CAFILE:-$PKI/ca.pem}
revocation_check = $1
revocation_failure = ${FAILURE:-defer}
crl_source = ${CRLSRC:-}
ocsp_responder = ${RESPONDER:-}
fetch_timeout = 2s
clock_skew = 60s
${CLIENTS:-client alice cert=$PKI/alice.pem
client bob cert=$PKI/bob.pem
client carol cert=$PKI/carol.pem}
CONF
        "$CERTPOLICY" -c "$T/c.conf" compile >"$T/compile.out" 2>&1 || fail "compile" "$(cat "$T/compile.out")"
    }
    refresh() {
        run_capture "$T/out" "$CERTPOLICY" -c "$T/c.conf" refresh
        cat "$T/out" >>"$T/refresh.log"
    }
    # state NAME [FILE] - status, source and reason recorded for a certificate
    state() { cdb -q "$STATUS" "s:$(fp_openssl "${2:-$PKI/$1.pem}" sha256)" 2>/dev/null | cut -f1,2,6; }
    # answer NAME [FILE] - certpolicyd's action for a certificate, with its key fingerprint
    answer() {
        _f=${2:-$PKI/$1.pem}
        printf 'client_address=192.0.2.1\nccert_fingerprint=%s\nccert_pubkey_fingerprint=%s\n\n' \
            "$(fp_openssl "$_f" sha256)" "$(pubfp_openssl "$_f" sha256)" \
            | "$CERTPOLICYD" -d "$T/db.cdb" -L "$T/d.log" | head -1
    }
}
