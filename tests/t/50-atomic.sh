# A compile that fails leaves every earlier output byte for byte as it was
# (compared by checksum) and no temporary file behind: a bad line, postmap
# failing or missing, a read-only target directory, a full disk.
. "$SRCDIR/tests/lib.sh"
pki
postfix_config
OUT=$T/out.d
mkdir -p "$OUT/db" "$OUT/postfix"

cat >"$T/good.conf" <<CONF
database = $OUT/db/certpolicy.cdb
relay_clientcerts = cdb:$OUT/postfix/relay_clientcerts
tls_policy_map = cdb:$OUT/postfix/tls_policy
client alice cert=$PKI/alice.pem
client bob cert=$PKI/bob.pem
tls example.com encrypt
CONF
check "first compile" "$CERTPOLICY" -c "$T/good.conf" compile
sums "$OUT" >"$T/before"
check_eq "first compile wrote 5 files, the certificate cache and the source index" 7 "$(wc -l <"$T/before")"
check "the certificate cache is beside the database" test -f "$OUT/db/certpolicy.cdb.certcache"
check "the source index is beside the database" test -f "$OUT/db/certpolicy.cdb.index"

# unchanged NAME - outputs are as before, and no temporary file is left
unchanged() {
    sums "$OUT" >"$T/after"
    check_golden "$1: outputs unchanged" "$T/before" "$T/after"
}

# A changed source, so that a successful compile would change every output.
sed -e 's/^client bob.*/client carol cert=PKI\/carol.pem/' -e "s|PKI|$PKI|" \
    -e 's/encrypt/secure/' "$T/good.conf" >"$T/changed.conf"

printf 'client dave fingerprint=zz\n' >>"$T/changed.conf"
run_capture "$T/out" "$CERTPOLICY" -c "$T/changed.conf" compile
check_golden "bad line: message" /dev/stdin "$T/out" <<OUT
$T/changed.conf:7: client dave: fingerprint=zz: not a hex digit
certpolicy: $T/changed.conf: 1 error, 0 warnings: nothing was written
exit 1
OUT
unchanged "bad line"
sed -i '$d' "$T/changed.conf"

printf 'postmap_command = /bin/false\n' >"$T/false.conf"
cat "$T/changed.conf" >>"$T/false.conf"
run_capture "$T/out" "$CERTPOLICY" -c "$T/false.conf" compile
check "failing postmap: message" grep -q '^certpolicy: "/bin/false cdb:.*relay_clientcerts.*" failed with exit status 1$' "$T/out"
check_eq "failing postmap: exit 1" "exit 1" "$(tail -1 "$T/out")"
unchanged "failing postmap"

printf 'postmap_command = %s/no/such/postmap -v\n' "$T" >"$T/missing.conf"
cat "$T/changed.conf" >>"$T/missing.conf"
run_capture "$T/out" "$CERTPOLICY" -c "$T/missing.conf" compile
check "missing postmap: message" grep -q "^certpolicy: cannot run \"$T/no/such/postmap\": No such file or directory$" "$T/out"
unchanged "missing postmap"

# postmap that fails on the second map only: the first map's index was
# already built, and must be thrown away too.
cat >"$T/second-fails" <<'SH'
#!/bin/sh
case "$1" in cdb:*tls_policy*) exit 3 ;; esac
exec postmap "$@"
SH
chmod +x "$T/second-fails"
printf 'postmap_command = %s/second-fails\n' "$T" >"$T/second.conf"
cat "$T/changed.conf" >>"$T/second.conf"
run_capture "$T/out" "$CERTPOLICY" -c "$T/second.conf" compile
check_eq "postmap fails on the second map: exit 1" "exit 1" "$(tail -1 "$T/out")"
unchanged "postmap fails on the second map"

# postmap killed mid-run: the index it was writing is left half done (the
# wrapper writes part of it, then is killed with SIGKILL) and must go.
cat >"$T/killed" <<'SH'
#!/bin/sh
map=${1#*:}
head -c 1000 /dev/urandom >"$map.cdb"
kill -KILL $$
SH
chmod +x "$T/killed"
printf 'postmap_command = %s/killed\n' "$T" >"$T/killed.conf"
cat "$T/changed.conf" >>"$T/killed.conf"
run_capture "$T/out" "$CERTPOLICY" -c "$T/killed.conf" compile
check "postmap killed: message" grep -q "^certpolicy: \"$T/killed cdb:.*relay_clientcerts.*\" was killed by signal 9$" "$T/out"
check_eq "postmap killed: exit 1" "exit 1" "$(tail -1 "$T/out")"
unchanged "postmap killed mid-run"

# A later rename fails after earlier ones worked: a postmap that reports
# success without writing the tls_policy index makes that rename fail
# after relay_clientcerts, its index and tls_policy were already
# replaced. Those are put back: every output as before, no link left.
cat >"$T/no-index" <<'SH'
#!/bin/sh
case "$1" in cdb:*tls_policy*) exit 0 ;; esac
exec postmap "$@"
SH
chmod +x "$T/no-index"
printf 'postmap_command = %s/no-index\n' "$T" >"$T/no-index.conf"
cat "$T/changed.conf" >>"$T/no-index.conf"
run_capture "$T/out" "$CERTPOLICY" -c "$T/no-index.conf" compile
check "a later rename fails: says which" grep -q "^certpolicy: cannot rename .*/\.tls_policy\..*\.cdb to $OUT/postfix/tls_policy.cdb: No such file or directory$" "$T/out"
check "a later rename fails: says the earlier ones were put back" \
    grep -q "^certpolicy: the outputs replaced before that were put back: nothing was changed$" "$T/out"
check_eq "a later rename fails: exit 1" "exit 1" "$(tail -1 "$T/out")"
unchanged "a later rename fails"

# The same with outputs another user owns, as after a compile by root
# and then one by an unprivileged user in a directory it may write: the
# kernel (fs.protected_hardlinks) refuses a hard link to them, so the
# previous versions are kept as copies. Both a failing and a working
# compile, as nobody.
if [ "$(id -u)" = 0 ]; then
    nobody_dir
    PH=$NDIR
    mkdir "$PH/out" "$PH/pf"
    cp "$MAIL_CONFIG/main.cf" "$MAIL_CONFIG/master.cf" "$PH/pf/"
    cp "$PKI/alice.pem" "$PKI/bob.pem" "$PKI/carol.pem" "$T/no-index" "$CERTPOLICY" "$PH/"
    sed -e "s|$OUT/db|$PH/out|g" -e "s|$OUT/postfix|$PH/out|g" -e "s|$PKI|$PH|g" "$T/good.conf" >"$PH/good.conf"
    { printf 'postmap_command = %s/no-index\n' "$PH"; cat "$PH/good.conf"; } \
        | sed -e 's/^client bob.*/client carol cert=PH\/carol.pem/' -e "s|PH|$PH|" -e 's/encrypt/secure/' >"$PH/no-index.conf"
    sed '/^postmap_command/d' "$PH/no-index.conf" >"$PH/changed.conf"
    chmod -R a+rX "$PH"
    check "outputs of another user: first compile, as root" env MAIL_CONFIG="$PH/pf" "$CERTPOLICY" -c "$PH/good.conf" compile
    chown nobody "$PH/out"
    sums "$PH/out" >"$T/ph.before"
    saved_config=$MAIL_CONFIG
    MAIL_CONFIG=$PH/pf
    run_capture "$T/out" as_nobody "$PH/certpolicy" -c "$PH/no-index.conf" compile
    check "outputs of another user, a later rename fails: the earlier ones were put back" \
        grep -q "^certpolicy: the outputs replaced before that were put back: nothing was changed$" "$T/out"
    sums "$PH/out" >"$T/ph.after"
    check_golden "outputs of another user, a later rename fails: outputs unchanged" "$T/ph.before" "$T/ph.after"
    run_capture "$T/out" as_nobody "$PH/certpolicy" -c "$PH/changed.conf" compile
    MAIL_CONFIG=$saved_config
    check_eq "outputs of another user: a good compile as nobody works" "exit 0" "$(tail -1 "$T/out")"
    check_eq "outputs of another user: no backup left" "" "$(ls -A "$PH/out" | grep '^\.')"
else
    skip "outputs of another user" "needs root"
fi

# The source edited while compile runs (here while postmap works, which
# a wrapper holds until the edit is made): nothing is replaced, and it
# says why.
cat >"$T/held" <<SH
#!/bin/sh
. "$SRCDIR/tests/lib.sh"
: >"$T/held.running"
wait_for "test -e '$T/held.go'" 60
exec postmap "\$@"
SH
chmod +x "$T/held"
rm -f "$T/held.running" "$T/held.go"
printf 'postmap_command = %s/held\n' "$T" >"$T/edited.conf"
cat "$T/changed.conf" >>"$T/edited.conf"
"$CERTPOLICY" -c "$T/edited.conf" compile >"$T/edited.out" 2>&1 &
pid=$!
wait_for "test -e '$T/held.running'" 30
echo "# an edit" >>"$T/edited.conf"
: >"$T/held.go"
wait $pid
check_eq "source edited during compile: exit 1" 1 $?
check "source edited during compile: message" \
    grep -q "^certpolicy: $T/edited.conf: the file changed while it was compiled; try again$" "$T/edited.out"
unchanged "source edited during compile"

# The source rewritten in place, over and over, while compile runs 30
# times (and 30 more with rewrites in bursts, below): each compile either fails and changes nothing, or writes the
# outputs of one whole version, never of a torn read (half a file, or the
# empty file between truncation and writing). The two versions differ in
# which client is revoked, so a torn read would show.
mkdir -p "$T/inplace"
for v in a b; do
    {
        echo "database = $T/inplace/db.cdb"
        echo "relay_clientcerts ="
        if [ $v = a ]; then echo "client alice cert=$PKI/alice.pem revoked=2026-11-01"; else echo "client alice cert=$PKI/alice.pem"; fi
        i=0
        while [ $i -lt 3000 ]; do printf 'client c%d fingerprint=%064x\n' $i $i; i=$((i + 1)); done
        if [ $v = b ]; then echo "client bob cert=$PKI/bob.pem revoked=2026-11-01"; else echo "client bob cert=$PKI/bob.pem"; fi
    } >"$T/inplace/$v.conf"
    cp "$T/inplace/$v.conf" "$T/inplace/src.conf"
    "$CERTPOLICY" -c "$T/inplace/src.conf" compile >/dev/null 2>&1
    cdb -d "$T/inplace/db.cdb" | sort >"$T/inplace/$v.dump"
done
# inplace_compile - one compile, classified: whole, refused or torn
inplace_compile() {
    cdb -d "$T/inplace/db.cdb" | sort >"$T/inplace/before.dump"
    if "$CERTPOLICY" -c "$T/inplace/src.conf" compile >"$T/inplace/out" 2>&1; then
        ref=
    else
        ref=$T/inplace/before.dump
    fi
    cdb -d "$T/inplace/db.cdb" | sort >"$T/inplace/now.dump"
    if [ -n "$ref" ] && cmp -s "$T/inplace/now.dump" "$ref"; then
        refused=$((refused + 1))
    elif [ -z "$ref" ] && { cmp -s "$T/inplace/now.dump" "$T/inplace/a.dump" \
        || cmp -s "$T/inplace/now.dump" "$T/inplace/b.dump"; }; then
        whole=$((whole + 1))
    else
        torn=$((torn + 1))
    fi
}
( while [ ! -e "$T/inplace/stop" ]; do
      cat "$T/inplace/a.conf" >"$T/inplace/src.conf"
      cat "$T/inplace/b.conf" >"$T/inplace/src.conf"
  done ) &
writer=$!
n=0 whole=0 refused=0 torn=0
while [ $n -lt 30 ]; do
    inplace_compile
    n=$((n + 1))
done
touch "$T/inplace/stop"
wait $writer
# Then 30 more, where the writer rewrites in bursts (20 rewrites, started
# together with the compile in even rounds; odd rounds compile after the
# burst has ended), so that some compiles can see a whole version: a
# compile that always refuses would pass the first 30 too.
mkfifo "$T/inplace/bursts"
( while read -r r; do
      i=0
      while [ $i -lt 10 ]; do
          cat "$T/inplace/a.conf" >"$T/inplace/src.conf"
          cat "$T/inplace/b.conf" >"$T/inplace/src.conf"
          i=$((i + 1))
      done
      : >"$T/inplace/burst.$r"
  done <"$T/inplace/bursts" ) &
writer=$!
exec 3>"$T/inplace/bursts"
while [ $n -lt 60 ]; do
    if [ $((n % 2)) = 0 ]; then
        echo $n >&3
    else
        wait_for "test -e '$T/inplace/burst.$((n - 1))'" 30
    fi
    inplace_compile
    n=$((n + 1))
done
exec 3>&-
wait $writer
ls -A "$T/inplace" | grep '^\.' >"$T/inplace/temps"
check_eq "source rewritten in place: no temporary file left" "" "$(cat "$T/inplace/temps")"
check_eq "source rewritten in place during 60 compiles ($whole whole, $refused failed and changed nothing): none torn" 0 $torn
check "source rewritten in place during 60 compiles: at least one wrote a whole version ($whole)" test "$whole" -gt 0

# A read-only database directory: the maps are ready first and must be
# thrown away. Root ignores directory modes, so as root the compile runs
# as nobody, in a directory of its own under /tmp that nobody can reach
# wherever this checkout is.
nobody_dir
RO=$NDIR
mkdir "$RO/db" "$RO/postfix" "$RO/pf"
cp "$MAIL_CONFIG/main.cf" "$MAIL_CONFIG/master.cf" "$RO/pf/"
cp "$PKI/alice.pem" "$PKI/bob.pem" "$PKI/carol.pem" "$RO/"
sed -e "s|$OUT|$RO|g" -e "s|$PKI|$RO|g" "$T/good.conf" >"$RO/good.conf"
sed -e "s|$OUT|$RO|g" -e "s|$PKI|$RO|g" "$T/changed.conf" >"$RO/changed.conf"
chmod 0644 "$RO"/*.conf "$RO"/*.pem "$RO"/pf/*
check "read-only directory: first compile" env MAIL_CONFIG="$RO/pf" "$CERTPOLICY" -c "$RO/good.conf" compile
sums "$RO/db" "$RO/postfix" >"$T/ro.before"
chmod 0555 "$RO/db"
chmod 0777 "$RO/postfix"
cp "$CERTPOLICY" "$RO/"
saved_config=$MAIL_CONFIG
MAIL_CONFIG=$RO/pf
run_capture "$T/out" as_nobody "$RO/certpolicy" -c "$RO/changed.conf" compile
MAIL_CONFIG=$saved_config
check_golden "read-only directory: message" /dev/stdin "$T/out" <<OUT
certpolicy: cannot create a temporary file for $RO/db/certpolicy.cdb: Permission denied
certpolicy: nothing was changed
exit 1
OUT
sums "$RO/db" "$RO/postfix" >"$T/ro.after"
check_golden "read-only directory: outputs unchanged" "$T/ro.before" "$T/ro.after"
check_eq "read-only directory: temporary maps removed" "" "$(ls -A "$RO/postfix" | grep '^\.')"

# A full disk: the database directory is a small tmpfs that holds the old
# database but not a much larger new one.
FULL=$T/full
mkdir -p "$FULL"
if [ "$(id -u)" = 0 ] && mount -t tmpfs -o size=64k tmpfs "$FULL" 2>/dev/null; then
    sed "s|$OUT/db|$FULL|" "$T/good.conf" >"$T/small.conf"
    check "full disk: first compile fits" "$CERTPOLICY" -c "$T/small.conf" compile
    sums "$OUT" "$FULL" >"$T/before"
    cp "$T/small.conf" "$T/big.conf"
    i=0
    while [ $i -lt 2000 ]; do
        printf 'client c%d fingerprint=%064x\n' $i $i
        i=$((i + 1))
    done >>"$T/big.conf"
    run_capture "$T/out" "$CERTPOLICY" -c "$T/big.conf" compile
    check "full disk: message" grep -q "^certpolicy: cannot write $FULL/.certpolicy.cdb.*: No space left on device$" "$T/out"
    check_eq "full disk: exit 1" "exit 1" "$(tail -1 "$T/out")"
    sums "$OUT" "$FULL" >"$T/after"
    check_golden "full disk: outputs unchanged" "$T/before" "$T/after"
    check_eq "full disk: temporary file removed" "certpolicy.cdb
certpolicy.cdb.certcache
certpolicy.cdb.index" "$(ls -A "$FULL")"
    umount "$FULL"
else
    skip "full disk" "needs root and tmpfs mounts"
fi

# And a compile that works after all that replaces every output.
check "good compile after the failures" "$CERTPOLICY" -c "$T/changed.conf" compile
sums "$OUT" >"$T/after"
check_eq "every output replaced" 0 "$(join -j 2 "$T/before" "$T/after" | awk '$2 == $3' | wc -l)"
