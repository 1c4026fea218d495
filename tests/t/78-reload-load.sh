# Load while the database changes: 32 connections answering 200,000
# requests while certpolicy compile replaces the database 200 times,
# alternating between two states, with certpolicyd in -l mode and in spawn
# mode. Every answer must be the outcome of one of the two states (the
# load generator checks each: alice always OK, gina always revoked, bob
# and dave enrolled in one state and revoked in the other, unknown
# fingerprints and requests without a certificate DUNNO); no protocol
# error. In -l mode the server's file descriptors and private memory must
# not grow from one half of the run to the next.
. "$SRCDIR/tests/lib.sh"
CERTPOLICYD=$(certpolicyd_cmd)
LOAD=$BUILDDIR/bench/policyload
fp() { awk -v b="$1" 'BEGIN { s = b; for (i = 1; i < 32; i++) s = s ":" b; print s }'; }
A=$(fp A1) G=$(fp 6A) B=$(fp B0) D=$(fp D0)
echo "$A" >"$T/enrolled"
echo "$G" >"$T/revoked"
printf '%s\n%s\n' "$B" "$D" >"$T/either"
state() {
    cat >"$T/$1.conf" <<CONF
database = $T/db.cdb
relay_clientcerts =
client alice fingerprint=$A
client gina fingerprint=$G revoked=2026-11-01
client bob fingerprint=$B $2
client dave fingerprint=$D $3
CONF
}
state one "" "revoked=2026-11-02"
state two "revoked=2026-11-02" ""
"$CERTPOLICY" -c "$T/one.conf" compile >/dev/null 2>&1

# compiles N - alternate the two states N times; the count that succeeded in $T/compiled
compiles() {
    k=0 good=0
    while [ $k -lt "$1" ]; do
        if [ $((k % 2)) = 0 ]; then s=two; else s=one; fi
        "$CERTPOLICY" -c "$T/$s.conf" compile >/dev/null 2>&1 && good=$((good + 1))
        k=$((k + 1))
    done
    echo $good >"$T/compiled"
}

# loaded NAME OUT REQUESTS COMPILES LOADARGS... - the load generator with
# LOADARGS while COMPILES compiles run; it must answer REQUESTS, all right
loaded() {
    _name=$1 _out=$2 _reqs=$3 _compiles=$4
    shift 4
    "$LOAD" "$@" --enrolled "$T/enrolled" --revoked "$T/revoked" --either "$T/either" \
        --mix 60,15,15,10 >"$_out" 2>&1 &
    _load=$!
    compiles "$_compiles"
    wait $_load
    check_eq "$_name: load generator exit status" 0 $?
    check "$_name: $_reqs answers, 0 mismatches" grep -q "^requests $_reqs connections 32 .* mismatches 0\$" "$_out"
    check_eq "$_name: $_compiles compiles during the load" "$_compiles" "$(cat "$T/compiled")"
}

# usage PID - "FDS PRIVATE_DIRTY_KB" of a process
usage() {
    echo "$(ls "/proc/$1/fd" | wc -l) $(awk '$1 == "Private_Dirty:" { print $2 }' "/proc/$1/smaps_rollup")"
}

# -l mode, in two halves of 100,000 requests and 100 compiles each, after
# a warm-up of 32,000 requests and 20 compiles (the heap settles).
"$CERTPOLICYD" -d "$T/db.cdb" -l "unix:$T/s.sock" -L "$T/l.log" &
srv=$!
wait_socket "unix:$T/s.sock" 30 $srv
loaded "-l, warm-up" "$T/warm.out" 32000 20 --connect "unix:$T/s.sock" -c 32 -n 1000
for half in 1 2; do
    loaded "-l, half $half" "$T/l$half.out" 100000 100 --connect "unix:$T/s.sock" -c 32 -n 3125
    eval "usage$half=\"\$(usage $srv)\""
done
reloads=$(grep -c "using database $T/db.cdb" "$T/l.log")
check "-l: the server followed the database many times ($reloads)" test "$reloads" -ge 20
fds1=${usage1% *} fds2=${usage2% *} mem1=${usage1#* } mem2=${usage2#* }
check_eq "-l: open files after each half ($fds1, $fds2)" "$fds1" "$fds2"
if [ -z "${CERTPOLICY_SANITIZED:-}" ]; then
    check "-l: private memory after each half (${mem1} KiB, ${mem2} KiB) grows by at most a page" \
        test $((mem2 - mem1)) -le 4
fi
check_not "-l: no warning logged" grep -q "warning:" "$T/l.log"
kill -TERM $srv
wait $srv

# spawn mode: 32 processes, 6,250 requests each, 200 compiles meanwhile.
loaded "spawn" "$T/spawn.out" 200000 200 --spawn "$CERTPOLICYD -d $T/db.cdb -L $T/spawn.log" -c 32 -n 6250
reloads=$(grep -c "using database $T/db.cdb" "$T/spawn.log")
check "spawn: the processes followed the database ($reloads loads by 32 processes)" test "$reloads" -gt 32
check_not "spawn: no warning logged" grep -q "warning:" "$T/spawn.log"
