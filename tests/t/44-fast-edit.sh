# Fast edits: enroll and revoke put the client's new records in the
# overlay of recent edits (DATABASE.edits) first, in effect at once in a
# running certpolicyd, then take the long way (source, every output), then
# remove the overlay. The overlay is also a journal: a run killed at any
# step is finished by the next writer, and a revoke that has reached the
# overlay is never permitted again, not even while that writer runs.
# The fast path declines (silently) whenever it cannot be sure; a damaged
# or forged overlay or index never yields a permit or a wrong edit.
. "$SRCDIR/tests/lib.sh"
postfix_config
PKI=$T/pki
sh "$SRCDIR/tests/pki/mkpki" "$PKI" >"$T/pki.log" 2>&1 || { fail "mkpki" "$(tail -3 "$T/pki.log")"; exit 0; }
# a second certificate for alice's key (its k: record then lists two clients)
openssl req -new -key "$PKI/alice.key" -subj /CN=alice2 -out "$T/alice2.csr" 2>/dev/null &&
    openssl x509 -req -in "$T/alice2.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -set_serial 4242 \
        -days 365 -out "$PKI/alice2.pem" 2>/dev/null
# a certificate of a key of its own, for a second certificate of carol's
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/hank.key" -subj /CN=hank \
    -out "$T/hank.csr" 2>/dev/null &&
    openssl x509 -req -in "$T/hank.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" -set_serial 4343 \
        -days 365 -out "$PKI/hank.pem" 2>/dev/null
nobody_dir
# L (live) and S (scratch) have the same length: the dumps compare after a rename
L=$NDIR/live
S=$NDIR/scra
mkdir -p "$L" "$S"
C=$NDIR/c.conf
DB=$L/certpolicy.cdb
OV=$DB.edits
SOCK=$NDIR/sock
CLIENT=$BUILDDIR/tests/tools/policy_client
DATE=2026-11-20
fp() { fp_openssl "$PKI/$1.pem" sha256; }
lower() { fp "$1" | tr A-F a-f; }
for n in alice alice2 bob carol dave erin gina hank; do
    printf 'client_address=192.0.2.1\nccert_fingerprint=%s\n\n' "$(fp $n)" >"$T/req.$n"
done

# fresh [HEADER_EXTRA] - alice (cert=), bob (fingerprint=) and carol
# active, compiled; the overlay and every leftover gone
fresh() {
    rm -f "$L"/* "$L"/.[!.]* "$NDIR"/.[!.]* 2>/dev/null
    {
        echo "database = $DB"
        echo "status_database = $L/status.cdb"
        echo "relay_clientcerts = cdb:$L/relay_clientcerts"
        [ -n "${1:-}" ] && cat "$1"
        echo "client alice cert=$PKI/alice.pem"
        echo "client bob fingerprint=$(fp bob)"
        echo "client carol cert=$PKI/carol.pem"
    } >"$C"
    "$CERTPOLICY" -c "$C" compile >"$T/fresh.out" 2>&1 || fail "fresh compile" "$(cat "$T/fresh.out")"
}
# answer NAME - certpolicyd's first answer line for NAME's certificate
answer() { "$CLIENT" -n 1 -t 3000 "unix:$SOCK" <"$T/req.$1" | head -1; }
# decision NAME - certpolicyd's answer in a word: permit, revoked, unknown, defer
decision() {
    case $(answer "$1") in
    action=OK) echo permit ;;
    "action=REJECT 5.7.1 Client certificate revoked") echo revoked ;;
    action=DUNNO) echo unknown ;;
    action=DEFER*) echo defer ;;
    *) answer "$1" ;;
    esac
}
# outcome NAME - what query says
outcome() { "$CERTPOLICY" -c "$C" query --cert "$PKI/$1.pem" 2>/dev/null | sed -n 's/^outcome: //p'; }
revoked_in_source() { grep -q "^client $1 .*revoked=" "$C"; }
in_source() { grep -q "^client $1 " "$C"; }
in_relay() { [ "$(postmap -q "$(lower "$1")" "cdb:$L/relay_clientcerts")" = "$1" ]; }
fast() { grep -q ": in effect now in certpolicyd ($OV); updating the source and the Postfix maps\$" "$T/out"; }
leftovers() { ls -A "$L" "$NDIR" | grep '^\.' || true; }
# dump DIR - the database records and the relay map, DIR's paths as L's
dump() {
    { cdb -d "$1/certpolicy.cdb" | grep -v '^+[0-9]*,[0-9]*:certpolicy:source-sha256->'
      grep -v '^#' "$1/relay_clientcerts"
      postmap -s "cdb:$1/relay_clientcerts" | sort; } 2>&1 | sed "s|$1|$L|g"
}
# as_scratch - the database and relay map are those of a compile from
# scratch of the source as it now is
as_scratch() {
    rm -f "$S"/* "$S"/.[!.]* 2>/dev/null
    sed "s|$L|$S|g" "$C" >"$T/scratch.conf"
    "$CERTPOLICY" -c "$T/scratch.conf" compile >"$T/scratch.out" 2>&1 || return 1
    dump "$L" >"$T/live.dump"
    dump "$S" >"$T/scra.dump"
    cmp -s "$T/live.dump" "$T/scra.dump"
}
# wait_decision NAME WORD - certpolicyd comes to answer WORD for NAME
wait_decision() { poll_for "[ \"\$(decision $1)\" = $2 ]" 10; }

fresh
AS=
[ "$(id -u)" = 0 ] && AS="-u nobody"
# shellcheck disable=SC2086
"$BUILDDIR/src/certpolicyd" -d "$DB" $AS -l "unix:$SOCK" -L "$T/certpolicyd.log" &
srv=$!
on_exit "kill $srv 2>/dev/null"
wait_socket "unix:$SOCK" 30 $srv || exit 0
check_eq "certpolicyd runs: alice permitted" permit "$(decision alice)"

# 1. The fast path, for a cert= and a fingerprint= client, both ways.
# fast_case LABEL NAME WORD COMMAND... - the fast line, exit 0, NAME's
# decision WORD in certpolicyd, no overlay left, outputs as from scratch
fast_case() {
    _l=$1 _n=$2 _w=$3
    shift 3
    run_capture "$T/out" "$CERTPOLICY" -c "$C" "$@"
    check_eq "$_l: exit 0" "exit 0" "$(tail -1 "$T/out")"
    check "$_l: in effect at once (the fast path)" fast
    check_eq "$_l: certpolicyd answers $_w" "$_w" "$(decision "$_n")"
    check "$_l: no overlay left" test ! -e "$OV"
    check "$_l: the outputs of a compile from scratch" as_scratch
}
fresh
fast_case "revoke of a cert= client" alice revoked revoke alice --date $DATE
check "revoke of a cert= client: the source says so" grep -q "^client alice cert=$PKI/alice.pem revoked=$DATE\$" "$C"
fast_case "revoke of a fingerprint= client" bob revoked revoke bob --date $DATE
fast_case "enroll of a new cert= client" dave permit enroll dave "$PKI/dave.pem"
check "enroll of a new cert= client: in the relay map" in_relay dave
fast_case "enroll of a new fingerprint= client" erin permit enroll erin "$(fp erin)"
fast_case "enroll of a certificate more for carol" hank permit enroll carol "$PKI/hank.pem"
check_eq "every step left nothing behind" "" "$(leftovers)"

# Declines: no fast line, and still the right result.
# slow_case LABEL NAME WORD COMMAND...
slow_case() {
    _l=$1 _n=$2 _w=$3
    shift 3
    run_capture "$T/out" "$CERTPOLICY" -c "$C" "$@"
    check_not "$_l: declines the fast path" fast
    check_eq "$_l: certpolicyd answers $_w" "$_w" "$(decision "$_n")"
    check "$_l: no overlay left" test ! -e "$OV"
    check "$_l: the outputs of a compile from scratch" as_scratch
}
fresh
echo "# a line added by hand, not compiled" >>"$C"
slow_case "index stale after a hand edit" alice revoked revoke alice
fresh
rm -f "$DB.index"
slow_case "no index" alice revoked revoke alice
fresh
sed -i '/^status_database/d' "$C"
echo "status_database = $L/status.cdb" >>"$C"
"$CERTPOLICY" -c "$C" compile >/dev/null 2>&1
check "a setting after the first client: no index" test ! -e "$DB.index"
slow_case "a setting after the first client" alice revoked revoke alice
fresh
strace -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=2 "$CERTPOLICY" -c "$C" revoke carol >/dev/null 2>&1
check "an overlay pending (revoke of carol killed after the overlay's rename)" test -e "$OV"
slow_case "an overlay pending" alice revoked revoke alice
check "an overlay pending: carol's revoke finished first" grep -q "finishing the interrupted revoke of client carol ($OV)" "$T/out"
check_eq "an overlay pending: carol revoked" revoked "$(decision carol)"
fresh
slow_case "enroll of a fingerprint another client has" alice permit enroll zed "$(fp alice)"
fresh
slow_case "enroll of a certificate of a key alice has (its k: record lists alice's)" alice2 permit \
    enroll alice2 "$PKI/alice2.pem"
fresh
echo "client pinner pubkey_fingerprint=$(pubfp_openssl "$PKI/alice.pem" sha256)" >>"$C"
"$CERTPOLICY" -c "$C" compile >/dev/null 2>&1
slow_case "revoke of a client whose key another client pins" alice revoked revoke alice
fresh
slow_case "enroll of a certificate alice has" alice permit enroll alice "$PKI/alice.pem"
check "enroll of a certificate alice has: nothing to do" grep -q "already has these certificates: nothing to do" "$T/out"
# The header limit, crossed by one byte: FASTEDIT_MAX_HEADER = 256 KiB
# of source before the first client line.
for size in 262144 262145; do
    printf '# %s\n' "$(head -c 600 /dev/zero | tr '\0' x)" >"$T/pad.line"
    : >"$T/pad"
    # three setting lines come first; pad with comment lines, then one to the byte
    base=$({ echo "database = $DB"; echo "status_database = $L/status.cdb"
             echo "relay_clientcerts = cdb:$L/relay_clientcerts"; } | wc -c)
    while [ $(($(wc -c <"$T/pad") + base + 603)) -le "$size" ]; do cat "$T/pad.line" >>"$T/pad"; done
    rest=$((size - base - $(wc -c <"$T/pad")))
    [ $rest -gt 0 ] && printf '#%s\n' "$(head -c $((rest - 2)) /dev/zero | tr '\0' y)" >>"$T/pad"
    fresh "$T/pad"
    check_eq "header of $size bytes: made so" $size "$(grep -bm1 '^client ' "$C" | cut -d: -f1)"
    if [ $size = 262144 ]; then
        fast_case "header of $size bytes (the limit)" alice revoked revoke alice
    else
        slow_case "header of $size bytes (one more)" alice revoked revoke alice
    fi
done

# 2. Killed at every step. The order of a fast revoke's steps (strace
# -e trace=rename,unlink,fsync, certpolicy's own: postmap is a child):
# fsync of the overlay's temporary file, rename 1 the overlay, fsync of
# the directory; rename 2 the relay map, 3 its postmap index, 4 the
# database, 5 the source, 6 the source index; the overlay's unlink. A fast
# enroll of a cert= client saves its certificate cache too: rename 6 the
# cache, 7 the index. An injected kill takes the process on entry to the
# call: the call itself is not made. (tinycdb 0.80, Debian 13, fsyncs
# the file it finished too: the same file's fsyncs count as one, and the
# directory's fsync is found by its path.)
# renames - the targets of the renames strace wrote in $T/renames
renames() {
    sed -n 's/^rename("[^"]*", "\([^"]*\)").*/\1/p' "$T/renames" | sed "s|^$L/relay|relay|" | tr '\n' ' ' | sed 's/ $//'
}
fresh
strace -qq -y -o "$T/renames" -e trace=rename,fsync "$CERTPOLICY" -c "$C" revoke alice >/dev/null 2>&1
check_eq "a fast revoke's renames, in order" "$OV relay_clientcerts relay_clientcerts.cdb $DB $C $DB.index" \
    "$(renames)"
check_eq "a fast revoke's first fsyncs: the overlay's temporary file, then its directory" \
    "fsync $L/.certpolicy.cdb.edits.X rename fsync $L" \
    "$(sed 's/^\(fsync\|rename\)(.*<\([^>]*\)>).*/\1 \2/; s/^rename(.*/rename/; s/\.edits\.[^ ]*$/.edits.X/' "$T/renames" | uniq | head -3 | tr '\n' ' ' | sed 's/ $//')"
fresh
strace -qq -o "$T/renames" -e trace=rename "$CERTPOLICY" -c "$C" enroll dave "$PKI/dave.pem" >/dev/null 2>&1
check_eq "a fast enroll's renames, in order" \
    "$OV relay_clientcerts relay_clientcerts.cdb $DB $C $DB.certcache $DB.index" \
    "$(renames)"

# poll_start NAME - ask certpolicyd about NAME in a loop until poll_stop,
# each answer a line in $T/poll
poll_start() {
    rm -f "$T/poll" "$T/poll.stop"
    (while [ ! -e "$T/poll.stop" ]; do answer "$1" >>"$T/poll"; done) &
    poller=$!
    wait_for "test -s '$T/poll'" 10 "the poller's first answer"
}
poll_stop() { : >"$T/poll.stop"; wait $poller; }

# killed OP NAME STEP PLACED INJECT... - run "OP NAME" killed by strace
# INJECT; STEP names it, PLACED (yes or no) says whether the overlay is in
# place at that step. Then the invariant, a follow-up writer (the next in
# turn) with certpolicyd polled meanwhile, and the state after it.
turn=0
killed() {
    _op=$1 _n=$2 _s=$3
    shift 3
    _k="$_op $_n killed at $_s"
    _want=$1
    shift
    fresh
    _arg=
    [ "$_op" = enroll ] && _arg=$PKI/$_n.pem
    # shellcheck disable=SC2086
    strace -qq -o /dev/null "$@" "$CERTPOLICY" -c "$C" $_op $_n $_arg >/dev/null 2>&1
    check_eq "$_k: killed" 137 $?
    # the overlay is in place from its rename to its unlink
    _placed=no
    [ -e "$OV" ] && _placed=yes
    check_eq "$_k: the overlay in place" "$_want" "$_placed"
    if [ $_op = revoke ]; then
        _now=permit
        [ $_placed = yes ] && _now=revoked
    else
        _now=unknown
        [ $_placed = yes ] && _now=permit
    fi
    check_eq "$_k: certpolicyd answers $_now" $_now "$(decision "$_n")"
    check_eq "$_k: query agrees" $_now "$(outcome "$_n")"
    turn=$((turn + 1))
    case $((turn % 4)) in
    0) _f=compile ;;
    1) _f=refresh ;;
    2) _f="$_op $_n $_arg" ;;
    3) _f="enroll gina $PKI/gina.pem" ;;
    esac
    [ $_now = revoked ] && poll_start "$_n"
    # shellcheck disable=SC2086
    run_capture "$T/out" "$CERTPOLICY" -c "$C" $_f
    if [ $_now = revoked ]; then
        poll_stop
        check_eq "$_k, then $_f: certpolicyd never permitted $_n meanwhile ($(wc -l <"$T/poll") answers)" "" \
            "$(grep -v '^action=REJECT 5.7.1 Client certificate revoked$' "$T/poll" | sort -u)"
    fi
    check_eq "$_k, then $_f: exit 0" "exit 0" "$(tail -1 "$T/out")"
    case $_f in
    "$_op "*) _placed=yes ;;
    esac
    if [ $_op = revoke ] && [ $_placed = yes ]; then
        check_eq "$_k, then $_f: certpolicyd answers revoked" revoked "$(decision "$_n")"
        check "$_k, then $_f: the source says revoked" revoked_in_source "$_n"
        check_not "$_k, then $_f: not in the relay map" in_relay "$_n"
    elif [ $_op = revoke ]; then
        check_eq "$_k, then $_f: certpolicyd answers permit" permit "$(decision "$_n")"
        check_not "$_k, then $_f: the source does not say revoked" revoked_in_source "$_n"
        check "$_k, then $_f: in the relay map" in_relay "$_n"
    elif [ $_placed = yes ]; then
        check_eq "$_k, then $_f: certpolicyd answers permit" permit "$(decision "$_n")"
        check_eq "$_k, then $_f: one line in the source" 1 "$(grep -c "^client $_n " "$C")"
        check "$_k, then $_f: in the relay map" in_relay "$_n"
    else
        check_eq "$_k, then $_f: certpolicyd answers unknown" unknown "$(decision "$_n")"
        check_not "$_k, then $_f: not in the source" in_source "$_n"
        check_not "$_k, then $_f: not in the relay map" in_relay "$_n"
    fi
    check "$_k, then $_f: no overlay left" test ! -e "$OV"
    check_eq "$_k, then $_f: nothing left behind" "" "$(leftovers)"
    check "$_k, then $_f: the outputs of a compile from scratch" as_scratch
    check "$_k, then $_f: check passes" "$CERTPOLICY" -c "$C" check
}
if command -v strace >/dev/null 2>&1; then
    for op in "revoke alice 6" "enroll dave 7"; do
        # shellcheck disable=SC2086
        set -- $op
        killed "$1" "$2" "the overlay's fsync" no -e trace=fsync -e inject=fsync:signal=KILL:when=1
        killed "$1" "$2" "the directory's fsync" yes -P "$L" -e trace=fsync -e inject=fsync:signal=KILL:when=1
        r=1
        while [ $r -le $3 ]; do
            killed "$1" "$2" "rename $r" "$([ $r = 1 ] && echo no || echo yes)" \
                -e trace=rename -e inject=rename:signal=KILL:when=$r
            r=$((r + 1))
        done
        killed "$1" "$2" "the overlay's unlink" yes -P "$OV" -e trace=unlink -e inject=unlink:signal=KILL
    done
else
    skip "writers killed at every step" "needs strace"
fi


# The long way fails (postmap does, on a marker file): a revoke stays in
# effect through its overlay, which the next writer finishes; an enroll's
# overlay goes (nothing is permitted more).
cat >"$T/flaky-postmap" <<SH
#!/bin/sh
[ -e "$T/postmap-fails" ] && exit 1
exec postmap "\$@"
SH
chmod +x "$T/flaky-postmap"
echo "postmap_command = $T/flaky-postmap" >"$T/flaky"
fresh "$T/flaky"
: >"$T/postmap-fails"
run_capture "$T/out" "$CERTPOLICY" -c "$C" revoke alice
check "the long way of a revoke fails: the fast path ran first" fast
check_eq "the long way of a revoke fails: exit 1" "exit 1" "$(tail -1 "$T/out")"
check "the long way of a revoke fails: the overlay stays" test -e "$OV"
check "the long way of a revoke fails: says the next writer finishes it" grep -q "^certpolicy: $C: the source and the Postfix maps were not changed, but the revoke of client alice stays in effect in certpolicyd through $OV: the next compile, enroll, revoke or refresh finishes it\$" "$T/out"
check_eq "the long way of a revoke fails: certpolicyd still rejects alice" revoked "$(decision alice)"
rm -f "$T/postmap-fails"
run_capture "$T/out" "$CERTPOLICY" -c "$C" compile
check "then compile: finishes the revoke" grep -q "finishing the interrupted revoke of client alice ($OV)" "$T/out"
check "then compile: alice revoked in the source" revoked_in_source alice
check "then compile: no overlay left" test ! -e "$OV"
check "then compile: the outputs of a compile from scratch" as_scratch
: >"$T/postmap-fails"
run_capture "$T/out" "$CERTPOLICY" -c "$C" enroll dave "$PKI/dave.pem"
check "the long way of an enroll fails: the fast path ran first" fast
check_eq "the long way of an enroll fails: exit 1" "exit 1" "$(tail -1 "$T/out")"
check "the long way of an enroll fails: the overlay is gone" test ! -e "$OV"
check_eq "the long way of an enroll fails: dave unknown" unknown "$(decision dave)"
check_not "the long way of an enroll fails: not in the source" in_source dave
rm -f "$T/postmap-fails"
# A pending revoke whose client line has gone from the source is done
# when none of its certificates is enrolled any more (certpolicy(8));
# while one is, under another name, every writer stops and alice stays
# rejected.
fresh
strace -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=2 "$CERTPOLICY" -c "$C" revoke alice >/dev/null 2>&1
sed -i "s|^client alice .*|client alias cert=$PKI/alice.pem|" "$C"
run_capture "$T/out" "$CERTPOLICY" -c "$C" compile
check_eq "a pending revoke, alice's certificate now enrolled as alias: compile exit 1" "exit 1" "$(tail -1 "$T/out")"
check "a pending revoke, alice's certificate now enrolled as alias: the overlay stays" test -e "$OV"
check_eq "a pending revoke, alice's certificate now enrolled as alias: still rejected" revoked "$(decision alice)"
sed -i '/^client alias /d' "$C"
run_capture "$T/out" "$CERTPOLICY" -c "$C" compile
check_eq "a pending revoke of a line removed by hand: compile exit 0" "exit 0" "$(tail -1 "$T/out")"
check "a pending revoke of a line removed by hand: the overlay is gone" test ! -e "$OV"
check_eq "a pending revoke of a line removed by hand: alice unknown, not permitted" unknown "$(decision alice)"
check "a pending revoke of a line removed by hand: the outputs of a compile from scratch" as_scratch

# 3. A damaged overlay makes the database unusable (error_action, a
# DEFER), never a permit; an overlay of another database is ignored.
# cdb_set FILE KEY [VALUE] - FILE rewritten with KEY's record VALUE
# (without VALUE: the record removed)
cdb_set() {
    cdb -d "$1" | K=$2 V=${3-} SET=${3+y} perl -ne '
        /^\+(\d+),(\d+):/ or next;
        my ($k, $v) = (substr($_, length($&), $1), substr($_, length($&) + $1 + 2, $2));
        if ($k eq $ENV{K}) { $ENV{SET} or next; $v = $ENV{V}; }
        printf "+%d,%d:%s->%s\n", length $k, length $v, $k, $v;
        END { print "\n" }' >"$T/cdb.in"
    cdb -c -t "$T/cdb.tmp" "$1" <"$T/cdb.in"
}
fresh
strace -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=2 "$CERTPOLICY" -c "$C" revoke alice >/dev/null 2>&1
cp "$OV" "$T/ov.valid"
check "an overlay of this database pending: alice revoked" test "$(decision alice)" = revoked
# damaged LABEL - $T/ov.bad as the overlay: certpolicyd defers every
# enrolled client, never permits one, and permits again once it is gone
damaged() {
    fresh
    cp "$T/ov.bad" "$OV"
    chmod 0644 "$OV"
    poll_for '[ "$(decision bob)" = defer ]' 10
    for n in alice bob carol; do
        check_eq "$1 overlay: $n deferred (error_action)" defer "$(decision $n)"
    done
    check_not "$1 overlay: query does not answer from it" sh -c \
        "'$CERTPOLICY' -c '$C' query --cert '$PKI/bob.pem' | grep -q '^outcome: permit'"
    rm -f "$OV"
    check "$1 overlay removed: alice permitted again" wait_decision alice permit
}
head -c 1000 /dev/urandom >"$T/ov.bad"
damaged "random bytes as the"
head -c $(($(wc -c <"$T/ov.valid") / 2)) "$T/ov.valid" >"$T/ov.bad"
damaged "a truncated"
cp "$T/ov.valid" "$T/ov.bad"
cdb_set "$T/ov.bad" certpolicy:format
damaged "a CDB without certpolicy:format as the"
cp "$T/ov.valid" "$T/ov.bad"
cdb_set "$T/ov.bad" certpolicy:format 99
damaged "a CDB of format 99 as the"
# The overlay made for the database before: its overlay-of is not this one's.
echo "# another text, another digest" >"$T/other"
fresh "$T/other"
cp "$T/ov.valid" "$OV"
check_eq "an overlay of another database: ignored, alice permitted" permit "$(decision alice)"
check_eq "an overlay of another database: query ignores it too" permit "$(outcome alice)"
rm -f "$OV"
if [ "$(id -u)" = 0 ]; then
    fresh
    strace -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=2 "$CERTPOLICY" -c "$C" revoke alice >/dev/null 2>&1
    chmod 0600 "$OV"
    check "an overlay certpolicyd's user cannot read: alice deferred" wait_decision alice defer
    check_eq "an overlay certpolicyd's user cannot read: bob deferred" defer "$(decision bob)"
    rm -f "$OV"
else
    skip "an overlay certpolicyd's user cannot read" "needs root"
fi

# A forged index: the fast path declines (or the edit is refused), and
# the source after the command is exactly the intended change.
# forged LABEL - revoke alice with the index as it is now
forged() {
    cp "$C" "$T/forged.before"
    sed "s|^client alice .*|& revoked=$DATE|" "$C" >"$T/forged.want"
    run_capture "$T/out" "$CERTPOLICY" -c "$C" revoke alice --date $DATE
    check_not "$1: the fast path declines" fast
    if [ "$(tail -1 "$T/out")" = "exit 0" ]; then
        check_golden "$1: the source has exactly the change" "$T/forged.want" "$C"
    else
        check_golden "$1: refused, the source unchanged" "$T/forged.before" "$C"
    fi
    check "$1: check passes" "$CERTPOLICY" -c "$C" check
    check "$1: the outputs of a compile from scratch" as_scratch
    check_eq "$1: bob still permitted" permit "$(decision bob)"
}
fresh
cdb_set "$DB.index" n:alice "$(cdb -q "$DB.index" n:bob)"
chmod 0600 "$DB.index"
forged "an index with bob's offsets for alice"
fresh
cdb_set "$DB.index" n:alice "0 12"
chmod 0600 "$DB.index"
forged "an index with the header's offsets for alice"
fresh
as_scratch
cp "$S/certpolicy.cdb.index" "$DB.index"
forged "another source's index"
fresh
chmod 0620 "$DB.index"
forged "a group-writable index"
if [ "$(id -u)" = 0 ]; then
    fresh
    chown nobody "$DB.index"
    forged "an index owned by another user"
fi
fresh
mv "$DB.index" "$L/index.real"
ln -s index.real "$DB.index"
forged "a symlinked index"

# 4. While an overlay is pending (a revoke or an enroll killed after its
# rename), query and list say what certpolicyd says.
fresh
strace -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=2 "$CERTPOLICY" -c "$C" revoke alice >/dev/null 2>&1
check_eq "revoke pending: certpolicyd rejects alice" revoked "$(decision alice)"
check_eq "revoke pending: query says revoked" revoked "$(outcome alice)"
"$CERTPOLICY" -c "$C" list >"$T/list" 2>&1
check "revoke pending: list says alice is revoked" grep -q '^alice  *revoked ' "$T/list"
"$CERTPOLICY" -c "$C" compile >/dev/null 2>&1
strace -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=2 "$CERTPOLICY" -c "$C" enroll dave "$PKI/dave.pem" >/dev/null 2>&1
check_eq "enroll pending: certpolicyd permits dave" permit "$(decision dave)"
check_eq "enroll pending: query says permit" permit "$(outcome dave)"
"$CERTPOLICY" -c "$C" list >"$T/list" 2>&1
check "enroll pending: list has dave, active" grep -q '^dave  *active ' "$T/list"
"$CERTPOLICY" -c "$C" compile >/dev/null 2>&1
alive "after every case" $srv
