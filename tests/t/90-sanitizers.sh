# The whole suite again, against programs built with AddressSanitizer,
# UndefinedBehaviorSanitizer and LeakSanitizer: every group must pass, and
# no sanitizer may report anything. The build is the project's own
# (configure --enable-sanitizers, with the options of the build under
# test) in a directory of its own, so every program the Makefile knows is
# covered. (make distcheck is not run again here, nor valgrind, which
# cannot run sanitized programs; memory figures are not asserted under
# sanitizers, whose shadow memory and quarantine swamp them.)
. "$SRCDIR/tests/lib.sh"

A=$WORK/asan
rm -rf "$A"
mkdir -p "$A"
# The release tree (make distdir: what the tarball holds, so no build of
# the source directory is in the way), configured with the options of the
# build under test.
opts=$("$BUILDDIR/config.status" --config)
if (make -C "$BUILDDIR" distdir distdir="$A/tree" && cd "$A/tree" && eval "set -- $opts" \
        && ./configure "$@" --enable-sanitizers \
        && make -j2 src/certpolicy src/certpolicyd check-programs) >"$A/build.log" 2>&1; then
    ok "sanitizer build"
else
    fail "sanitizer build" "$(tail -20 "$A/build.log")"
    exit 0
fi
B=$A/tree
check "sanitizer build: the programs are instrumented" \
    sh -c "nm '$B/src/certpolicyd' | grep -q __asan_init && nm '$B/src/certpolicy' | grep -q __asan_init"

# Not again: the build checks (05-compilers, 95-distcheck), valgrind, and
# the demo, which runs the programs built in the source tree.
groups=$(ls "$SRCDIR"/tests/t/*.sh | xargs -n1 basename | sed 's/\.sh$//' \
    | grep -v -e "^$GROUP\$" -e "^05-compilers\$" -e "^95-distcheck\$" -e "^92-valgrind\$" -e "^98-demo\$" \
    | tr '\n' ' ')
# The property groups run a fifth of their sequences here: the plain run
# has the full count, and what the sanitizers look for shows in a few.
CERTPOLICY_MODEL_SEQUENCES=40 CERTPOLICY_WRITER_ROUNDS=5 \
CERTPOLICY_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
BUILDDIR=$B WORK=$A/work TESTS=$groups sh "$SRCDIR/tests/run" >"$A/run.log" 2>&1
for g in $groups; do
    group_result "$g" "$A/work/results" "under sanitizers"
done
reports=$(grep -rl -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' -e 'runtime error:' "$A/work" 2>/dev/null | grep -v '/results$')
check_eq "no sanitizer reports" "" "$reports"
