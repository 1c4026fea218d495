# A seeded random sequence of enroll, revoke, compile, refresh, edits of
# the source and of certificate files by hand, and damage to the
# certificate cache. After every command that worked, the database and
# the relay map are exactly what a compile from scratch (no cache) of the
# source as it now is gives: every client's decision is the one the
# source says. After a command that failed, nothing changed.
# Some enrolls and revokes (CERTPOLICY_MODEL_KILLS percent of them,
# default 50) are killed at a random step (the Nth rename, or the unlink
# of the overlay of recent edits); then a revoke that reached the overlay
# is revoked for query, an enroll's certificates are either unknown or
# permitted, and the next writer (compile, refresh, or the same command
# again) finishes the edit before the comparison with a compile from
# scratch.
# SEED (default 19) and STEPS (default 120) choose the sequence; a failure
# names the seed and the step, so it can be replayed.
. "$SRCDIR/tests/lib.sh"
pki
postfix_config
NOW=$(date +%s)
# postmap under the fake clock takes 2 seconds more when main.cf is not
# older than that clock's "now" (written in the same second): a private
# copy of the configuration, a minute old
mkdir -p "$T/postfix-config"
cp "$MAIL_CONFIG/main.cf" "$MAIL_CONFIG/master.cf" "$T/postfix-config/"
touch -d "@$((NOW - 60))" "$T/postfix-config/main.cf" "$T/postfix-config/master.cf"
MAIL_CONFIG=$T/postfix-config
CERTPOLICY=$(clocked_cmd "$NOW" "$CERTPOLICY")
SEED=${SEED:-19}
STEPS=${STEPS:-120}
KILLS=${CERTPOLICY_MODEL_KILLS:-50}
command -v strace >/dev/null 2>&1 || KILLS=0
# Not in the sanitizer build (90-sanitizers): LeakSanitizer cannot run
# under ptrace, and a traced command fails at exit there. The kills are
# the plain run's (and 44-fast-edit's, 83-writer-faults').
[ -n "${CERTPOLICY_SANITIZED:-}" ] && KILLS=0
OV_NAME=certpolicy.cdb.edits
# LIVE and SCRA have the same length: the dumps compare after a rename
LIVE=$T/live
SCRA=$T/scra
P=$T/pool
C=$T/model.conf
rm -rf "$LIVE" "$SCRA" "$P"
mkdir -p "$LIVE" "$SCRA" "$P"

# mkcert NAME - a client certificate from the test CA (EC P-256: quick)
SERIAL=5000
mkcert() {
    SERIAL=$((SERIAL + 1))
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$P/$1.key" \
        -subj "/CN=$1" -out "$P/$1.csr" 2>/dev/null &&
    openssl x509 -req -in "$P/$1.csr" -CA "$PKI/ca.pem" -CAkey "$PKI/ca.key" \
        -set_serial "$SERIAL" -days 365 -out "$P/$1.pem" 2>/dev/null
}
POOL=12
i=0
while [ $i -lt $POOL ]; do mkcert "p$i"; i=$((i + 1)); done
cat >"$C" <<CONF
database = $LIVE/certpolicy.cdb
relay_clientcerts = cdb:$LIVE/relay_clientcerts
client a0 cert=$P/p0.pem
client a1 cert=$P/p1.pem fingerprint=$(printf '%064x' 1)
client a2 fingerprint=$(printf '%064x' 2)
CONF
"$CERTPOLICY" -c "$C" compile >/dev/null 2>&1 || fail "model: first compile" "$(cat "$C")"

# dump DIR - the database records and the relay map, paths of DIR as LIVE's
# (but for the digest of the source text, which names other paths)
dump() {
    { cdb -d "$1/certpolicy.cdb" | grep -v '^+[0-9]*,[0-9]*:certpolicy:source-sha256->'
      grep -v '^#' "$1/relay_clientcerts"
      cdb -d "$1/relay_clientcerts.cdb" | sort; } 2>&1 | sed "s|$1|$LIVE|g"
}
# scratch - compile the current source from scratch into SCRA
scratch() {
    rm -f "$SCRA"/* "$SCRA"/.[!.]* 2>/dev/null
    sed "s|$LIVE|$SCRA|g" "$C" >"$T/scratch.conf"
    "$CERTPOLICY" -c "$T/scratch.conf" compile >"$T/scratch.out" 2>&1
}
# clients - the names in the source
clients() { sed -n 's/^client \([^ ]*\) .*/\1/p' "$C"; }
# pick N LIST... - the (N mod count)th word
pick() {
    _n=$1
    shift
    [ $# -gt 0 ] || return 1
    shift $((_n % $#))
    echo "$1"
}

# The sequence: one line per step, "OP R1 R2".
awk -v seed="$SEED" -v n="$STEPS" 'BEGIN { srand(seed)
    for (i = 0; i < n; i++) {
        op = int(rand() * 9)
        if (i < 9)			# every kind of step among the first nine
            op = (i * 4 + seed) % 9
        print op, int(rand() * 1000), int(rand() * 1000) } }' >"$T/steps.ops"
# Which steps are killed, and where (0: the overlay's unlink; N: the Nth
# rename), drawn apart so that the sequence of a seed stays the same.
awk -v seed="$SEED" -v n="$STEPS" -v pct="$KILLS" 'BEGIN { srand(seed * 7 + 1)
    for (i = 0; i < n; i++) {
        k = rand() * 100 < pct; w = int(rand() * 8)
        print k ? w : "-" } }' >"$T/steps.kills"
paste -d ' ' "$T/steps.ops" "$T/steps.kills" >"$T/steps"

# run_edit ARGS... - certpolicy ARGS into $T/cmd; on a step drawn to be
# killed, under strace that kills it at its step $kill_at
# (LeakSanitizer cannot run under ptrace: a traced command that ends
# before its kill would fail at exit in the sanitizer build)
run_edit() {
    _nolsan="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}detect_leaks=0"
    case $kill_at in
    -) run_capture "$T/cmd" "$CERTPOLICY" -c "$C" "$@" ;;
    0) run_capture "$T/cmd" env ASAN_OPTIONS="$_nolsan" strace -qq -o /dev/null \
           -P "$LIVE/$OV_NAME" -e trace=unlink -e inject=unlink:signal=KILL "$CERTPOLICY" -c "$C" "$@" ;;
    *) run_capture "$T/cmd" env ASAN_OPTIONS="$_nolsan" strace -qq -o /dev/null -e trace=rename \
           -e inject=rename:signal=KILL:when="$kill_at" "$CERTPOLICY" -c "$C" "$@" ;;
    esac
}
# db_fps DB NAME - the fingerprints DB has c: records of NAME for
db_fps() { cdb -d "$1" | sed -n "s/^+[0-9]*,[0-9]*:c:\([0-9A-F:]*\)->$2	.*/\1/p"; }
# after_kill WHAT OP NAME ARGS... - a run of ARGS was killed: the
# invariant now, then the next writer in $T/cmd (what names both)
kills_done=0
after_kill() {
    _w=$1 _op=$2 _n=$3
    shift 3
    kills_done=$((kills_done + 1))
    _ov=$LIVE/$OV_NAME
    if [ -e "$_ov" ] && [ "$_op" = revoke ]; then
        for _fp in $(db_fps "$LIVE/certpolicy.cdb" "$_n") $(db_fps "$_ov" "$_n"); do
            _o=$("$CERTPOLICY" -c "$C" query --fingerprint "$_fp" 2>&1 | sed -n 's/^outcome: //p')
            # a certificate not valid at the model's clock stays rejected as expired
            case $_o in revoked | expired) ;; *) bad=$((bad + 1))
                fail "seed $SEED step $step: $_w: revoke pending in the overlay, query says revoked for $_fp" "$_o" ;;
            esac
        done
    elif [ -e "$_ov" ]; then
        # the certificates the enroll adds: in the overlay, not in the database
        db_fps "$LIVE/certpolicy.cdb" "$_n" >"$T/had"
        for _fp in $(db_fps "$_ov" "$_n" | grep -vxF -f "$T/had"); do
            echo "$_fp $("$CERTPOLICY" -c "$C" query --fingerprint "$_fp" 2>&1 | sed -n 's/^outcome: //p')"
        done >"$T/pending"
    fi
    _placed=no
    [ -e "$_ov" ] && _placed=yes
    followup=
    case $((r2 % 3)) in
    0) _f=compile; run_capture "$T/cmd" "$CERTPOLICY" -c "$C" compile ;;
    1) _f=refresh followup=refresh; run_capture "$T/cmd" "$CERTPOLICY" -c "$C" refresh ;;
    2) _f="$_op again"; run_capture "$T/cmd" "$CERTPOLICY" -c "$C" "$_op" "$_n" "$@" ;;
    esac
    _where="rename $kill_at"
    [ "$kill_at" = 0 ] && _where="the overlay's unlink"
    what="$_w, killed at $_where, then $_f"
    [ "$_placed" = yes ] || return 0
    # an enroll's certificates were, while it was pending, either unknown
    # (the old decision) or what they are now it is finished (the new one)
    if [ "$_op" = enroll ] && [ "$(tail -1 "$T/cmd")" = "exit 0" ]; then
        while read -r _fp _o; do
            _now=$("$CERTPOLICY" -c "$C" query --fingerprint "$_fp" 2>&1 | sed -n 's/^outcome: //p')
            [ "$_o" = unknown ] || [ "$_o" = "$_now" ] || { bad=$((bad + 1))
                fail "seed $SEED step $step: $what: pending, $_fp was unknown or $_now" "$_o"; }
        done <"$T/pending"
    fi
    if [ "$(tail -1 "$T/cmd")" != "exit 0" ] || [ -e "$_ov" ]; then
        bad=$((bad + 1))
        fail "seed $SEED step $step: $what: the next writer finishes the pending edit" "$(tail -3 "$T/cmd")"
    elif [ "$_op" = revoke ] && ! grep -q "^client $_n .*revoked=" "$C"; then
        bad=$((bad + 1))
        fail "seed $SEED step $step: $what: the source says revoked" "$(grep "^client $_n " "$C")"
    elif [ "$_op" = enroll ] && [ "$(grep -c "^client $_n " "$C")" != 1 ]; then
        bad=$((bad + 1))
        fail "seed $SEED step $step: $what: one line in the source for $_n" "$(grep -c "^client $_n " "$C")"
    fi
}
step=0
bad=0
fresh=0
renewed=0
while read -r op r1 r2 kill_at; do
    step=$((step + 1))
    killed= followup=
    what=
    sums "$LIVE" >"$T/before"
    case $op in
    0) what="enroll n$step p$((r1 % POOL))"
       set -- enroll "n$step" "$P/p$((r1 % POOL)).pem"
       run_edit "$@" ;;
    1) name=$(pick "$r1" $(clients)) || continue
       what="enroll $name fingerprint"
       set -- enroll "$name" "$(printf '%064x' $((1000 + step)))"
       run_edit "$@" ;;
    2) name=$(pick "$r1" $(clients)) || continue
       what="revoke $name"
       set -- revoke "$name"
       run_edit "$@" ;;
    3) what=compile
       run_capture "$T/cmd" "$CERTPOLICY" -c "$C" compile ;;
    4) # an enrolled certificate file renewed in place (same name, same time), by hand
       f=$(pick "$r1" $(grep -o 'cert=[^ ]*' "$C" | cut -d= -f2)) || f=$P/p$((r1 % POOL)).pem
       fresh=$((fresh + 1))
       mkcert "r$fresh"
       touch -r "$f" "$P/r$fresh.pem"
       cp -p "$P/r$fresh.pem" "$f"
       renewed=1
       echo "step $step: renewed $f by hand" >>"$T/log"
       continue ;;
    5) name=$(pick "$r1" $(clients)) || continue
       sed -i "/^client $name /d" "$C"
       echo "step $step: removed client $name by hand" >>"$T/log"
       continue ;;
    6) # un-revoke by hand, or a new fingerprint client
       name=$(pick "$r1" $(sed -n 's/^client \([^ ]*\) .*revoked=.*/\1/p' "$C")) ||
           { printf 'client h%d fingerprint=%064x\n' "$step" $((2000 + step)) >>"$C"; continue; }
       sed -i "/^client $name /s/ revoked=.*//" "$C"
       echo "step $step: un-revoked $name by hand" >>"$T/log"
       continue ;;
    7) cache=$LIVE/certpolicy.cdb.certcache
       if [ -s "$cache" ]; then
           case $((r2 % 3)) in
           0) rm -f "$cache" ;;
           1) head -c $((r1 * 3)) "$cache" >"$T/torn" && cat "$T/torn" >"$cache" ;;
           2) size=$(stat -c %s "$cache")
              printf 'X' | dd of="$cache" bs=1 seek=$((r1 * 7 % size)) conv=notrunc 2>/dev/null ;;
           esac
       fi
       echo "step $step: damaged the cache ($((r2 % 3)))" >>"$T/log"
       continue ;;
    8) what=refresh
       run_capture "$T/cmd" "$CERTPOLICY" -c "$C" refresh ;;
    esac
    if [ "$(tail -1 "$T/cmd")" = "exit 137" ]; then
        killed=1
        after_kill "$what" "$@"
    fi
    echo "step $step: $what: $(tail -1 "$T/cmd")" >>"$T/log"
    if [ "$(tail -1 "$T/cmd")" = "exit 0" ]; then
        if ! scratch; then
            bad=$((bad + 1))
            fail "seed $SEED step $step: $what worked, but a compile from scratch fails" \
                "$(tail -3 "$T/scratch.out")"
            continue
        fi
        dump "$LIVE" >"$T/live.dump"
        dump "$SCRA" >"$T/scra.dump"
        if cmp -s "$T/live.dump" "$T/scra.dump"; then
            renewed=0
        elif { [ "$op" = 8 ] || [ "$followup" = refresh ]; } && [ "$renewed" = 1 ]; then
            # refresh compiles first only a source whose text changed
            echo "step $step: refresh kept outputs older than a renewed file" >>"$T/log"
        else
            bad=$((bad + 1))
            fail "seed $SEED step $step: $what: the outputs are those of a compile from scratch" \
                "$(diff "$T/scra.dump" "$T/live.dump" | head -20)"
        fi
    elif [ -z "$killed" ]; then
        sums "$LIVE" >"$T/after"
        if ! cmp -s "$T/before" "$T/after"; then
            bad=$((bad + 1))
            fail "seed $SEED step $step: $what failed: nothing changed" "$(tail -3 "$T/cmd")"
        fi
    fi
done <"$T/steps"
check_eq "seed $SEED, $STEPS steps: every command left the outputs of a compile from scratch" 0 "$bad"
run_capture "$T/cmd" "$CERTPOLICY" -c "$C" compile
scratch
dump "$LIVE" >"$T/live.dump"
dump "$SCRA" >"$T/scra.dump"
check_golden "seed $SEED: a last compile gives the outputs of a compile from scratch" \
    "$T/scra.dump" "$T/live.dump"
check "seed $SEED: the last compile left its certificate cache" test -s "$LIVE/certpolicy.cdb.certcache"
check "seed $SEED: the sequence had commands that worked" grep -q ': exit 0$' "$T/log"
check "seed $SEED: the sequence renewed certificates by hand" grep -q 'renewed' "$T/log"
if [ "$KILLS" -gt 0 ]; then
    check "seed $SEED: the sequence killed enrolls and revokes ($kills_done)" test "$kills_done" -gt 0
    check "seed $SEED: a writer after a kill worked" grep -q 'killed at .*: exit 0$' "$T/log"
fi
