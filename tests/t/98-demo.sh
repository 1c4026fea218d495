# The README's first command, "./quickstart demo", as a new administrator
# runs it: on each release the suite runs on, it must show alice relayed,
# bob denied, carol rejected as revoked, and alice rejected after the live
# revoke, then clean up after itself.
. "$SRCDIR/tests/lib.sh"
if [ "$(id -u)" != 0 ]; then
    skip "quickstart demo" "needs root (a private Postfix)"
    exit 0
fi
if [ "$BUILDDIR" != "$SRCDIR" ] || [ ! -x "$SRCDIR/quickstart" ]; then
    skip "quickstart demo" "runs in a source tree built in place"
    exit 0
fi
free_port port
(cd "$SRCDIR" && CERTPOLICY_DEMO_PORT=$port ./quickstart demo) >"$T/demo.out" 2>&1
echo "exit $?" >>"$T/demo.out"
check_eq "quickstart demo: exit 0" "exit 0" "$(tail -1 "$T/demo.out")"
replies=$(grep -e '^== mail' -e '^   [245][0-9][0-9] ' "$T/demo.out" | grep -v 'queued as')
check_eq "quickstart demo: the replies it shows" "== mail to someone@remote.example with alice's certificate
   250 2.1.5 Ok
== mail to someone@remote.example with bob's certificate
   554 5.7.1 <someone@remote.example>: Relay access denied
== mail to someone@remote.example with carol's certificate
   554 5.7.1 <someone@remote.example>: Recipient address rejected: Client certificate revoked
== mail to someone@remote.example with alice's certificate
   554 5.7.1 <someone@remote.example>: Recipient address rejected: Client certificate revoked" "$replies"
dir=$(sed -n 's/^quickstart: done; stopping Postfix and removing //p' "$T/demo.out")
check "quickstart demo: its directory is removed" test -n "$dir" -a ! -e "$dir"
