# Writers under faults: killed between two renames, stopped while an
# editor writes the source, interrupted by a signal, locked out by another
# user, given a path that could inject map lines, or pointed at the same
# file twice. Each case waits for a fact (a file replaced, a process
# stopped, a marker written by a stand-in postmap), never for a delay.
. "$SRCDIR/tests/lib.sh"
postfix_config
PKI=$T/pki
sh "$SRCDIR/tests/pki/mkpki" "$PKI" >"$T/pki.log" 2>&1 || { fail "mkpki" "$(tail -3 "$T/pki.log")"; exit 0; }
OUT=$T/out.d
mkdir -p "$OUT"
C=$T/c.conf
fp() { fp_openssl "$PKI/$1.pem" sha256; }
lower() { fp "$1" | tr A-F a-f; }

# fresh - a source with alice and bob active, compiled (relay map, database)
fresh() {
    rm -rf "$OUT"
    mkdir -p "$OUT"
    cat >"$C" <<CONF
database = $OUT/certpolicy.cdb
status_database = $OUT/status.cdb
relay_clientcerts = cdb:$OUT/relay_clientcerts
client alice cert=$PKI/alice.pem
client bob cert=$PKI/bob.pem
CONF
    "$CERTPOLICY" -c "$C" compile >/dev/null 2>&1 || fail "fresh compile" "$(cat "$C")"
}
revoked_in_source() { grep -q "^client $1 .*revoked=" "$C"; }
in_relay() { [ "$(postmap -q "$(lower "$1")" "cdb:$OUT/relay_clientcerts")" = "$1" ]; }
outcome() { "$CERTPOLICY" -c "$C" query --cert "$PKI/$1.pem" 2>/dev/null | sed -n 's/^outcome: //p'; }
revoked_everywhere() { revoked_in_source "$1" && ! in_relay "$1" && [ "$(outcome "$1")" = revoked ]; }
active_everywhere() { ! revoked_in_source "$1" && in_relay "$1" && [ "$(outcome "$1")" != revoked ]; }
# leftovers DIR... - the dot files in DIR (temporary files, backups, locks)
leftovers() { ls -A "$@" | grep '^\.' || true; }

# The renames of an edit with a relay map, in order: the overlay of recent
# edits (the edit in effect in certpolicyd), the map, its index, the
# database, the source (then the certificate cache and the source index;
# last, the overlay is unlinked). strace -e inject kills (or stops)
# certpolicy at the Nth rename() of its own (postmap, a child, is not
# traced).
if command -v strace >/dev/null 2>&1; then
    # 1. Killed just before the source's rename: the outputs already say
    # revoked, the source does not yet; a retry finishes the job and
    # removes what the killed run left behind.
    fresh
    strace -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=5 \
        "$CERTPOLICY" -c "$C" revoke alice >/dev/null 2>&1
    check_eq "revoke killed before its last rename: killed" 137 $?
    check_not "revoke killed before its last rename: the source does not say revoked" revoked_in_source alice
    check_not "revoke killed before its last rename: the relay map no longer permits" in_relay alice
    check_eq "revoke killed before its last rename: the database says revoked" revoked "$(outcome alice)"
    check "revoke killed before its last rename: it left files behind" test -n "$(leftovers "$T" "$OUT")"
    check "revoke killed before its last rename: the overlay records it" test -s "$OUT/certpolicy.cdb.edits"
    run_capture "$T/out" "$CERTPOLICY" -c "$C" revoke alice
    check_eq "revoke again after the kill: exit 0" "exit 0" "$(tail -1 "$T/out")"
    check "revoke again after the kill: finishes the interrupted one" \
        grep -q "^certpolicy: $C: finishing the interrupted revoke of client alice ($OUT/certpolicy.cdb.edits)$" "$T/out"
    check "revoke again after the kill: revoked everywhere" revoked_everywhere alice
    check_eq "revoke again after the kill: nothing left behind" "" "$(leftovers "$T" "$OUT")"

    # 2. Killed before the overlay's rename: nothing says revoked yet.
    fresh
    strace -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=1 \
        "$CERTPOLICY" -c "$C" revoke alice >/dev/null 2>&1
    check_eq "revoke killed before the overlay's rename: killed" 137 $?
    check "revoke killed before the overlay's rename: alice active everywhere" active_everywhere alice
    check_not "revoke killed before the overlay's rename: no overlay" test -e "$OUT/certpolicy.cdb.edits"
    run_capture "$T/out" "$CERTPOLICY" -c "$C" revoke alice
    check_eq "revoke again after that kill: exit 0" "exit 0" "$(tail -1 "$T/out")"
    check "revoke again after that kill: revoked everywhere" revoked_everywhere alice
    check_eq "revoke again after that kill: nothing left behind" "" "$(leftovers "$T" "$OUT")"

    # 2b. Killed before the database's rename: the source and the database
    # do not say revoked yet, but the overlay does, and certpolicyd
    # answers from it; any writer then finishes the revoke.
    fresh
    strace -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=4 \
        "$CERTPOLICY" -c "$C" revoke alice >/dev/null 2>&1
    check_eq "revoke killed before the database's rename: killed" 137 $?
    check_not "revoke killed before the database's rename: not in the source" revoked_in_source alice
    check_eq "revoke killed before the database's rename: in effect through the overlay" \
        revoked "$(outcome alice)"
    run_capture "$T/out" "$CERTPOLICY" -c "$C" compile
    check_eq "compile after that kill: exit 0" "exit 0" "$(tail -1 "$T/out")"
    check "compile after that kill: finishes the revoke" \
        grep -q "^certpolicy: $C: finishing the interrupted revoke of client alice ($OUT/certpolicy.cdb.edits)$" "$T/out"
    check "compile after that kill: revoked everywhere" revoked_everywhere alice
    check_eq "compile after that kill: nothing left behind" "" "$(leftovers "$T" "$OUT")"
    check_not "compile after that kill: no overlay" test -e "$OUT/certpolicy.cdb.edits"

    # 3. enroll killed before the source's rename, then again.
    fresh
    strace -qq -o /dev/null -e trace=rename -e inject=rename:signal=KILL:when=5 \
        "$CERTPOLICY" -c "$C" enroll dave "$PKI/dave.pem" >/dev/null 2>&1
    run_capture "$T/out" "$CERTPOLICY" -c "$C" enroll dave "$PKI/dave.pem"
    check_eq "enroll again after a kill: exit 0" "exit 0" "$(tail -1 "$T/out")"
    check "enroll again after a kill: dave active everywhere" active_everywhere dave
    check_eq "enroll again after a kill: one line for dave" 1 "$(grep -c '^client dave ' "$C")"
    check_eq "enroll again after a kill: nothing left behind" "" "$(leftovers "$T" "$OUT")"

    # 4. An editor that has the source open appends a line while revoke is
    # stopped after the database's rename, before the source's: the
    # editor's line is not lost, every output is put back, exit 1; the
    # revoke stays in effect through the overlay until the next writer
    # finishes it.
    fresh
    sums "$OUT" >"$T/ed.before"
    dbino=$(stat -c %i "$OUT/certpolicy.cdb")
    exec 7>>"$C"
    strace -qq -o /dev/null -e trace=rename -e inject=rename:signal=STOP:when=4 \
        "$CERTPOLICY" -c "$C" revoke alice >"$T/ed.out" 2>&1 &
    tracer=$!
    # stopped_after_rename - revoke (the tracer's child, in $pid) is
    # stopped at its fourth rename, the database already replaced
    stopped_after_rename() {
        pid=$(pgrep -P $tracer)
        [ -n "$pid" ] && [ "$(stat -c %i "$OUT/certpolicy.cdb")" != "$dbino" ] \
            && [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" = t ]
    }
    wait_for stopped_after_rename 30 "revoke to stop at its fourth rename"
    echo "# added by an editor" >&7
    exec 7>&-
    # SIGCONT until it runs on (one sent before its stop took hold is lost).
    wait_for "kill -CONT $pid; gone $pid" 30 "revoke to run on and end after SIGCONT"
    wait $tracer
    check_eq "editor writes the source during revoke's renames: exit 1" 1 $?
    check "editor writes the source during revoke's renames: says so" \
        grep -q "^certpolicy: $C: the file was written by something else while it was being replaced" "$T/ed.out"
    check "editor writes the source during revoke's renames: the editor's line stays" \
        grep -q '^# added by an editor$' "$C"
    check_not "editor writes the source during revoke's renames: not in the source" revoked_in_source alice
    check "editor writes the source during revoke's renames: the relay map put back" in_relay alice
    check_eq "editor writes the source during revoke's renames: in effect through the overlay" \
        revoked "$(outcome alice)"
    sums "$OUT" | grep -v ' [^ ]*\.edits$' >"$T/ed.after"
    check_golden "editor writes the source during revoke's renames: outputs put back" "$T/ed.before" "$T/ed.after"
    check_eq "editor writes the source during revoke's renames: nothing left behind" "" "$(leftovers "$T" "$OUT")"
    run_capture "$T/out" "$CERTPOLICY" -c "$C" refresh
    check "refresh after that: finishes the revoke" \
        grep -q "^certpolicy: $C: finishing the interrupted revoke of client alice ($OUT/certpolicy.cdb.edits)$" "$T/out"
    check "refresh after that: revoked everywhere" revoked_everywhere alice
    check "refresh after that: the editor's line stays" grep -q '^# added by an editor$' "$C"
else
    skip "writers killed between renames" "needs strace"
fi

# 5. The source already has the change (a line edited by hand, not
# compiled): revoke and enroll compile it instead of failing; once the
# database is that compile, they say there is nothing to do.
fresh
sed -i "s|^client alice .*|& revoked=2026-11-20|" "$C"
run_capture "$T/out" "$CERTPOLICY" -c "$C" revoke alice
check "revoke of a client revoked by hand, not compiled: compiles" \
    grep -q "^certpolicy: $C: client alice is already revoked in the source, but $OUT/certpolicy.cdb was compiled from another text: compiling it$" "$T/out"
check_eq "revoke of a client revoked by hand, not compiled: exit 0" "exit 0" "$(tail -1 "$T/out")"
check "revoke of a client revoked by hand, not compiled: revoked everywhere" revoked_everywhere alice
run_capture "$T/out" "$CERTPOLICY" -c "$C" revoke alice
check_golden "revoke of a revoked client, compiled: refused" /dev/stdin "$T/out" <<OUT
certpolicy: $C:4: client alice is already revoked
exit 1
OUT
echo "client dave cert=$PKI/dave.pem" >>"$C"
run_capture "$T/out" "$CERTPOLICY" -c "$C" enroll dave "$PKI/dave.pem"
check_eq "enroll of a client added by hand, not compiled: exit 0" "exit 0" "$(tail -1 "$T/out")"
check "enroll of a client added by hand, not compiled: dave active everywhere" active_everywhere dave
check_eq "enroll of a client added by hand, not compiled: one line for dave" 1 "$(grep -c '^client dave ' "$C")"
cp "$C" "$T/again.before"
run_capture "$T/out" "$CERTPOLICY" -c "$C" enroll dave "$PKI/dave.pem"
check_golden "enroll of certificates a client has, compiled: nothing to do" /dev/stdin "$T/out" <<OUT
certpolicy: $C:6: client dave already has these certificates: nothing to do
exit 0
OUT
check_golden "enroll of certificates a client has, compiled: the source unchanged" "$T/again.before" "$C"

# Leftovers of a killed refresh (its temporary status database and the
# .prev link) go with the next refresh; a file of another name stays.
fresh
: >"$OUT/.status.cdb.Ab12Cd"
: >"$OUT/.status.cdb.Ab12Cd.prev"
: >"$OUT/.status.cdb.keep"
"$CERTPOLICY" -c "$C" refresh >/dev/null 2>&1
check_eq "refresh removes a killed refresh's temporary files, only those" ".status.cdb.keep" "$(leftovers "$OUT")"

# 6. SIGTERM, SIGINT or SIGHUP while compile or revoke runs postmap: the
# temporary files are removed, nothing is replaced, and the process ends
# by that signal.
cat >"$T/held-postmap" <<SH
#!/bin/sh
. "$SRCDIR/tests/lib.sh"
: >"$T/held"
wait_for "test -e '$T/go'" 60
exec postmap "\$@"
SH
chmod +x "$T/held-postmap"
for sig in TERM:15 INT:2 HUP:1; do
    signo=${sig#*:}
    sig=${sig%:*}
    for cmd in compile "revoke alice"; do
        fresh
        echo "postmap_command = $T/held-postmap" >>"$C"
        cp "$C" "$T/sig.conf"
        sums "$OUT" >"$T/sig.before"
        rm -f "$T/held" "$T/go"
        # A script's background command ignores SIGINT (and every command
        # ignores SIGHUP when the suite runs under nohup): perl gives them
        # the default action back, as an interactive shell would.
        # shellcheck disable=SC2086
        perl -e '$SIG{INT} = $SIG{HUP} = "DEFAULT"; exec @ARGV or die' "$CERTPOLICY" -c "$C" $cmd >"$T/sig.out" 2>&1 &
        p=$!
        wait_for "test -e '$T/held'" 30
        kill -$sig $p
        : >"$T/go"
        wait $p
        e=$?
        check_eq "SIG$sig during $cmd: ends by the signal" $((128 + signo)) $e
        check "SIG$sig during $cmd: says so" grep -q "^certpolicy: interrupted by signal" "$T/sig.out"
        sums "$OUT" >"$T/sig.after"
        check_golden "SIG$sig during $cmd: outputs unchanged" "$T/sig.before" "$T/sig.after"
        check_golden "SIG$sig during $cmd: source unchanged" "$T/sig.conf" "$C"
        check_eq "SIG$sig during $cmd: no temporary file left" "" "$(leftovers "$T" "$OUT")"
    done
done
rm -f "$T/held" "$T/go"

# 7. Another local user cannot hold every writer off: the lock is a file
# of the writer's own (mode 0600) beside the source, not the directory
# that anyone may open and flock.
if [ "$(id -u)" = 0 ]; then
    fresh
    nobody_dir
    L=$NDIR
    chmod 0755 "$L"
    mkdir "$L/m"
    chmod 0777 "$L/m"
    sed "s|^client alice .*|client alice cert=$PKI/alice.pem|; s|^database = .*|database = $L/cp.cdb|; s|^status_database = .*|status_database = $L/st.cdb|; /^relay_clientcerts/d" "$C" >"$L/c.conf"
    "$CERTPOLICY" -c "$L/c.conf" compile >/dev/null 2>&1
    # The locker holds the flock until it reads a line from the pipe
    # unflock (opening it waits for the writer).
    mkfifo -m 0644 "$L/m/unflock"
    as_nobody flock -x "$L" sh -c ": >'$L/m/flocked'; read _ <'$L/m/unflock'" &
    locker=$!
    wait_for "test -e '$L/m/flocked'" 30
    run_capture "$T/out" "$CERTPOLICY" -o lock_wait=1 -c "$L/c.conf" revoke alice
    check_eq "another user holds a flock on the source's directory: revoke goes on" "exit 0" "$(tail -1 "$T/out")"
    timeout 30 sh -c 'echo >"$1"' _ "$L/m/unflock"
    wait $locker
    check_eq "the lock file is gone after the writer" "" "$(leftovers "$L")"
    # While a writer holds it, the lock file is the writer's, mode 0600.
    sed -i "s|^database = .*|&\npostmap_command = $T/held-postmap\nrelay_clientcerts = cdb:$L/relay|" "$L/c.conf"
    rm -f "$T/held" "$T/go"
    "$CERTPOLICY" -c "$L/c.conf" compile >/dev/null 2>&1 &
    p=$!
    wait_for "test -e '$T/held'" 30
    check_eq "the lock file: the writer's own, mode 0600" "600 root" "$(stat -c '%a %U' "$L/.c.conf.lock")"
    : >"$T/go"
    wait $p
    rm -f "$T/held" "$T/go"
else
    skip "lock held by another user" "needs root"
fi

# 8. A -c path, or a path setting, with a control character is refused: a
# newline could write a line into a generated map's comment header.
fresh
nl='
'
evil="$T/c.conf${nl}$(lower carol) mallory"
cp "$C" "$evil"
run_capture "$T/out" "$CERTPOLICY" -c "$evil" compile
check_eq "-c with a newline: exit 2" "exit 2" "$(tail -1 "$T/out")"
check "-c with a newline: says why" grep -q "^certpolicy: -c: contains a control character (0x0a at byte" "$T/out"
check_not "-c with a newline: no line for carol in the relay map" in_relay carol
rm -f "$evil"
for setting in database status_database relay_clientcerts client_ca_file; do
    fresh
    cp "$C" "$T/ctl.before"
    case $setting in
    relay_clientcerts) value="cdb:$OUT/re$(printf '\033')lay" ;;
    *) value="$OUT/x$(printf '\001')y" ;;
    esac
    sed -i "/^$setting =/d" "$C"
    echo "$setting = $value" >>"$C"
    sums "$OUT" >"$T/ctl.sums"
    run_capture "$T/out" "$CERTPOLICY" -c "$C" compile
    check "$setting with a control character: refused, without echoing it" \
        grep -q "^$C:[0-9]*: $setting: contains a control character (0x[0-9a-f]* at byte [0-9]*)\$" "$T/out"
    check_eq "$setting with a control character: exit 1" "exit 1" "$(tail -1 "$T/out")"
    sums "$OUT" >"$T/ctl.after"
    check_golden "$setting with a control character: outputs unchanged" "$T/ctl.sums" "$T/ctl.after"
done

# 9. Two settings (or the source) naming the same file are refused by
# check and compile, before anything is written.
fresh
# same CONF_EDIT LABEL MESSAGE [COMMAND] - refused with that message,
# nothing written (COMMAND runs after the edit)
same() {
    fresh
    cp "$C" "$T/same.before"
    sed -i "$1" "$C"
    eval "${4:-:}"
    cp "$C" "$T/same.conf"
    sums "$OUT" >"$T/same.sums"
    run_capture "$T/out" "$CERTPOLICY" -c "$C" check
    check "$2: check refuses" grep -q "are the same file" "$T/out"
    check_eq "$2: check exit 1" "exit 1" "$(tail -1 "$T/out")"
    run_capture "$T/out" "$CERTPOLICY" -c "$C" compile
    check "$2: compile refuses: $3" grep -q "$3" "$T/out"
    check_eq "$2: compile exit 1" "exit 1" "$(tail -1 "$T/out")"
    check_golden "$2: the source is untouched" "$T/same.conf" "$C"
    sums "$OUT" >"$T/same.after"
    check_golden "$2: nothing written" "$T/same.sums" "$T/same.after"
}
same "s|^database = .*|database = $C|" "database = the source" \
    "^$C:1: the source file ($C) and database ($C) are the same file"
same "s|^database = .*|database = $OUT/../out.d/./relay_clientcerts.cdb|" "database = the relay map's index" \
    "^$C:3: database ($OUT/../out.d/./relay_clientcerts.cdb) and relay_clientcerts's postmap index ($OUT/relay_clientcerts.cdb) are the same file"
same "s|^relay_clientcerts = .*|relay_clientcerts = cdb:$OUT/status|; s|^status_database = .*|status_database = $OUT/status.cdb|" \
    "status_database = the relay map's index" "status_database ($OUT/status.cdb) and relay_clientcerts's postmap index"
same "s|^status_database = .*|status_database = $T/link.conf|" "status_database = a hard link to the source" \
    "the source file ($C) and status_database ($T/link.conf) are the same file" 'ln -f "$C" "$T/link.conf"'
rm -f "$T/link.conf"

# 10. A full disk under the relay map: postmap's own temporary files go
# too (X.cdb.tmp beside the temporary map).
FULL=$T/full
mkdir -p "$FULL"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs "$FULL" 2>/dev/null; then
    fresh
    sed -i "s|^relay_clientcerts = .*|relay_clientcerts = cdb:$FULL/relay|" "$C"
    i=0
    while [ $i -lt 300 ]; do
        printf 'client c%d fingerprint=%064x\n' $i $i
        i=$((i + 1))
    done >>"$C"
    sums "$OUT" >"$T/full.before"
    run_capture "$T/out" "$CERTPOLICY" -c "$C" compile
    check_eq "full disk under the relay map: exit 1" "exit 1" "$(tail -1 "$T/out")"
    check_eq "full disk under the relay map: nothing left there" "" "$(ls -A "$FULL")"
    sums "$OUT" >"$T/full.after"
    check_golden "full disk under the relay map: the database unchanged" "$T/full.before" "$T/full.after"
    umount "$FULL"
else
    skip "full disk under the relay map" "needs root and tmpfs mounts"
fi
