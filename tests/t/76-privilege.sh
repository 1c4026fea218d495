# Privilege and files: certpolicyd refuses to run as root unless -u names
# a user, changes to that user once its sockets and log are open, and
# refuses changes it cannot make; certpolicy compile writes outputs with
# fixed, safe modes whatever the umask, and never writes through a
# symlink planted where an output or its temporary file goes.
. "$SRCDIR/tests/lib.sh"
pki
postfix_config
D=$BUILDDIR/src/certpolicyd
ALICE=$(fp_openssl "$PKI/alice.pem" sha256)
printf 'client_address=192.0.2.1\nccert_fingerprint=%s\n\n' "$ALICE" >"$T/alice.req"

if [ "$(id -u)" != 0 ]; then
    skip "privilege tests" "they need root"
    exit 0
fi
nobody_dir
N=$NDIR
cp "$PKI/alice.pem" "$N/"
cat >"$N/c.conf" <<CONF
database = $N/c.cdb
relay_clientcerts = cdb:$N/relay_clientcerts
client alice cert=$N/alice.pem
CONF
check "compile" "$CERTPOLICY" -c "$N/c.conf" compile
cp "$D" "$T/alice.req" "$N/"
chmod 0644 "$N/alice.req"

# As root without -u: a clear error, no answer, exit 1. In spawn mode the
# message goes to the log (stderr is the SMTP server's socket).
"$D" -d "$N/c.cdb" -L "$T/root.log" <"$T/alice.req" >"$T/root.out" 2>"$T/root.err"
check_eq "root without -u: exit 1" 1 $?
check_eq "root without -u: no answer, nothing on stderr" "" "$(cat "$T/root.out" "$T/root.err")"
check "root without -u: says why" grep -q "refusing to run as root: name an unprivileged user with -u USER" "$T/root.log"
"$D" -d "$N/c.cdb" -e -l "unix:$N/never.sock" 2>"$T/root-l.err" </dev/null
check_eq "root without -u, -l: exit 1" 1 $?
check "root without -u, -l: says why on stderr with -e" grep -q "refusing to run as root" "$T/root-l.err"

run_capture "$T/out" "$D" -d "$N/c.cdb" -e -u no-such-user-here -l "unix:$N/never2.sock"
check_golden "-u an unknown user" /dev/stdin "$T/out" <<OUT
certpolicyd: -u no-such-user-here: no such user
exit 1
OUT

# -u nobody: the socket and log are opened as root, then every id is
# nobody's, and the answers are right.
"$D" -d "$N/c.cdb" -u nobody -l "unix:$T/s.sock" -L "$T/nobody.log" &
srv=$!
wait_socket "unix:$T/s.sock" 30 $srv
check_eq "-u nobody: answers" "action=OK" \
    "$("$BUILDDIR/tests/tools/policy_client" -n 1 "unix:$T/s.sock" <"$T/alice.req" | head -1)"
nuid=$(id -u nobody)
ngid=$(id -g nobody)
check_eq "-u nobody: real, effective, saved and fs uid are nobody's" "$nuid $nuid $nuid $nuid" \
    "$(awk '$1 == "Uid:" { print $2, $3, $4, $5 }' "/proc/$srv/status")"
check_eq "-u nobody: every gid is nobody's group" "$ngid $ngid $ngid $ngid" \
    "$(awk '$1 == "Gid:" { print $2, $3, $4, $5 }' "/proc/$srv/status")"
check_not "-u nobody: no supplementary group of root's" \
    sh -c "awk '\$1 == \"Groups:\"' /proc/$srv/status | grep -qw 0"
check "-u nobody: the log, opened as root, is written" grep -q "name=alice outcome=permit" "$T/nobody.log"
kill -TERM $srv
wait $srv

# Started as nobody: no -u needed; -u root or another user is refused;
# -u naming the user it already is, is fine.
as_nobody "$N/certpolicyd" -d "$N/c.cdb" -L /dev/null <"$T/alice.req" >"$T/n.out" 2>&1
check_eq "as nobody without -u: answers" "action=OK" "$(head -1 "$T/n.out")"
as_nobody "$N/certpolicyd" -d "$N/c.cdb" -u nobody -L /dev/null <"$T/alice.req" >"$T/n2.out" 2>&1
check_eq "as nobody with -u nobody: answers" "action=OK" "$(head -1 "$T/n2.out")"
mkdir "$N/nb" && chown nobody "$N/nb"
run_capture "$T/out" as_nobody "$N/certpolicyd" -d "$N/c.cdb" -e -u root -l "unix:$N/nb/x.sock"
check_golden "as nobody with -u root: refused" /dev/stdin "$T/out" <<OUT
certpolicyd: -u root: only root can change to another user
exit 1
OUT

# Output modes: fixed, whatever the umask; the database readable by the
# user certpolicyd runs as; nothing group- or world-writable.
for mask in 000 077; do
    rm -f "$N"/c.cdb "$N"/relay_clientcerts*
    (umask $mask && "$CERTPOLICY" -c "$N/c.conf" compile >/dev/null 2>&1)
    check_eq "umask $mask: modes of database, relay map source and .cdb" "644 644 644" \
        "$(stat -c %a "$N/c.cdb" "$N/relay_clientcerts" "$N/relay_clientcerts.cdb" | tr '\n' ' ' | sed 's/ $//')"
    as_nobody "$N/certpolicyd" -d "$N/c.cdb" -L /dev/null <"$T/alice.req" >"$T/m.out" 2>&1
    check_eq "umask $mask: certpolicyd as nobody reads the database" "action=OK" "$(head -1 "$T/m.out")"
done

# Symlinks planted at the outputs are replaced, never written through.
echo "precious" >"$T/victim"
rm -f "$N/c.cdb" "$N/relay_clientcerts"
ln -s "$T/victim" "$N/c.cdb"
ln -s "$T/victim" "$N/relay_clientcerts"
check "compile with symlinks planted at the outputs" "$CERTPOLICY" -c "$N/c.conf" compile
check_eq "the symlinks' target is untouched" "precious" "$(cat "$T/victim")"
check "the database is a regular file now" test -f "$N/c.cdb" -a ! -L "$N/c.cdb"
check "the relay map source is a regular file now" test -f "$N/relay_clientcerts" -a ! -L "$N/relay_clientcerts"

# The temporary file is created with O_CREAT|O_EXCL (mkstemp), so a
# symlink planted at its name makes the creation fail instead of writing
# through it; the system calls show the flags.
if command -v strace >/dev/null 2>&1; then
    strace -f -e trace=openat -o "$T/strace" "$CERTPOLICY" -c "$N/c.conf" compile >/dev/null 2>&1
    check "temporary database file: created with O_CREAT|O_EXCL" \
        grep -q "openat(AT_FDCWD, \"$N/.c.cdb.[A-Za-z0-9]*\", O_RDWR|O_CREAT|O_EXCL" "$T/strace"
    check "temporary relay map file: created with O_CREAT|O_EXCL" \
        grep -q "openat(AT_FDCWD, \"$N/.relay_clientcerts.[A-Za-z0-9]*\", O_RDWR|O_CREAT|O_EXCL" "$T/strace"
else
    skip "temporary file flags" "strace is not installed"
fi
