# Many hosts, one source: compile on the first host, copy the outputs
# (database and map with its postmap index) with real rsync to two others,
# where a certpolicyd serves requests all the while. Every answer during
# the copies must be that of the old or the new state (no error, no
# deferral, no wrong permit: rsync writes each file to a temporary name and
# renames it, in its own order); after a revoke on the first host and the
# copies, the other two answer REJECT. How long after rsync returned they
# did is printed, not asserted. Each host is a directory here; on real
# hosts the paths are the same on each.
. "$SRCDIR/tests/lib.sh"
if ! command -v rsync >/dev/null 2>&1; then
    skip "many hosts" "rsync is not installed"
    exit 0
fi
postfix_config
CERTPOLICYD=$(certpolicyd_cmd)
CLIENT=$BUILDDIR/tests/tools/policy_client
LOAD=$BUILDDIR/bench/policyload
fp() { awk -v b="$1" 'BEGIN { s = b; for (i = 1; i < 32; i++) s = s ":" b; print s }'; }
ALICE=$(fp A1) GINA=$(fp 6A) BOB=$(fp B0)
echo "$ALICE" >"$T/enrolled"
echo "$GINA" >"$T/revoked"
echo "$BOB" >"$T/either"
H1=$T/h1 H2=$T/h2 H3=$T/h3
mkdir -p "$H1" "$H2" "$H3"

# state NAME BOB_ATTRS - a source in which bob is enrolled or revoked
state() {
    cat >"$T/$1.conf" <<CONF
database = $H1/certpolicy.cdb
relay_clientcerts = cdb:$H1/relay_clientcerts
client alice fingerprint=$ALICE
client gina fingerprint=$GINA revoked=2026-11-01
client bob fingerprint=$BOB $2
CONF
}
state one ""
state two "revoked=2026-11-02"
copy() {
    rsync -a --exclude '*.edits' --exclude '*.index' "$H1/" "$H2/" \
        && rsync -a --exclude '*.edits' --exclude '*.index' "$H1/" "$H3/"
}
check "compile on the first host" "$CERTPOLICY" -c "$T/one.conf" compile
check "rsync to the other two" copy
check_eq "the copies hold the database and the map with its index" \
    "certpolicy.cdb relay_clientcerts relay_clientcerts.cdb" "$(ls "$H2" | tr '\n' ' ' | sed 's/ $//')"

for h in 2 3; do
    "$CERTPOLICYD" -d "$T/h$h/certpolicy.cdb" -l "unix:$T/h$h.sock" -L "$T/h$h.log" &
    on_exit "kill $! 2>/dev/null"
    wait_socket "unix:$T/h$h.sock" 30 $!
done

# ask HOST FINGERPRINT - certpolicyd's action on HOST for FINGERPRINT
ask() {
    printf 'request=smtpd_access_policy\nccert_fingerprint=%s\n\n' "$2" \
        | "$CLIENT" -n 1 "unix:$T/h$1.sock" | sed -n 's/^action=//p'
}
check_eq "host 2 answers from the copy: bob may relay" OK "$(ask 2 "$BOB")"
check_eq "host 3 answers from the copy: bob may relay" OK "$(ask 3 "$BOB")"

# Load on both copies while the first host compiles the two states in turn
# and rsync copies each; the copies go on until both loads are done.
for h in 2 3; do
    "$LOAD" --connect "unix:$T/h$h.sock" -c 4 -n 25000 --enrolled "$T/enrolled" \
        --revoked "$T/revoked" --either "$T/either" --mix 60,15,15,10 >"$T/load$h.out" 2>&1 &
    eval "load$h=\$!"
done
copies=0 bad=0 during=0
while kill -0 "$load2" 2>/dev/null || kill -0 "$load3" 2>/dev/null || [ $copies -lt 5 ]; do
    if kill -0 "$load2" 2>/dev/null && kill -0 "$load3" 2>/dev/null; then
        during=$((during + 1))
    fi
    if [ $((copies % 2)) = 0 ]; then s=two; else s=one; fi
    "$CERTPOLICY" -c "$T/$s.conf" compile >/dev/null 2>&1 && copy || bad=$((bad + 1))
    copies=$((copies + 1))
done
wait "$load2"
check_eq "host 2: load generator exit status" 0 $?
wait "$load3"
check_eq "host 3: load generator exit status" 0 $?
check_eq "every compile and copy during the load succeeded ($copies)" 0 $bad
check "copies began while both servers were loaded ($during of $copies)" test $during -ge 1
for h in 2 3; do
    check "host $h: 100000 answers during $copies copies, each right for the old or the new state" \
        grep -q "^requests 100000 connections 4 .* mismatches 0\$" "$T/load$h.out"
    check_eq "host $h: no error or deferral logged" "" "$(grep -e 'outcome=error' -e 'outcome=unavailable' "$T/h$h.log" | head -3)"
done

# A revoke on the first host, then the copies.
cp "$T/one.conf" "$T/src.conf"
"$CERTPOLICY" -c "$T/src.conf" compile >/dev/null 2>&1 && copy
check_eq "before the revoke: host 2 lets bob relay" OK "$(ask 2 "$BOB")"
check "certpolicy revoke bob on the first host" "$CERTPOLICY" -c "$T/src.conf" revoke bob --reason "left"
for h in 2 3; do
    rsync -a --exclude '*.edits' --exclude '*.index' "$H1/" "$T/h$h/"
    after=$(date +%s%N)
    n=0
    while answer=$(ask $h "$BOB") && [ "$answer" = OK ] && [ $n -lt 2000 ]; do
        n=$((n + 1))
    done
    ms=$((($(date +%s%N) - after) / 1000000))
    check_eq "host $h answers REJECT for bob after rsync returned ($ms ms, $n answers still OK before)" \
        "REJECT 5.7.1 Client certificate revoked" "$answer"
    echo "host $h: revoke seen $ms ms after rsync returned" >>"$T/timings"
done
check_eq "alice is still served on host 3" OK "$(ask 3 "$ALICE")"
