# Writers one at a time, and nothing injected: compile, enroll, revoke and
# refresh run one after another however they are started (20 rounds of
# each pair, every change that is reported done is in the source, the
# database and the relay map); a value from the command line cannot add
# lines to the source; a symlinked source is edited at its target.
. "$SRCDIR/tests/lib.sh"
postfix_config
PKI=$T/pki
sh "$SRCDIR/tests/pki/mkpki" "$PKI" >"$T/pki.log" 2>&1 || { fail "mkpki" "$(tail -3 "$T/pki.log")"; exit 0; }
OUT=$T/out.d
mkdir -p "$OUT"
C=$T/c.conf
ROUNDS=${CERTPOLICY_WRITER_ROUNDS:-20}	# 90-sanitizers runs fewer
fp() { fp_openssl "$PKI/$1.pem" sha256; }
lower() { fp "$1" | tr A-F a-f; }

# slow postmap: a postmap that takes its time, so that writers overlap
# (the sleep is the behaviour wanted, not a wait for something)
cat >"$T/slow-postmap" <<'SH'
#!/bin/sh
sleep 0.2
exec postmap "$@"
SH
chmod +x "$T/slow-postmap"

# fresh [EXTRA] - a source with alice and bob active, compiled
fresh() {
    cat >"$C" <<CONF
database = $OUT/certpolicy.cdb
status_database = $OUT/status.cdb
relay_clientcerts = cdb:$OUT/relay_clientcerts
postmap_command = $T/slow-postmap
client_ca_file = $PKI/ca.pem
revocation_check = crl
crl_source = $T/ca.crl
client alice cert=$PKI/alice.pem
client bob cert=$PKI/bob.pem
CONF
    "$CERTPOLICY" -c "$C" compile >/dev/null 2>&1 || fail "fresh compile" "$(cat "$C")"
}
(cd "$PKI" && openssl ca -config ca.cnf -gencrl -out "$T/crl.pem" >/dev/null 2>&1 \
    && openssl crl -in "$T/crl.pem" -outform DER -out "$T/ca.crl")

# in_source NAME - the client's line says revoked
revoked_in_source() { grep -q "^client $1 .*revoked=" "$C"; }
# in_relay NAME - NAME's certificate is in the compiled relay map
in_relay() { [ "$(postmap -q "$(lower "$1")" "cdb:$OUT/relay_clientcerts")" = "$1" ]; }
# outcome NAME - what the database answers for NAME's certificate
outcome() { "$CERTPOLICY" -c "$C" query --cert "$PKI/$1.pem" 2>/dev/null | sed -n 's/^outcome: //p'; }
# revoked_everywhere NAME - the source, the database and the relay map agree
revoked_everywhere() {
    revoked_in_source "$1" && ! in_relay "$1" && [ "$(outcome "$1")" = revoked ]
}
active_everywhere() {
    ! revoked_in_source "$1" && in_relay "$1" && [ "$(outcome "$1")" != revoked ]
}

# pair CMD1 CMD2: run both at once (each a list of words); sets e1 and e2
pair() {
    # shellcheck disable=SC2086
    "$CERTPOLICY" -c "$C" $1 >"$T/p1.out" 2>&1 &
    _p1=$!
    # shellcheck disable=SC2086
    "$CERTPOLICY" -c "$C" $2 >"$T/p2.out" 2>&1 &
    _p2=$!
    wait $_p1
    e1=$?
    wait $_p2
    e2=$?
}

# 1. revoke + revoke: both succeed, both land.
lost=0 bad=0 n=0
while [ $n -lt $ROUNDS ]; do
    fresh
    pair "revoke alice" "revoke bob"
    if [ $e1 != 0 ] || [ $e2 != 0 ]; then bad=$((bad + 1)); fi
    { [ $e1 = 0 ] && ! revoked_everywhere alice; } && lost=$((lost + 1))
    { [ $e2 = 0 ] && ! revoked_everywhere bob; } && lost=$((lost + 1))
    n=$((n + 1))
done
check_eq "revoke + revoke, $ROUNDS rounds: no change reported done and lost" 0 $lost
check_eq "revoke + revoke, $ROUNDS rounds: both succeed" 0 $bad

# 2. revoke + enroll.
lost=0 bad=0 n=0
while [ $n -lt $ROUNDS ]; do
    fresh
    pair "revoke alice" "enroll dave $PKI/dave.pem"
    if [ $e1 != 0 ] || [ $e2 != 0 ]; then bad=$((bad + 1)); fi
    { [ $e1 = 0 ] && ! revoked_everywhere alice; } && lost=$((lost + 1))
    { [ $e2 = 0 ] && ! active_everywhere dave; } && lost=$((lost + 1))
    n=$((n + 1))
done
check_eq "revoke + enroll, $ROUNDS rounds: no change reported done and lost" 0 $lost
check_eq "revoke + enroll, $ROUNDS rounds: both succeed" 0 $bad

# 3. revoke + compile (postmap slow): the source never says revoked while
# the database or the relay map still permits.
lost=0 bad=0 n=0
while [ $n -lt $ROUNDS ]; do
    fresh
    pair "revoke alice" compile
    if [ $e1 != 0 ] || [ $e2 != 0 ]; then bad=$((bad + 1)); fi
    if revoked_in_source alice && ! revoked_everywhere alice; then lost=$((lost + 1)); fi
    { [ $e1 = 0 ] && ! revoked_in_source alice; } && lost=$((lost + 1))
    n=$((n + 1))
done
check_eq "revoke + compile, $ROUNDS rounds: source, database and relay map agree" 0 $lost
check_eq "revoke + compile, $ROUNDS rounds: both succeed" 0 $bad

# 4. compile + refresh: both succeed and every output is whole.
bad=0 n=0
while [ $n -lt $ROUNDS ]; do
    fresh
    pair compile refresh
    if [ $e1 != 0 ] || [ $e2 != 0 ]; then bad=$((bad + 1)); fi
    cdb -d "$OUT/status.cdb" >/dev/null 2>&1 && cdb -d "$OUT/certpolicy.cdb" >/dev/null 2>&1 \
        || bad=$((bad + 1))
    n=$((n + 1))
done
check_eq "compile + refresh, $ROUNDS rounds: both succeed, outputs whole" 0 $bad
check_eq "concurrent rounds: no temporary file left" "" "$(ls -A "$OUT" "$T" | grep '^\.')"

# The lock is held for a writer's whole run: a postmap that waits for a
# file to appear holds compile in the middle; meanwhile refresh and revoke
# with lock_wait=0 are refused, and with the default wait they go on once
# compile has finished.
cat >"$T/held-postmap" <<SH
#!/bin/sh
. "$SRCDIR/tests/lib.sh"
: >"$T/held"
wait_for "test -e '$T/go'" 60
exec postmap "\$@"
SH
chmod +x "$T/held-postmap"
fresh
rm -f "$T/held" "$T/go"
sed -i "s|^postmap_command = .*|postmap_command = $T/held-postmap|" "$C"
"$CERTPOLICY" -c "$C" compile >"$T/held.out" 2>&1 &
held=$!
wait_for "test -e '$T/held'" 30
sums "$OUT" >"$T/held.before"
for cmd in refresh "revoke alice" "enroll dave $PKI/dave.pem" compile; do
    # shellcheck disable=SC2086
    run_capture "$T/out" "$CERTPOLICY" -o lock_wait=0 -c "$C" $cmd
    check_golden "while compile holds the lock, $cmd with lock_wait=0: refused" /dev/stdin "$T/out" <<OUT
certpolicy: $C: another compile, enroll, revoke or refresh is running (waited 0 seconds; -o lock_wait=SECONDS waits longer): nothing was changed
exit 1
OUT
done
sums "$OUT" >"$T/held.after"
check_golden "refused writers changed nothing" "$T/held.before" "$T/held.after"
"$CERTPOLICY" -c "$C" revoke alice >"$T/waiter.out" 2>&1 &
waiter=$!
: >"$T/go"
wait $held
check_eq "held compile: exit 0" 0 $?
wait $waiter
check_eq "revoke that waited for the lock: exit 0" 0 $?
check "revoke that waited for the lock: landed" revoked_everywhere alice

# An edit while the source is changed without certpolicy (an editor
# appending a line while revoke's postmap runs): revoke fails and says
# so, the editor's line stays, and no output is replaced; the revoke was
# in effect in certpolicyd (the overlay of recent edits) before that and
# stays so, and the next writer finishes it.
cat >"$T/edit-postmap" <<SH
#!/bin/sh
. "$SRCDIR/tests/lib.sh"
: >"$T/edit-held"
wait_for "test -e '$T/edit-go'" 60
exec postmap "\$@"
SH
chmod +x "$T/edit-postmap"
fresh
rm -f "$T/edit-held" "$T/edit-go"
sed -i "s|^postmap_command = .*|postmap_command = $T/edit-postmap|" "$C"
"$CERTPOLICY" -c "$C" compile >/dev/null 2>&1 &
wait_for "test -e '$T/edit-held'" 30
: >"$T/edit-go"
wait
rm -f "$T/edit-held" "$T/edit-go"
sums "$OUT" >"$T/ed.before"
"$CERTPOLICY" -c "$C" revoke alice >"$T/ed.out" 2>&1 &
ed=$!
wait_for "test -e '$T/edit-held'" 30
echo "# added by an editor" >>"$C"
: >"$T/edit-go"
wait $ed
check_eq "source changed by an editor during revoke: exit 1" 1 $?
check "source changed by an editor during revoke: says so" \
    grep -q "^certpolicy: $C: the file changed while it was compiled; try again$" "$T/ed.out"
check "source changed by an editor during revoke: the editor's line stays" grep -q '^# added by an editor$' "$C"
check "source changed by an editor during revoke: says the revoke stays in effect" \
    grep -q "^certpolicy: $C: the source and the Postfix maps were not changed, but the revoke of client alice stays in effect in certpolicyd through $OUT/certpolicy.cdb.edits: " "$T/ed.out"
check_eq "source changed by an editor during revoke: alice revoked in certpolicyd" revoked "$(outcome alice)"
check_not "source changed by an editor during revoke: not in the source" revoked_in_source alice
check "source changed by an editor during revoke: the relay map not replaced" in_relay alice
sums "$OUT" | grep -v ' [^ ]*\.edits$' >"$T/ed.after"
check_golden "source changed by an editor during revoke: outputs unchanged but the overlay" "$T/ed.before" "$T/ed.after"
"$CERTPOLICY" -c "$C" compile >"$T/ed2.out" 2>&1
check_eq "the next compile: exit 0" 0 $?
check "the next compile: finishes the revoke" \
    grep -q "^certpolicy: $C: finishing the interrupted revoke of client alice ($OUT/certpolicy.cdb.edits)$" "$T/ed2.out"
check "the next compile: alice revoked everywhere" revoked_everywhere alice
check "the next compile: the editor's line stays" grep -q '^# added by an editor$' "$C"
check_not "the next compile: the overlay is gone" test -e "$OUT/certpolicy.cdb.edits"

# Injection: a value from the command line with a newline (or another
# control character) is refused, and nothing changes: not the source, not
# an output, and no command runs.
cat >"$T/evil.sh" <<SH
#!/bin/sh
: >"$T/pwned"
exec postmap "\$@"
SH
chmod +x "$T/evil.sh"
fresh
sed -i '/^postmap_command/d' "$C"
"$CERTPOLICY" -c "$C" compile >/dev/null 2>&1
cp "$C" "$T/inj.before"
rm -rf "$T/inj.out.d"
cp -a "$OUT" "$T/inj.out.d"
sums "$OUT" >"$T/inj.sums"
cp "$PKI/dave.pem" "$T/inj"
evilpath="$T/inj
revocation_failure=permit
#"
cp "$PKI/dave.pem" "$evilpath"
nl='
'
# injected LABEL ARGS... - refused with exit 1 or 2, nothing changed
injected() {
    _label=$1
    shift
    rm -f "$T/pwned"
    cp "$T/inj.before" "$C"
    cp -a "$T/inj.out.d/." "$OUT/"
    "$CERTPOLICY" -c "$C" "$@" >"$T/inj.out" 2>&1
    _e=$?
    check "$_label: refused (exit $_e)" test $_e = 1 -o $_e = 2
    check_golden "$_label: source unchanged" "$T/inj.before" "$C"
    sums "$OUT" >"$T/inj.sums.after"
    check_golden "$_label: outputs unchanged" "$T/inj.sums" "$T/inj.sums.after"
    check "$_label: no command ran" test ! -e "$T/pwned"
}
injected "revoke --reason with a newline" revoke alice --reason "left${nl}postmap_command=$T/evil.sh"
check "revoke --reason with a newline: says why" grep -q "^certpolicy: --reason: contains a control character" "$T/inj.out"
injected "revoke --reason with a tab" revoke alice --reason "left	today"
injected "revoke --reason with an escape" revoke alice --reason "$(printf 'left \033[2J')"
injected "revoke --date with a newline" revoke alice --date "2026-11-20${nl}revocation_failure=permit"
injected "revoke --date not a date" revoke alice --date "2026-13-01"
injected "revoke NAME with a newline" revoke "alice${nl}revocation_failure=permit"
injected "enroll NAME with a newline" enroll "zed fingerprint=$(fp erin)${nl}revocation_failure = permit${nl}#" "$(fp gina)"
check_golden "enroll NAME with a newline: says why, without echoing it" /dev/stdin "$T/inj.out" <<OUT
certpolicy: client name: contains a control character (0x0a at byte 112): nothing was changed
OUT
injected "enroll NAME that adds attributes" enroll "zed fingerprint=$(fp erin)" "$(fp gina)"
injected "enroll a cert path with a newline" enroll zed "$evilpath"
check_golden "enroll a cert path with a newline: says why" /dev/stdin "$T/inj.out" <<OUT
certpolicy: certificate file or fingerprint #1: contains a control character (0x0a at byte $(( ${#T} + 5 ))): nothing was changed
OUT
ln -s "$evilpath" "$T/innocent.pem"
injected "enroll a symlink to a cert path with a newline" enroll zed "$T/innocent.pem"
check "enroll a symlink to a cert path with a newline: says why" \
    grep -q "^certpolicy: the full path of certificate file #1: contains a control character" "$T/inj.out"
injected "enroll a fingerprint with a newline" enroll zed "$(fp gina)${nl}revocation_failure=permit"
injected "enroll a fingerprint with a space" enroll zed "$(fp gina) revocation_failure=permit"
injected "enroll NAME of another client's line" enroll "alice fingerprint=$(fp gina)" "$(fp erin)"

# A symlinked source is edited at its target; the link stays, the target
# keeps its mode and owner.
mkdir -p "$T/real"
fresh
sed -i '/^postmap_command/d' "$C"
mv "$C" "$T/real/c.conf"
ln -s real/c.conf "$C"
chmod 0640 "$T/real/c.conf"
if [ "$(id -u)" = 0 ]; then chown nobody:nogroup "$T/real/c.conf"; fi
owner=$(stat -c %U:%G "$T/real/c.conf")
run_capture "$T/out" "$CERTPOLICY" -c "$C" revoke alice --reason "left"
check_eq "symlinked source: revoke exit 0" "exit 0" "$(tail -1 "$T/out")"
check "symlinked source: the link stays a link" test -L "$C"
check "symlinked source: the target is revoked" grep -q '^client alice .*revoked=.* reason=left$' "$T/real/c.conf"
check "symlinked source: the database says revoked" revoked_everywhere alice
check_eq "symlinked source: the target keeps its mode" 640 "$(stat -c %a "$T/real/c.conf")"
check_eq "symlinked source: the target keeps its owner" "$owner" "$(stat -c %U:%G "$T/real/c.conf")"
run_capture "$T/out" "$CERTPOLICY" -c "$C" enroll dave "$PKI/dave.pem"
check "symlinked source: enroll lands in the target" grep -q "^client dave cert=$PKI/dave.pem\$" "$T/real/c.conf"
check "symlinked source: still a link after enroll" test -L "$C"
rm -f "$C"

# A CRLF source stays CRLF: enroll appends, revoke changes, with CR LF.
fresh
sed -i '/^postmap_command/d; s/$/\r/' "$C"
"$CERTPOLICY" -c "$C" enroll dave "$PKI/dave.pem" >/dev/null 2>&1
check "CRLF source: enroll appends a CRLF line" grep -q "^client dave cert=$PKI/dave.pem"$(printf '\r')'$' "$C"
"$CERTPOLICY" -c "$C" revoke bob --date 2026-11-20 >/dev/null 2>&1
check "CRLF source: revoke keeps the CR" grep -q "^client bob cert=$PKI/bob.pem revoked=2026-11-20"$(printf '\r')'$' "$C"
check_eq "CRLF source: every line ends in CR LF" 0 "$(grep -cv "$(printf '\r')\$" "$C")"
