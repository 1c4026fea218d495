# The fuzz targets, built with a plain main(), over every kept input: the
# seed corpora (tests/fuzz/corpus) and the inputs of bugs fuzzing found
# (tests/fuzz/regress). A crash, a sanitizer report (under 90-sanitizers)
# or a wrong answer (a permit for a client not enrolled, an action with a
# newline) fails the target. Fuzzing itself runs by hand: make fuzz, then
# tests/fuzz/run SECONDS.
. "$SRCDIR/tests/lib.sh"

for t in request conf db status tls_policy certfile smtp_reply mailtls; do
    set -- "$SRCDIR/tests/fuzz/corpus/$t"
    [ -d "$SRCDIR/tests/fuzz/regress/$t" ] && set -- "$@" "$SRCDIR/tests/fuzz/regress/$t"
    "$BUILDDIR/tests/fuzz/fuzz_$t" "$@" >"$T/$t.out" 2>"$T/$t.err"
    rc=$?
    n=$(sed -n 's/^\([0-9]*\) inputs$/\1/p' "$T/$t.out")
    if [ $rc = 0 ] && [ "${n:-0}" -gt 0 ]; then
        ok "fuzz target $t: $n kept inputs"
    else
        fail "fuzz target $t" "exit $rc: $(tail -5 "$T/$t.err")"
    fi
done

# Freeing a parsed source prints nothing: its messages are the command's to print.
if [ -s "$T/conf.err" ]; then
    fail "fuzz target conf: conf_free() prints nothing" "$(head -3 "$T/conf.err")"
else
    ok "fuzz target conf: conf_free() prints nothing"
fi
