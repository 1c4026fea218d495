# revocation.sh - the test CA, served: what the revocation groups share
#
# Used by 86-revocation-chain, 87-revocation-rules and 88-revocation,
# after tests/lib.sh.
#
# rv_pki CRL_URL OCSP_URL   the test PKI (tests/pki/mkpki) in $T/pki, its
#                           certificates naming those distribution point
#                           and responder URLs; sets PKI, moves there, and
#                           has every server started by serve killed on exit
# serve PORT COMMAND...     a server in the background, returned once it
#                           listens on PORT (its pid in SPID)
# stop PID...               servers ended, their ports closed
# REJ, DEF                  certpolicyd's answers for a revoked certificate
#                           and for one whose status is unavailable
# STATUS                    the status database the groups compile against

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
}
