# make distcheck: the release tarball builds out of tree from a read-only
# source, passes a quick part of the suite (the groups below: the unit
# drivers, the golden files, the programs against a real Postfix) and
# cleans up after itself. That the tarball holds every file the suite
# needs is checked against the repository's file list instead of by
# running every group a second time.
. "$SRCDIR/tests/lib.sh"

DISTCHECK_GROUPS="06-layout 10-unit 15-fuzz-inputs 20-parser 40-compile 70-policy 75-server 85-postfix"

if [ -n "${CERTPOLICY_DISTCHECK:-}" ]; then
    exit 0                              # we are the suite inside distcheck
fi
if [ ! -f "$BUILDDIR/Makefile" ]; then
    fail "make distcheck" "no configured build in $BUILDDIR"
    exit 0
fi
rm -f "$BUILDDIR"/certpolicy-*.tar.gz
if (cd "$BUILDDIR" && env -u WORK -u RESULTS -u BUILDDIR -u SRCDIR -u GROUP \
    TESTS="$DISTCHECK_GROUPS" CERTPOLICY_DISTCHECK=1 make distcheck) >"$T/distcheck.log" 2>&1; then
    ok "make distcheck"
else
    fail "make distcheck" "$(tail -20 "$T/distcheck.log")"
fi
check "the tarball's suite ran cases" grep -q '^[1-9][0-9]* passed, 0 failed\(, [0-9]* skipped\)\{0,1\}$' "$T/distcheck.log"

# Every file of the repository is in the tarball, except the repository's
# own (.gitignore, CI) and the Debian packaging, which is not upstream's.
if git -C "$SRCDIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    tarball=$(ls "$BUILDDIR"/certpolicy-*.tar.gz 2>/dev/null | head -1)
    tar tzf "$tarball" 2>/dev/null | sed 's|^[^/]*/||' | sort >"$T/tarball.list"
    git -C "$SRCDIR" ls-files | grep -v -e '^\.gitignore$' -e '^\.ci/' -e '^debian/' -e '/\.keep$' \
        | sort >"$T/repo.list"
    check_eq "the tarball holds every file of the repository" "" \
        "$(comm -23 "$T/repo.list" "$T/tarball.list" | head -10)"
else
    skip "the tarball holds every file of the repository" "the source is not a git checkout"
fi

# make install puts every piece where the configure options say.
rm -rf "$T/inst"
if (cd "$BUILDDIR" && make install DESTDIR="$T/inst") \
    >"$T/install.log" 2>&1; then
    ok "make install"
else
    fail "make install" "$(tail -10 "$T/install.log")"
fi
(cd "$T/inst" && find . -type f | sed 's|^\./||' | sort) >"$T/installed"
for f in bin/certpolicy sbin/certpolicyd share/man/man8/certpolicy.8 \
    share/man/man8/certpolicyd.8 share/man/man5/certpolicy.conf.5 \
    share/doc/certpolicy/examples/postfix/main.cf share/doc/certpolicy/examples/postfix/master.cf; do
    check "installed: $f" grep -q "/$f\$" "$T/installed"
done
mcf=$(grep 'examples/postfix/master.cf$' "$T/installed")
check "installed master.cf names the configured paths" \
    grep -q "argv=/[^ ]*/sbin/certpolicyd -d /[^ ]*/lib/certpolicy/certpolicy.cdb" "$T/inst/$mcf"
check_not "installed master.cf: no placeholder left" grep -q '@[a-z]*@' "$T/inst/$mcf"
if grep -q '^#define HAVE_LIBSYSTEMD 1' "$BUILDDIR/config.h"; then
    unit=$(grep 'certpolicyd.service$' "$T/installed")
    check "installed: the systemd units" test -n "$unit"
    for u in certpolicyd.socket certpolicy-refresh.service certpolicy-refresh.timer; do
        check "installed: $u" grep -q "/$u\$" "$T/installed"
    done
    refresh_unit=$(grep 'certpolicy-refresh.service$' "$T/installed")
    check_eq "the refresh service runs certpolicy refresh" "refresh" \
        "$(sed -n 's/^ExecStart=.* \([a-z]*\)$/\1/p' "$T/inst/$refresh_unit")"
    exe=$(sed -n 's/^ExecStart=\([^ ]*\).*/\1/p' "$T/inst/$unit")
    check "the service runs the installed certpolicyd ($exe)" test -x "$T/inst$exe"
fi
