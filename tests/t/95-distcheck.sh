# make distcheck: the release tarball builds out of tree from a read-only
# source, passes the suite (without this group and the sanitizer group,
# which run in the outer suite) and cleans up after itself.
. "$SRCDIR/tests/lib.sh"

if [ -n "${CERTPOLICY_DISTCHECK:-}" ]; then
    exit 0                              # we are the suite inside distcheck
fi
if [ ! -f "$BUILDDIR/Makefile" ]; then
    fail "make distcheck" "no configured build in $BUILDDIR"
    exit 0
fi
if (cd "$BUILDDIR" && env -u WORK -u RESULTS -u BUILDDIR -u SRCDIR -u TESTS -u GROUP \
    CERTPOLICY_DISTCHECK=1 make distcheck) >"$T/distcheck.log" 2>&1; then
    ok "make distcheck"
else
    fail "make distcheck" "$(tail -20 "$T/distcheck.log")"
fi
check "the tarball's suite ran cases" grep -q '^[1-9][0-9]* passed, 0 failed$' "$T/distcheck.log"
