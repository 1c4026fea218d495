# The source parser: every tests/cases/parser/NAME.conf is checked (with the
# options in NAME.args, if any); the messages and the exit status must
# equal NAME.ref. good.* files must pass, bad.* and limit.* must not.
. "$SRCDIR/tests/lib.sh"

cd "$CASES/parser" || exit 1
for conf in *.conf; do
    name=${conf%.conf}
    args=
    [ -f "$name.args" ] && args=$(cat "$name.args")
    # shellcheck disable=SC2086
    run_capture "$T/$name.out" "$CERTPOLICY" $args -c "$conf" check
    check_golden "$name" "$name.ref" "$T/$name.out"
    case $name in
    good.*) expect="exit 0" ;;
    *) expect="exit 1" ;;
    esac
    check_eq "$name: exit status" "$expect" "$(tail -1 "$T/$name.out")"
done

# A check writes nothing, even for a good file with outputs configured:
# good.full.conf with every output in a directory of this test's own,
# which must stay empty (and nothing may appear beside the cases either).
mkdir -p "$T/nothing"
sed -e "s|/var/lib/certpolicy/|$T/nothing/|" -e "s|/etc/postfix/|$T/nothing/|" good.full.conf >"$T/full.conf"
check "check writes nothing: every output is in the test's directory" \
    test "$(grep -c "$T/nothing/" "$T/full.conf")" -ge 5
run_capture "$T/full.out" "$CERTPOLICY" -c "$T/full.conf" check
check_eq "check writes nothing: the good file passes" "exit 0" "$(tail -1 "$T/full.out")"
check_eq "check writes nothing: the output directory stays empty" "" "$(ls -A "$T/nothing")"
check_eq "check writes nothing beside the cases" "" "$(ls -A "$CASES/parser" | grep -v -e '\.conf$' -e '\.ref$' -e '\.args$' -e '^big.pem$' -e '^garbage.der$' -e '^notacert.txt$')"

# tls values Postfix cannot read back from a policy map: white space in a
# value (a quoted tafile= path), a comma (smtp(8) splits there), a control
# character; a next-hop postmap would take for a comment.
{
    printf 'tls example.com secure tafile="/etc/postfix/my ca.pem"\n'
    printf 'tls example.net secure "tafile=/etc/postfix/ca.pem,x"\n'
    printf 'tls example.org secure "tafile=/etc/postfix/\tca.pem"\n'
    printf 'tls "#example.org" encrypt\n'
    printf 'tls example.info secure tafile=%s/ta.pem\n' "$T"
} >"$T/tls.conf"
# the one good line's tafile holds a trust anchor (check reads it)
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/ta.key" \
    -subj "/CN=Trust Anchor" -days 30 -out "$T/ta.pem" 2>/dev/null
run_capture "$T/tls.out" "$CERTPOLICY" -c "$T/tls.conf" check
check_golden "tls values Postfix cannot represent" /dev/stdin "$T/tls.out" <<OUT
$T/tls.conf:1: tls: "tafile=/etc/postfix/my ca.pem": Postfix splits a policy map value at white space; it cannot hold this value
$T/tls.conf:2: tls: "tafile=/etc/postfix/ca.pem,x": Postfix splits a policy map value at commas; it cannot hold this value
$T/tls.conf:3: tls: "tafile=/etc/postfix/	ca.pem": Postfix splits a policy map value at white space; it cannot hold this value
$T/tls.conf:4: tls: "#example.org": postmap reads a line that starts with '#' as a comment
certpolicy: $T/tls.conf: 4 errors, 0 warnings
exit 1
OUT

# -o takes only known limits, with values in range.
run_capture "$T/o.out" "$CERTPOLICY" -o max_colours=3 -c good.empty.conf check
check_eq "-o unknown limit is a usage error" "exit 2" "$(tail -1 "$T/o.out")"
run_capture "$T/o.out" "$CERTPOLICY" -o max_line_length=10 -c good.empty.conf check
check_eq "-o value below the limit's minimum" "exit 2" "$(tail -1 "$T/o.out")"
run_capture "$T/o.out" "$CERTPOLICY" -c good.empty.conf frobnicate
check_eq "unknown command is a usage error" "exit 2" "$(tail -1 "$T/o.out")"
run_capture "$T/o.out" "$CERTPOLICY" -c does-not-exist.conf check
check_golden "missing source file" /dev/stdin "$T/o.out" <<OUT
certpolicy: does-not-exist.conf: cannot open: No such file or directory
exit 1
OUT

# --help and -h: the usage on standard output, exit 0, nothing on stderr.
for prog in certpolicy certpolicyd; do
    for opt in --help -h; do
        "$BUILDDIR/src/$prog" $opt >"$T/help.out" 2>"$T/help.err"
        echo "exit $?" >>"$T/help.out"
        check_eq "$prog $opt: usage on stdout, exit 0" "usage: $prog ... exit 0" \
            "$(head -1 "$T/help.out" | cut -d' ' -f1,2) ... $(tail -1 "$T/help.out")"
        check_eq "$prog $opt: nothing on stderr" "" "$(cat "$T/help.err")"
    done
done
