# Unit drivers: each reads tests/unit/data/NAME.in; output must equal NAME.ref,
# which is compared case by case.
. "$SRCDIR/tests/lib.sh"

DATA=$SRCDIR/tests/unit/data
UNIT=$BUILDDIR/tests/unit

# unit NAME [ARGS] - one case per input line (or block, for tls_policy)
unit() {
    name=$1
    shift
    "$UNIT/${name%%-*}_test" "$@" <"$DATA/$name.in" >"$T/$name.out" 2>&1
    cp "$DATA/$name.ref" "$T/$name.ref"
    check_cases "$name" "$T/$name.ref" "$T/$name.out"
}

unit fprint
unit action
unit dbrec
unit statusmerge
unit crlnum
unit tls_policy
unit srcline-basic 80
unit srcline-errors 40
