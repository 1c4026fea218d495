# certpolicyd decisions and protocol, in spawn mode (requests on stdin,
# answers on stdout): golden answers and log lines for every outcome,
# the request limits, a request split into one-byte writes, and a database
# that is missing, truncated, not ours or of another format. Nothing may
# ever be written to stderr.
. "$SRCDIR/tests/lib.sh"
pki
CERTPOLICYD=$(certpolicyd_cmd)
G=$CASES/policy

SUBST_PKI=$PKI
SUBST_DB=$T/policy.cdb
SUBST_ALICE=$(fp_openssl "$PKI/alice.pem" sha256)
SUBST_ALICE_PLAIN=$(echo "$SUBST_ALICE" | tr -d :)
SUBST_ALICE_PUB=$(pubfp_openssl "$PKI/alice.pem" sha256)
SUBST_BOB=$(fp_openssl "$PKI/bob.pem" sha256)
SUBST_CAROL=$(fp_openssl "$PKI/carol.pem" sha256)
SUBST_DAVE_PUB=$(pubfp_openssl "$PKI/dave.pem" sha256)
SUBST_FRANK=$(fp_openssl "$PKI/frank.pem" sha256)
SUBST_GINA=$(fp_openssl "$PKI/gina.pem" sha256)
SUBST_UNKNOWN=$(fp_openssl "$PKI/ca.pem" sha256)
SUBST_UNKNOWN_PUB=$(pubfp_openssl "$PKI/ca.pem" sha256)
for who in bob carol frank gina; do
    eval "SUBST_$(echo $who | tr a-z A-Z)_PUB=\$(pubfp_openssl \$PKI/$who.pem sha256)"
done
export SUBST_BOB_PUB SUBST_CAROL_PUB SUBST_FRANK_PUB SUBST_GINA_PUB
export SUBST_PKI SUBST_DB SUBST_ALICE SUBST_ALICE_PLAIN SUBST_ALICE_PUB SUBST_BOB SUBST_CAROL \
    SUBST_DAVE_PUB SUBST_FRANK SUBST_GINA SUBST_UNKNOWN SUBST_UNKNOWN_PUB

subst "$G/policy.conf.in" >"$T/policy.conf"
check "compile the golden database" "$CERTPOLICY" -c "$T/policy.conf" compile

# serve NAME [OPTIONS] - spawn mode on the requests of NAME.in; answers in
# $T/NAME.out, log lines (no time stamp or pid) in $T/NAME.log
serve() {
    name=$1
    shift
    subst "$G/$name.in" >"$T/$name.req"
    : >"$T/$name.rawlog"
    "$CERTPOLICYD" -d "$T/policy.cdb" -L "$T/$name.rawlog" "$@" <"$T/$name.req" >"$T/$name.out" 2>"$T/$name.err"
    echo "exit $?" >>"$T/$name.out"
    sed 's/^[^ ]* certpolicyd\[[0-9]*\]: //' "$T/$name.rawlog" >"$T/$name.log"
    check_eq "$name: nothing on stderr" "" "$(cat "$T/$name.err")"
}

# golden NAME - answers and log lines equal NAME.ref and NAME.log.ref
golden() {
    subst "$G/$1.ref" >"$T/$1.ref"
    subst "$G/$1.log.ref" >"$T/$1.log.ref"
    check_golden "$1: answers" "$T/$1.ref" "$T/$1.out"
    check_golden "$1: log lines" "$T/$1.log.ref" "$T/$1.log"
}

serve outcomes
golden outcomes

# Raw public keys (RFC 7250, Postfix 3.9+): an empty ccert_fingerprint and
# the key's digest. Decided by the enrolled certificates that carry the
# key, as when they are presented; then by a pin; bob's bare fingerprint
# says nothing about his key.
serve rpk
golden rpk

# A fingerprint of another digest than fingerprint_digest (md5 from a
# Postfix below compatibility_level 3.6) is unknown, and the log line says
# why; so does query.
serve digest
golden digest
run_capture "$T/q.out" "$CERTPOLICY" -c "$T/policy.conf" query --fingerprint 60:1F:45:A4:97:01:B5:B1:06:42:72:D0:03:EE:64:09
check_golden "query --fingerprint md5 against sha256: says why it is unknown" /dev/stdin "$T/q.out" <<OUT
fingerprint: 60:1F:45:A4:97:01:B5:B1:06:42:72:D0:03:EE:64:09
outcome: unknown
action: DUNNO
reason: digest=md5, expected sha256: set Postfix's smtpd_tls_fingerprint_digest = sha256
exit 0
OUT
run_capture "$T/q.out" "$CERTPOLICY" -c "$T/policy.conf" query --fingerprint "$SUBST_UNKNOWN"
check_eq "query --fingerprint of the right digest, unknown: no reason" "" "$(grep '^reason:' "$T/q.out")"

# The same requests written one byte at a time: the same answers.
subst "$G/outcomes.in" | dd bs=1 2>/dev/null | "$CERTPOLICYD" -d "$T/policy.cdb" -L /dev/null >"$T/bytes.out" 2>&1
echo "exit $?" >>"$T/bytes.out"
check_golden "one-byte writes: the same answers" "$T/outcomes.ref" "$T/bytes.out"

# -v logs requests without a certificate too.
serve nocert -v
check "-v: nocert is logged" grep -q "^client=unknown\[192.0.2.12\] outcome=nocert action=DUNNO$" "$T/nocert.log"
serve nocert
check_eq "without -v: nocert is not logged" "" "$(grep outcome= "$T/nocert.log")"

# Limits: over a limit, log once, answer nothing more, close.
serve limit-line -o max_request_line=128
golden limit-line
serve limit-size -o max_request_size=1024
golden limit-size
serve limit-attrs -o max_request_attributes=8
golden limit-attrs
serve not-name-value
golden not-name-value
{ subst "$G/nocert.in"; printf 'ccert_subject='; head -c 10000000 /dev/zero | tr '\0' a; printf '\n\n'; } \
    | "$CERTPOLICYD" -d "$T/policy.cdb" -L "$T/huge.log" >"$T/huge.out" 2>&1
check_eq "a 10 MB line: the request before it is answered, then the connection closes" \
    "action=DUNNO" "$(tr -s '\n' <"$T/huge.out")"
check_eq "a 10 MB line: logged once" 1 "$(grep -c 'longer than max_request_line' "$T/huge.log")"
printf 'client_address=192.0.2.1\nccert_fingerprint=AB\000CD\n\n' \
    | "$CERTPOLICYD" -d "$T/policy.cdb" -L "$T/nul.log" >"$T/nul.out" 2>&1
check_eq "a NUL byte in a request: no answer, the connection closes" "" "$(cat "$T/nul.out")"
check_eq "a NUL byte in a request: logged once" 1 "$(grep -c 'a request line contains a NUL byte' "$T/nul.log")"

# A request whose first lines arrive together with the request before it,
# and the rest later, keeps the attributes read before the wait (found by
# fuzz_request: they pointed at moved bytes).
mkfifo "$T/pipe"
"$CERTPOLICYD" -d "$T/policy.cdb" -L /dev/null <"$T/pipe" >"$T/split.out" 2>&1 &
split=$!
exec 4>"$T/pipe"
printf 'client_address=192.0.2.1\n\nccert_fingerprint=%s\nclient_name=x\n' "$SUBST_ALICE" >&4
wait_for "grep -q '^action=' '$T/split.out'" 30
printf 'client_address=192.0.2.2\n\n' >&4
exec 4>&-
wait $split
check_eq "a request split across reads after a pipelined one: decided on its own attributes" \
    "action=DUNNO action=OK" "$(grep '^action=' "$T/split.out" | tr '\n' ' ' | sed 's/ $//')"
run_capture "$T/out" "$CERTPOLICYD" -o max_request_line=10 -d "$T/policy.cdb"
check_eq "a limit below its minimum is refused" "exit 2" "$(tail -1 "$T/out")"

# Actions come from the database.
sed 's/^database = .*/&\nrevoked_action = 554 5.7.1 Gone\nunknown_action = REJECT 5.7.1 Who are you/' \
    "$T/policy.conf" >"$T/actions.conf"
sed -i "s|$T/policy.cdb|$T/actions.cdb|" "$T/actions.conf"
check "compile with other actions" "$CERTPOLICY" -c "$T/actions.conf" compile
subst "$G/outcomes.in" | "$CERTPOLICYD" -d "$T/actions.cdb" -L /dev/null >"$T/actions.out" 2>&1
check_eq "revoked_action from the database" "action=554 5.7.1 Gone" "$(sed -n 9p "$T/actions.out")"
check_eq "unknown_action from the database" "action=REJECT 5.7.1 Who are you" "$(sed -n 7p "$T/actions.out")"

# Revocation checking on and no status database at all (missing, as while
# it is copied in place): the error action, never a permit, whatever
# revocation_failure says.
sed "s|^database = .*|database = $T/rev.cdb\nstatus_database = $T/status.cdb\nrevocation_check = crl\nclient_ca_file = $PKI/ca.pem|" \
    "$T/policy.conf" >"$T/rev.conf"
check "compile with revocation_check = crl" "$CERTPOLICY" -c "$T/rev.conf" compile
printf 'ccert_fingerprint=%s\n\n' "$SUBST_ALICE" >"$T/alice.req"
"$CERTPOLICYD" -d "$T/rev.cdb" -L "$T/rev.log" <"$T/alice.req" >"$T/rev.out" 2>&1
check_eq "no status database: the error action" "action=DEFER 4.3.0 Client certificate service unavailable" "$(head -1 "$T/rev.out")"
check "no status database: logged" grep -q "name=alice outcome=error action=\"DEFER 4.3.0 Client certificate service unavailable\" reason=\"status database $T/status.cdb: cannot open: No such file or directory\"" "$T/rev.log"
sed "s|^revocation_check = crl|&\nrevocation_failure = permit|" "$T/rev.conf" >"$T/revp.conf"
sed -i "s|^database = .*|database = $T/revp.cdb|" "$T/revp.conf"
check "compile with revocation_failure = permit" "$CERTPOLICY" -c "$T/revp.conf" compile
"$CERTPOLICYD" -d "$T/revp.cdb" -L "$T/rev2.log" <"$T/alice.req" >"$T/rev.out" 2>&1
check_eq "no status database, revocation_failure = permit: still the error action" \
    "action=DEFER 4.3.0 Client certificate service unavailable" "$(head -1 "$T/rev.out")"

# A whole status database without alice's status: unavailable (defer), or
# permit with a warning under revocation_failure = permit.
printf 'database = %s\nstatus_database = %s\nrevocation_check = crl\nclient_ca_file = %s\nclient bob fingerprint=%s\n' \
    "$T/empty.cdb" "$T/status.cdb" "$PKI/ca.pem" "$SUBST_BOB" >"$T/empty.conf"
check "a status database with no certificate in it" "$CERTPOLICY" -c "$T/empty.conf" refresh
"$CERTPOLICYD" -d "$T/rev.cdb" -L "$T/rev3.log" <"$T/alice.req" >"$T/rev.out" 2>&1
check_eq "no status for alice: unavailable" "action=DEFER 4.7.0 Client certificate status unavailable" "$(head -1 "$T/rev.out")"
check "no status for alice: logged" grep -q "name=alice outcome=unavailable action=\"DEFER 4.7.0 Client certificate status unavailable\" reason=\"no revocation status\"" "$T/rev3.log"
"$CERTPOLICYD" -d "$T/revp.cdb" -L "$T/rev4.log" <"$T/alice.req" >"$T/rev.out" 2>&1
check_eq "revocation_failure = permit: permitted" "action=OK" "$(head -1 "$T/rev.out")"
check "revocation_failure = permit: with a warning" grep -q 'warning: client=.*name=alice outcome=permit action=OK reason="no revocation status; permitted by revocation_failure = permit"' "$T/rev4.log"

# A bad database: error, never a permit.
bad_db() {
    "$CERTPOLICYD" -d "$T/bad.cdb" -L "$T/bad.log" <"$T/alice.req" >"$T/bad.out" 2>&1
    check_eq "$1: error action" "action=DEFER 4.3.0 Client certificate service unavailable" "$(head -1 "$T/bad.out")"
    check "$1: logged why" grep -q "database $T/bad.cdb: $2" "$T/bad.log"
}
rm -f "$T/bad.cdb"
bad_db "missing database" "cannot open: No such file or directory"
head -c 3000 /dev/urandom >"$T/bad.cdb"
bad_db "random bytes" "not a"
bad_truncated() { bad_db "$1" "not a"; }
each_eighth "$T/policy.cdb" "$T/bad.cdb" bad_truncated
cdb -c "$T/bad.cdb" <<EOF
+17,1:certpolicy:format->2

EOF
bad_db "a future format" "database format 2, expected 1"
cdb -c "$T/bad.cdb" <<EOF
+3,3:foo->bar

EOF
bad_db "a CDB that is not ours" "not a certpolicy database"
# The settings are read in file order from the start of the database;
# a database whose records come in another order (here reversed, written
# by cdb(1)) is read by key and answers the same.
cdb -d "$T/policy.cdb" | grep . | tac >"$T/reversed.txt"
{ cat "$T/reversed.txt"; echo; } | cdb -c "$T/reversed.cdb"
"$CERTPOLICYD" -d "$T/policy.cdb" -L /dev/null <"$T/alice.req" >"$T/in-order.out" 2>&1
"$CERTPOLICYD" -d "$T/reversed.cdb" -L /dev/null <"$T/alice.req" >"$T/reversed.out" 2>&1
check_eq "records in another order: the same answer" "$(cat "$T/in-order.out")" "$(cat "$T/reversed.out")"
check_not "records in another order: not an error" grep -q DEFER "$T/reversed.out"
# An invalid setting among the leading records is refused like any other.
cdb -d "$T/policy.cdb" | grep . | sed 's/^+20,4:setting:idle_timeout->1000$/+20,4:setting:idle_timeout->soon/' >"$T/badset.txt"
check "(a setting edited in the dump)" grep -q 'idle_timeout->soon' "$T/badset.txt"
{ cat "$T/badset.txt"; echo; } | cdb -c "$T/bad.cdb"
bad_db "an invalid setting" "setting idle_timeout is not valid"
# A hand-made database whose action for an outcome that must never permit
# is OK (compile refuses that in the source) is refused like a bad one:
# revoked carol is not answered OK, nor is anyone else.
printf 'ccert_fingerprint=%s\n\n' "$SUBST_CAROL" >"$T/carol.req"
for setting in revoked_action expired_action unavailable_action error_action; do
    cdb -d "$T/policy.cdb" | grep . |
        sed "s/^+\([0-9]*\),[0-9]*:setting:$setting->.*/+\1,2:setting:$setting->OK/" >"$T/permit.txt"
    check "(a $setting = OK record)" grep -q "^+[0-9]*,2:setting:$setting->OK\$" "$T/permit.txt"
    { cat "$T/permit.txt"; echo; } | cdb -c "$T/bad.cdb"
    "$CERTPOLICYD" -d "$T/bad.cdb" -L "$T/bad.log" <"$T/carol.req" >"$T/bad.out" 2>&1
    check_eq "hand-made $setting = OK: revoked carol gets the error action" \
        "action=DEFER 4.3.0 Client certificate service unavailable" "$(head -1 "$T/bad.out")"
    check "hand-made $setting = OK: logged why" grep -q "database $T/bad.cdb: setting $setting is not valid" "$T/bad.log"
done
nobody_dir
N=$NDIR
cp "$BUILDDIR/src/certpolicyd" "$T/policy.cdb" "$N/"
chmod 000 "$N/policy.cdb"
as_nobody "$N/certpolicyd" -d "$N/policy.cdb" -L /dev/null <"$T/alice.req" >"$T/bad.out" 2>&1
check_eq "unreadable database: error action" "action=DEFER 4.3.0 Client certificate service unavailable" "$(head -1 "$T/bad.out")"
