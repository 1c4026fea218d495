# A database rewritten in place (cp over it, as configuration management
# often does) while certpolicyd -l serves a stream of requests: tinycdb
# maps the file, so a lookup may touch pages the truncation removed. The
# server must never crash; while the file is not a whole CDB it answers
# with error_action, and once a whole file is back it answers from it.
. "$SRCDIR/tests/lib.sh"
pki
CERTPOLICYD=$(certpolicyd_cmd)
CLIENT=$BUILDDIR/tests/tools/policy_client
ALICE=$(fp_openssl "$PKI/alice.pem" sha256)

# Two whole databases of different sizes: alice among 1 and among 20,000 clients.
mk() {
    {
        echo "database = $T/$1.cdb"
        echo "client alice cert=$PKI/alice.pem"
        i=0
        while [ "$i" -lt "$2" ]; do
            printf 'client c%d fingerprint=%064x\n' "$i" "$((i + 1))"
            i=$((i + 1))
        done
    } >"$T/$1.conf"
    "$CERTPOLICY" -c "$T/$1.conf" compile >"$T/$1.out" 2>&1
}
check "a small database" mk small 0
check "a large database" mk large 20000
cp "$T/large.cdb" "$T/db.cdb"

"$CERTPOLICYD" -d "$T/db.cdb" -l "unix:$T/sock" -L "$T/l.log" &
srv=$!
wait_socket "unix:$T/sock" 30 $srv

# 100 connections of 200 requests for alice, one after another, while the
# file is copied over in place, alternately small and large, until the
# last connection is done.
awk -v fp="$ALICE" 'BEGIN { for (i = 0; i < 200; i++) printf "client_address=192.0.2.1\nccert_fingerprint=%s\n\n", fp }' >"$T/reqs"
(
    i=0
    while [ $i -lt 100 ]; do
        "$CLIENT" -n 200 -t 10000 "unix:$T/sock" <"$T/reqs" || echo "connection $i: no whole answer"
        i=$((i + 1))
    done
) >"$T/answers" 2>&1 &
client=$!
copies=0
while kill -0 "$client" 2>/dev/null && kill -0 "$srv" 2>/dev/null; do
    cp "$T/small.cdb" "$T/db.cdb"
    cp "$T/large.cdb" "$T/db.cdb"
    copies=$((copies + 2))
done
wait "$client"
check_eq "20,000 requests answered during $copies copies in place" 20000 "$(grep -c '^action=' "$T/answers")"
check_eq "every answer is OK or the error action" "" \
    "$(grep -v -e '^action=OK$' -e '^action=DEFER 4.3.0 Client certificate service unavailable$' -e '^$' "$T/answers" | sort -u)"
check "certpolicyd is still running" kill -0 "$srv"
"$CLIENT" -n 1 -t 3000 "unix:$T/sock" <"$T/reqs" >"$T/after" 2>&1
check_eq "a whole file again: answered from it" "action=OK" "$(head -1 "$T/after")"
kill -TERM "$srv" 2>/dev/null
wait "$srv"
check_eq "then it stops normally (exit 0)" 0 $?
