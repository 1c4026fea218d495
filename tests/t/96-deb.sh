# The Debian package: built from a clean copy of the tree with
# dpkg-buildpackage, lintian without errors, and what the package holds.
# Skipped where dpkg-dev, debhelper or lintian is missing. Installing it in
# a Debian 12 root is "make deb-install-test" (tests/deb/install-test),
# which the suite does not run.
. "$SRCDIR/tests/lib.sh"

# Once per run: not again in the suites that 90-sanitizers and 95-distcheck
# run inside this one (the package builds its own programs).
if [ -n "${CERTPOLICY_SANITIZED:-}${CERTPOLICY_DISTCHECK:-}" ]; then
    skip "package" "built by the outer suite"
    exit 0
fi
for tool in dpkg-buildpackage dh lintian; do
    if ! command -v $tool >/dev/null 2>&1; then
        skip "package" "$tool is not installed (apt-get install dpkg-dev debhelper lintian)"
        exit 0
    fi
done
if ! dpkg-checkbuilddeps "$SRCDIR/debian/control" >"$T/deps" 2>&1; then
    skip "package" "$(sed 's/^dpkg-checkbuilddeps: //' "$T/deps")"
    exit 0
fi

OUT=$T/deb
sh "$SRCDIR/tests/deb/build" "$OUT" >"$T/build.out" 2>&1
status=$?
check_eq "dpkg-buildpackage builds, lintian reports no error" 0 "$status"
[ $status -eq 0 ] || { tail -20 "$T/build.out"; exit 0; }
echo "lintian:"
grep -E '^[EWIP]: ' "$OUT/lintian.txt" | sort -u | sed 's/^/    /'
check_eq "lintian: no warning but the pedantic README.Debian one (master.cf's \"n n\" columns)" "" \
    "$(grep -E '^[EW]: ' "$OUT/lintian.txt")"
check "the package's own unit tests ran and passed" grep -q '^[0-9]* passed, 0 failed' "$OUT/build.log"

DEB=$(ls "$OUT"/certpolicy_*.deb)
dpkg-deb -c "$DEB" | awk '{ print $6 }' | sed 's|^\./|/|' >"$T/files"
for f in /usr/bin/certpolicy /usr/sbin/certpolicyd /etc/certpolicy/certpolicy.conf /var/lib/certpolicy/ \
    /usr/share/man/man8/certpolicy.8.gz /usr/share/man/man8/certpolicyd.8.gz \
    /usr/share/man/man5/certpolicy.conf.5.gz /usr/share/doc/certpolicy/README.Debian.gz \
    /usr/share/doc/certpolicy/examples/postfix/main.cf; do
    check "holds $f" grep -qx "$f" "$T/files"
done
check "holds the units and the timer" test "$(grep -c '/systemd/system/certpolicy' "$T/files")" -eq 4
check_eq "nothing under /etc/postfix" "" "$(grep '^/etc/postfix' "$T/files")"
check_eq "the one conffile" /etc/certpolicy/certpolicy.conf "$(dpkg-deb -I "$DEB" conffiles)"

mkdir -p "$T/x" "$T/ctl"
dpkg-deb -x "$DEB" "$T/x"
dpkg-deb -e "$DEB" "$T/ctl"
run_capture "$T/out" env CERTPOLICY_POSTCONF=none "$T/x/usr/bin/certpolicy" -c "$T/x/etc/certpolicy/certpolicy.conf" check
check_golden "the example source passes check and enables nothing" /dev/stdin "$T/out" <<OUT
certpolicy: $T/x/etc/certpolicy/certpolicy.conf: ok: 0 clients (0 active, 0 revoked), 0 tls entries, 0 warnings
exit 0
OUT
check_eq "the example: every line a comment" "" "$(grep -v -e '^#' -e '^$' "$T/x/etc/certpolicy/certpolicy.conf")"
check "postinst adds the system user _certpolicy" sh -c \
    "grep -q 'adduser --system' '$T/ctl/postinst' && grep -q ' _certpolicy\$' '$T/ctl/postinst'"
# dh_installsystemd --no-enable --no-start: a unit is enabled again only
# on an upgrade where the administrator had enabled it (was-enabled)
check_eq "no unit is enabled or started on install" "" "$(awk '
    /was-enabled/ { guarded = 1; next }
    /deb-systemd-helper enable/ && !guarded { print }
    /deb-systemd-invoke (start|restart)|systemctl (enable|start)/ { print }
    /^[[:space:]]*fi$/ { guarded = 0 }' "$T/ctl/postinst")"
check_eq "no maintainer script writes a Postfix file" "" \
    "$(grep -v '^[[:space:]]*#' "$T/ctl/postinst" "$T/ctl/postrm" | grep -e /etc/postfix -e postconf -e postfix)"
check "postrm purges /var/lib/certpolicy and the user" sh -c \
    "grep -q 'rm -rf /var/lib/certpolicy' '$T/ctl/postrm' && grep -q 'deluser --system' '$T/ctl/postrm'"
