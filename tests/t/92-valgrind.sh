# The certpolicyd protocol and decision tests (70-policy) again, every
# certpolicyd under valgrind's memcheck: the group must pass, and no
# process may report an error or a leak (definite or indirect). Open
# descriptors are checked by 78-reload-load instead.
. "$SRCDIR/tests/lib.sh"
if ! command -v valgrind >/dev/null 2>&1; then
    skip "valgrind" "valgrind is not installed"
    exit 0
fi
V=$WORK/valgrind
rm -rf "$V"
mkdir -p "$V/logs"
CERTPOLICY_VALGRIND=$V/logs BUILDDIR=$BUILDDIR WORK=$V/work TESTS=70-policy \
    sh "$SRCDIR/tests/run" >"$V/run.log" 2>&1
group_result 70-policy "$V/work/results" "under valgrind"
logs=$(ls "$V/logs" | wc -l)
check "valgrind ran certpolicyd ($logs processes)" test "$logs" -ge 20
reports=$(grep -l -e 'ERROR SUMMARY: [1-9]' -e 'definitely lost' -e 'indirectly lost' \
    -e 'Invalid read' -e 'Invalid write' -e 'uninitialised' "$V"/logs/* 2>/dev/null)
check_eq "no memcheck error or leak in any process" "" "$reports"
[ -n "$reports" ] && head -40 $reports >&2
exit 0
