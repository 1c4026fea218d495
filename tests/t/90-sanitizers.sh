# The whole suite again, against programs built with AddressSanitizer,
# UndefinedBehaviorSanitizer and LeakSanitizer: every group must pass, and
# no sanitizer may report anything. The programs are built here directly
# with cc from the sources (and the build's config.h), so this works for
# any build directory layout. (make distcheck is not run again here, nor
# valgrind, which cannot run sanitized programs; memory figures are not
# asserted under sanitizers, whose shadow memory and quarantine swamp them.)
. "$SRCDIR/tests/lib.sh"

A=$WORK/asan
mkdir -p "$A/src" "$A/tests/unit"
FLAGS="-std=c11 -g -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all"
INC="-I$BUILDDIR -I$SRCDIR/src $(pkg-config --cflags libcrypto libssl libcdb)"
LIBS="$(pkg-config --libs libssl libcrypto libcdb)"
if grep -q '^#define HAVE_LIBSYSTEMD 1' "$BUILDDIR/config.h"; then
    INC="$INC $(pkg-config --cflags libsystemd)"
    LIBS="$LIBS $(pkg-config --libs libsystemd)"
fi

build_ok=1
for c in "$SRCDIR"/src/*.c; do
    o=$A/src/$(basename "$c" .c).o
    # shellcheck disable=SC2086
    cc $FLAGS $INC -c "$c" -o "$o" 2>>"$A/build.log" || build_ok=0
done
objs=$(ls "$A"/src/*.o | grep -v -e '/certpolicy\.o$' -e '/certpolicyd\.o$')
# shellcheck disable=SC2086
for prog in certpolicy certpolicyd; do
    # shellcheck disable=SC2086
    cc $FLAGS -o "$A/src/$prog" "$A/src/$prog.o" $objs $LIBS 2>>"$A/build.log" || build_ok=0
done
for t in "$SRCDIR"/tests/unit/*_test.c "$SRCDIR"/tests/unit/policy_client.c "$SRCDIR"/tests/unit/http_serve.c \
    "$SRCDIR"/tests/unit/conn_hold.c "$SRCDIR"/tests/unit/ocsp_twice.c; do
    name=$(basename "$t" .c)
    extra=
    case $name in policy_client | conn_hold) extra=$SRCDIR/tests/unit/endpoint.c ;; esac
    # shellcheck disable=SC2086
    cc $FLAGS $INC -o "$A/tests/unit/$name" "$t" $extra $objs $LIBS 2>>"$A/build.log" || build_ok=0
done
# The test clock is preloaded, not part of the programs: built plainly.
for so in fakeclock slowcdb; do
    # shellcheck disable=SC2086
    cc -std=c11 -fPIC -shared $INC -o "$A/tests/unit/$so.so" "$SRCDIR/tests/unit/$so.c" -ldl \
        2>>"$A/build.log" || build_ok=0
done
mkdir -p "$A/tests/fuzz" "$A/bench"
# shellcheck disable=SC2086
cc $FLAGS $INC -I"$SRCDIR/tests/unit" -o "$A/bench/policyload" "$SRCDIR/bench/policyload.c" \
    "$SRCDIR/tests/unit/endpoint.c" 2>>"$A/build.log" || build_ok=0
for t in request conf db status tls_policy certfile; do
    # shellcheck disable=SC2086
    cc $FLAGS $INC -I"$SRCDIR/tests/fuzz" -o "$A/tests/fuzz/fuzz_$t" "$SRCDIR/tests/fuzz/fuzz_$t.c" \
        "$SRCDIR/tests/fuzz/fuzz_common.c" "$SRCDIR/tests/fuzz/standalone.c" $objs $LIBS 2>>"$A/build.log" || build_ok=0
done
if [ $build_ok = 0 ]; then
    fail "sanitizer build" "$(tail -20 "$A/build.log")"
    exit 0
fi
ok "sanitizer build"

# Not again: the build checks (05-compilers, 95-distcheck), valgrind, and
# the demo, which runs the programs built in the source tree.
groups=$(ls "$SRCDIR"/tests/t/*.sh | xargs -n1 basename | sed 's/\.sh$//' \
    | grep -v -e "^$GROUP\$" -e "^05-compilers\$" -e "^95-distcheck\$" -e "^92-valgrind\$" -e "^98-demo\$" \
    | tr '\n' ' ')
CERTPOLICY_SANITIZED=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=0 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
BUILDDIR=$A WORK=$A/work TESTS=$groups sh "$SRCDIR/tests/run" >"$A/run.log" 2>&1
for g in $groups; do
    group_result "$g" "$A/work/results" "under sanitizers"
done
reports=$(grep -rl -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' -e 'runtime error:' "$A/work" 2>/dev/null | grep -v '/results$')
check_eq "no sanitizer reports" "" "$reports"
