# "certpolicy check" compares the source with the Postfix that postconf
# reads (MAIL_CONFIG): one private Postfix configuration per case, and the
# whole output of check, warnings and summary, side by side with it.
. "$SRCDIR/tests/lib.sh"

if ! command -v postconf >/dev/null 2>&1; then
    skip "postfix check" "postconf is not installed"
    exit 0
fi
export CERTPOLICY_POSTCONF=postconf

# The source every case checks against (unless the case writes its own).
SRC=$T/certpolicy.conf
cat >"$SRC" <<CONF
fingerprint_digest = sha256
relay_clientcerts = cdb:$T/relay_clientcerts
CONF
SUMMARY="certpolicy: $SRC: ok: 0 clients (0 active, 0 revoked), 0 tls entries, 0 warnings"

# A main.cf and master.cf that agree with the source.
GOOD_MAIN="compatibility_level = 3.6
smtpd_tls_ask_ccert = yes
relay_clientcerts = cdb:$T/relay_clientcerts
smtpd_relay_restrictions = permit_mynetworks, check_policy_service unix:private/certpolicy, reject_unauth_destination"
GOOD_MASTER="smtp      inet  n       -       y       -       -       smtpd
certpolicy unix  -       n       n       -       0       spawn
  user=nobody argv=/usr/sbin/certpolicyd -d /var/lib/certpolicy/certpolicy.cdb"

# pfcase NAME MAIN MASTER - a Postfix configuration directory $T/NAME with
# those files; sets PF to it
pfcase() {
    PF=$T/$1
    mkdir -p "$PF"
    printf '%s\n' "$2" >"$PF/main.cf"
    printf '%s\n' "$3" >"$PF/master.cf"
}

# expect NAME - run check against $PF; stdin holds the expected output
expect() {
    MAIL_CONFIG=$PF run_capture "$T/out" "$CERTPOLICY" -c "${CASE_SRC:-$SRC}" check
    check_golden "$1" /dev/stdin "$T/out"
}

pfcase agree "$GOOD_MAIN" "$GOOD_MASTER"
expect "a Postfix that uses what certpolicy compiles: no warning" <<OUT
$SUMMARY
certpolicy: Postfix ($PF): compared with $SRC: 0 warnings
exit 0
OUT

pfcase digest "$GOOD_MAIN
smtpd_tls_fingerprint_digest = sha1" "$GOOD_MASTER"
expect "smtpd_tls_fingerprint_digest differs from fingerprint_digest" <<OUT
$SUMMARY
$PF/main.cf: warning: smtpd_tls_fingerprint_digest = sha1, but $SRC has fingerprint_digest = sha256: no client certificate will ever match
certpolicy: Postfix ($PF): compared with $SRC: 1 warning
exit 0
OUT

pfcase digest-service "$GOOD_MAIN" "$GOOD_MASTER
submission inet n - y - - smtpd
  -o smtpd_tls_fingerprint_digest=md5"
expect "a master.cf service's digest differs" <<OUT
$SUMMARY
$PF/master.cf: submission/inet: warning: smtpd_tls_fingerprint_digest = md5, but $SRC has fingerprint_digest = sha256: no client certificate will ever match
certpolicy: Postfix ($PF): compared with $SRC: 1 warning
exit 0
OUT

pfcase level2 "$(echo "$GOOD_MAIN" | sed 's/^compatibility_level = 3.6/compatibility_level = 2/')" "$GOOD_MASTER"
expect "compatibility_level 2 leaves the digest at md5" <<OUT
$SUMMARY
$PF/main.cf: warning: smtpd_tls_fingerprint_digest = md5, but $SRC has fingerprint_digest = sha256: no client certificate will ever match
$PF/main.cf: warning: compatibility_level = 2 (below 3.6) leaves smtpd_tls_fingerprint_digest at md5: set smtpd_tls_fingerprint_digest = sha256
certpolicy: Postfix ($PF): compared with $SRC: 2 warnings
exit 0
OUT

pfcase level2-sha256 "$(echo "$GOOD_MAIN" | sed 's/^compatibility_level = 3.6/compatibility_level = 2/')
smtpd_tls_fingerprint_digest = sha256" "$GOOD_MASTER"
expect "compatibility_level 2 with the digest set: no warning" <<OUT
$SUMMARY
certpolicy: Postfix ($PF): compared with $SRC: 0 warnings
exit 0
OUT

# An md5 site that says so on both sides is consistent.
cat >"$T/md5.conf" <<CONF
fingerprint_digest = md5
relay_clientcerts = cdb:$T/relay_clientcerts
CONF
pfcase level2-md5 "$(echo "$GOOD_MAIN" | sed 's/^compatibility_level = 3.6/compatibility_level = 2/')
smtpd_tls_fingerprint_digest = md5" "$GOOD_MASTER"
CASE_SRC=$T/md5.conf expect "md5 chosen on both sides: no warning" <<OUT
certpolicy: $T/md5.conf: ok: 0 clients (0 active, 0 revoked), 0 tls entries, 0 warnings
certpolicy: Postfix ($PF): compared with $T/md5.conf: 0 warnings
exit 0
OUT

pfcase relay-main "$(echo "$GOOD_MAIN" | sed "s|^relay_clientcerts = .*|relay_clientcerts = hash:/etc/postfix/relay_clientcerts|")" "$GOOD_MASTER"
expect "main.cf's relay_clientcerts names another map" <<OUT
$SUMMARY
$PF/main.cf: warning: relay_clientcerts = hash:/etc/postfix/relay_clientcerts, but $SRC compiles cdb:$T/relay_clientcerts: Postfix reads another map
certpolicy: Postfix ($PF): compared with $SRC: 1 warning
exit 0
OUT

pfcase relay-expanded "$(echo "$GOOD_MAIN" | sed "s|^relay_clientcerts = .*|relay_clientcerts = cdb:\$maps/relay_clientcerts|")
maps = $T" "$GOOD_MASTER"
expect "relay_clientcerts through a \$parameter: the expanded value is compared" <<OUT
$SUMMARY
certpolicy: Postfix ($PF): compared with $SRC: 0 warnings
exit 0
OUT

pfcase relay-master "$GOOD_MAIN" "$GOOD_MASTER
submission inet n - y - - smtpd
  -o relay_clientcerts=cdb:/etc/postfix/submission_clientcerts"
expect "a master.cf service's relay_clientcerts names another map" <<OUT
$SUMMARY
$PF/master.cf: submission/inet: warning: relay_clientcerts = cdb:/etc/postfix/submission_clientcerts, but $SRC compiles cdb:$T/relay_clientcerts: Postfix reads another map
certpolicy: Postfix ($PF): compared with $SRC: 1 warning
exit 0
OUT

printf 'fingerprint_digest = sha256\n' >"$T/nomap.conf"
pfcase relay-unwritten "$GOOD_MAIN" "$GOOD_MASTER"
CASE_SRC=$T/nomap.conf expect "Postfix reads a relay_clientcerts map certpolicy does not write" <<OUT
certpolicy: $T/nomap.conf: ok: 0 clients (0 active, 0 revoked), 0 tls entries, 0 warnings
$PF/main.cf: warning: relay_clientcerts = cdb:$T/relay_clientcerts, but $T/nomap.conf writes no relay_clientcerts map (its relay_clientcerts is empty)
certpolicy: Postfix ($PF): compared with $T/nomap.conf: 1 warning
exit 0
OUT

pfcase relay-none "$(echo "$GOOD_MAIN" | grep -v '^relay_clientcerts')" "$GOOD_MASTER"
expect "Postfix without relay_clientcerts: no warning (certpolicyd decides)" <<OUT
$SUMMARY
certpolicy: Postfix ($PF): compared with $SRC: 0 warnings
exit 0
OUT

NO_ASK=$(echo "$GOOD_MAIN" | grep -v '^smtpd_tls_ask_ccert')
pfcase no-ask "$NO_ASK" "$GOOD_MASTER"
expect "no smtpd service asks for a client certificate" <<OUT
$SUMMARY
$PF/master.cf: warning: no smtpd service sets smtpd_tls_ask_ccert = yes (in main.cf, or -o smtpd_tls_ask_ccert=yes): no client is asked for a certificate, so certpolicyd never sees one
certpolicy: Postfix ($PF): compared with $SRC: 1 warning
exit 0
OUT

pfcase ask-elsewhere "$NO_ASK" "$GOOD_MASTER
submission inet n - y - - smtpd
  -o smtpd_tls_ask_ccert=yes
pickup unix n - y 60 1 pickup
  -o smtpd_tls_ask_ccert=yes"
expect "one smtpd service asks (master.cf -o): no warning" <<OUT
$SUMMARY
certpolicy: Postfix ($PF): compared with $SRC: 0 warnings
exit 0
OUT

pfcase ask-not-smtpd "$NO_ASK" "$GOOD_MASTER
pickup unix n - y 60 1 pickup
  -o smtpd_tls_ask_ccert=yes"
expect "a service that is not smtpd does not count" <<OUT
$SUMMARY
$PF/master.cf: warning: no smtpd service sets smtpd_tls_ask_ccert = yes (in main.cf, or -o smtpd_tls_ask_ccert=yes): no client is asked for a certificate, so certpolicyd never sees one
certpolicy: Postfix ($PF): compared with $SRC: 1 warning
exit 0
OUT

pfcase ask-off-there "$GOOD_MAIN" "smtp inet n - y - - smtpd
  -o smtpd_tls_ask_ccert=no
certpolicy unix - n n - 0 spawn user=nobody argv=/usr/sbin/certpolicyd"
expect "main.cf asks, but the only smtpd service turns it off" <<OUT
$SUMMARY
$PF/master.cf: warning: no smtpd service sets smtpd_tls_ask_ccert = yes (in main.cf, or -o smtpd_tls_ask_ccert=yes): no client is asked for a certificate, so certpolicyd never sees one
certpolicy: Postfix ($PF): compared with $SRC: 1 warning
exit 0
OUT

pfcase req "$NO_ASK
smtpd_tls_req_ccert = yes" "$GOOD_MASTER"
expect "smtpd_tls_req_ccert = yes asks too" <<OUT
$SUMMARY
certpolicy: Postfix ($PF): compared with $SRC: 0 warnings
exit 0
OUT

NO_POLICY=$(echo "$GOOD_MAIN" | sed 's/^smtpd_relay_restrictions = .*/smtpd_relay_restrictions = permit_mynetworks, reject_unauth_destination/')
NO_POLICY_WARNING="$PF/main.cf: warning: no restriction names a policy service that looks like certpolicyd (check_policy_service with \"certpolicy\" in its name, or a master.cf service that runs certpolicyd): Postfix never asks it"
pfcase no-policy "$NO_POLICY" "$GOOD_MASTER"
expect "no restriction asks a policy service" <<OUT
$SUMMARY
$(echo "$NO_POLICY_WARNING" | sed "s|$T/[a-z-]*/|$PF/|")
certpolicy: Postfix ($PF): compared with $SRC: 1 warning
exit 0
OUT

pfcase other-policy "$(echo "$NO_POLICY" | sed 's/reject_unauth_destination/check_policy_service inet:127.0.0.1:10023, reject_unauth_destination/')" "$GOOD_MASTER"
expect "only another policy service (a greylister)" <<OUT
$SUMMARY
$(echo "$NO_POLICY_WARNING" | sed "s|$T/[a-z-]*/|$PF/|")
certpolicy: Postfix ($PF): compared with $SRC: 1 warning
exit 0
OUT

pfcase policy-spawn-name "$(echo "$NO_POLICY" | sed 's/reject_unauth_destination/check_policy_service { unix:private\/relaypolicy, timeout=10s }, reject_unauth_destination/')" "smtp      inet  n       -       y       -       -       smtpd
relaypolicy unix  -       n       n       -       0       spawn
  user=nobody argv=/usr/sbin/certpolicyd -d /var/lib/certpolicy/certpolicy.cdb"
expect "a policy service of another name whose master.cf entry runs certpolicyd" <<OUT
$SUMMARY
certpolicy: Postfix ($PF): compared with $SRC: 0 warnings
exit 0
OUT

pfcase policy-master "$NO_POLICY" "$GOOD_MASTER
submission inet n - y - - smtpd
  -o smtpd_relay_restrictions=check_policy_service,unix:private/certpolicy,reject"
expect "the policy service named in a master.cf -o restriction" <<OUT
$SUMMARY
certpolicy: Postfix ($PF): compared with $SRC: 0 warnings
exit 0
OUT

pfcase policy-class "$NO_POLICY
smtpd_restriction_classes = relay_by_cert
relay_by_cert = check_policy_service inet:127.0.0.1:10040 check_policy_service unix:private/certpolicy" "$GOOD_MASTER"
expect "the policy service in a restriction class" <<OUT
$SUMMARY
certpolicy: Postfix ($PF): compared with $SRC: 0 warnings
exit 0
OUT

# The snippets the package and make install ship: no warning against a
# source that compiles what they name.
mkdir -p "$T/contrib"
cp "$SRCDIR/contrib/postfix/main.cf" "$T/contrib/main.cf"
sed 's|@[a-z]*@|/usr|g' "$SRCDIR/contrib/postfix/master.cf.in" >"$T/contrib/master.cf"
PF=$T/contrib
expect "contrib/postfix/main.cf and master.cf agree with a source" <<OUT
$SUMMARY
certpolicy: Postfix ($PF): compared with $SRC: 0 warnings
exit 0
OUT

# Without a Postfix: a note, nothing compared, the check passes.
CERTPOLICY_POSTCONF=$T/no-such-postconf run_capture "$T/out" "$CERTPOLICY" -c "$SRC" check
check_golden "no postconf: a note, and the check passes" /dev/stdin "$T/out" <<OUT
$SUMMARY
certpolicy: Postfix not compared: cannot run $T/no-such-postconf: No such file or directory
exit 0
OUT
MAIL_CONFIG=$T/no-such-dir run_capture "$T/out" "$CERTPOLICY" -c "$SRC" check
check_golden "no main.cf: postconf's reason in the note" /dev/stdin "$T/out" <<OUT
$SUMMARY
certpolicy: Postfix not compared: postconf: fatal: open $T/no-such-dir/main.cf: No such file or directory
exit 0
OUT
CERTPOLICY_POSTCONF=none MAIL_CONFIG=$T/agree run_capture "$T/out" "$CERTPOLICY" -c "$SRC" check
check_golden "CERTPOLICY_POSTCONF=none: not compared, no note" /dev/stdin "$T/out" <<OUT
$SUMMARY
exit 0
OUT

# A source with errors stops before Postfix is read.
printf 'fingerprint_digest = sha3\n' >"$T/bad.conf"
MAIL_CONFIG=$T/agree run_capture "$T/out" "$CERTPOLICY" -c "$T/bad.conf" check
check_eq "a bad source: Postfix not compared" "" "$(grep Postfix "$T/out")"
check_eq "a bad source: exit 1" "exit 1" "$(tail -1 "$T/out")"
