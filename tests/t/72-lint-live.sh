# certpolicy lint --connect against live services: a private Postfix smtpd
# (STARTTLS, and TLS from the start as on port 465) and a private Dovecot
# (IMAP STARTTLS, IMAPS, POP3 STARTTLS, POP3S), serving the clean chain and
# broken ones; servers that are closed, silent or hostile; each time the
# openssl CLI's view beside lint's. Every lint run is bounded by --timeout.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/postfix.sh"
. "$SRCDIR/tests/pki/lintpki.sh"
if [ "$(id -u)" != 0 ]; then
    skip "lint against live services" "needs root (a private Postfix)"
    exit 0
fi
nobody_dir
D=$NDIR
lint_pki "$D/pki"
lint_dst
mkcert ecleaf mail.example.test inter "now - 1 day" "now + 90 days" server_ext ec:P-256
mkcert nosan mail.example.test inter "now - 1 day" "now + 90 days" nosan_ext
cat "$P/ecleaf.pem" "$P/inter.pem" >"$P/ec-chain.pem"
cat "$P/nosan.pem" "$P/inter.pem" >"$P/nosan-chain.pem"
chmod -R a+rX "$D"

# pt N - the Nth port of this group (1..38), each from free_port
n=1
while [ $n -le 38 ]; do
    free_port "port_$n" || exit 0
    n=$((n + 1))
done
pt() { eval "echo \$port_$1"; }
RSA_ONLY=ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256

# live NAME PORT [ARGS...] - lint --connect 127.0.0.1:PORT, output in $T/NAME.out
live() {
    _lv=$1 _port=$2
    shift 2
    run_capture "$T/$_lv.out" "$CERTPOLICY" lint --timeout 10 --trust "$P/root.pem" \
        --name mail.example.test "$@" --connect "127.0.0.1:$_port"
}

# sclient NAME PORT ARGS... - openssl s_client's view, in $T/cli.out
sclient() {
    _sc=$1 _port=$2
    shift 2
    openssl s_client -connect "127.0.0.1:$_port" -servername mail.example.test "$@" \
        </dev/null >"$T/cli.out" 2>&1
}

# ---- Postfix: one smtpd per case
PF=$D/postfix
pf_instance "$PF" mail
cat >>"$PF/etc/main.cf" <<CF
smtpd_tls_security_level = may
smtpd_tls_loglevel = 1
smtpd_tls_chain_files = $P/leaf.key, $P/fullchain.pem
CF
{
    cat <<CF
127.0.0.1:$(pt 1) inet n - n - - smtpd
127.0.0.1:$(pt 2) inet n - n - - smtpd -o smtpd_tls_wrappermode=yes
127.0.0.1:$(pt 3) inet n - n - - smtpd -o smtpd_tls_chain_files=$P/ecleaf.key,$P/ec-chain.pem
127.0.0.1:$(pt 4) inet n - n - - smtpd -o smtpd_tls_chain_files=$P/ecleaf.key,$P/ec-chain.pem -o smtpd_tls_protocols=<=TLSv1.2 -o smtpd_tls_ciphers=high -o tls_high_cipherlist=$RSA_ONLY
127.0.0.1:$(pt 5) inet n - n - - smtpd -o smtpd_tls_security_level=none
127.0.0.1:$(pt 6) inet n - n - - smtpd -o smtpd_tls_chain_files=$P/le.key,$P/le-fullchain.pem
127.0.0.1:$(pt 7) inet n - n - - smtpd -o smtpd_tls_protocols=<=TLSv1.2
CF
    pf_services
} >"$PF/etc/master.cf.new"
mv "$PF/etc/master.cf.new" "$PF/etc/master.cf"
cleanup_add "postfix -c '$PF/etc' stop >/dev/null 2>&1"
if ! postfix -c "$PF/etc" start >"$T/pf.start" 2>&1; then
    fail "start the private Postfix" "$(cat "$T/pf.start")"
    exit 0
fi
for i in 1 2 3 4 5 6 7; do
    wait_port "$(pt $i)" || fail "Postfix listens on $(pt $i)" "not listening"
done

live pf-clean $(pt 1) --starttls smtp
exit_is "Postfix STARTTLS, the clean chain: exit 0" pf-clean 0
has "Postfix STARTTLS: protocol and cipher reported" pf-clean "127.0.0.1:$(pt 1): TLSv1.3, TLS_"
has "Postfix STARTTLS: the chain as sent" pf-clean "depth 1: subject \"CN=Lint Intermediate\""
check "Postfix STARTTLS: openssl s_client -starttls smtp verifies it too" \
    sclient x $(pt 1) -starttls smtp -CAfile "$P/root.pem" -verify_return_error -verify_hostname mail.example.test
run_capture "$T/pf-ip.out" "$CERTPOLICY" lint --trust "$P/root.pem" --starttls smtp --connect "127.0.0.1:$(pt 1)"
exit_is "Postfix STARTTLS by address, no --name: Apple Mail checks the IP address name" pf-ip 0
run_capture "$T/pf-plainport.out" "$CERTPOLICY" lint --connect "127.0.0.1:$(pt 1)"
has "no-tls: TLS expected on a STARTTLS port says what to do" pf-plainport "error no-tls: error:0A00010B:SSL routines::wrong version number: the service does not complete a TLS handshake (a plain-text port? give --starttls)"
run_capture "$T/pf-max.out" "$CERTPOLICY" -o max_chain_certs=1 lint --trust "$P/root.pem" --starttls smtp \
    --connect "127.0.0.1:$(pt 1)"
has "max_chain_certs: a server that sends more" pf-max "warning chain-unrelated depth=1: the server sent 2 certificates, more than max_chain_certs (1)"
live pf-wrapper $(pt 2)
exit_is "Postfix wrappermode (465-style), TLS from the start: exit 0" pf-wrapper 0
has "Postfix wrappermode: protocol reported" pf-wrapper "127.0.0.1:$(pt 2): TLSv1.3"
live pf-wrapper-json $(pt 2) --json --starttls none
check "Postfix wrappermode: --json has protocol and cipher" grep -q '"protocol": "TLSv1.3", "cipher": "TLS_' "$T/pf-wrapper-json.out"

live pf-tls12 $(pt 7) --starttls smtp
has "client-modern: a server without TLS 1.3" pf-tls12 "error client-modern: a modern client (TLS 1.3 only) cannot connect: "
check_eq "client-modern: the only finding" 1 "$(grep -c -E '^(error|warning|info) ' "$T/pf-tls12.out")"
has "client-modern: the protocol the server chose" pf-tls12 "127.0.0.1:$(pt 7): TLSv1.2, ECDHE-RSA-"
live pf-tls12-json $(pt 7) --starttls smtp --json
check "client-modern: in --json, depth -1 (the service)" grep -q '{"id": "client-modern", "severity": "error", "depth": -1, "message": "a modern client' "$T/pf-tls12-json.out"
cli_fails "client-modern: openssl s_client -tls1_3 fails too" "alert protocol version" \
    sclient x $(pt 7) -starttls smtp -tls1_3

live pf-ec $(pt 3) --starttls smtp
has "client-tls12-rsa: an ECDSA certificate and an RSA-only MTA" pf-ec "error client-tls12-rsa: an older MTA (TLS 1.2, RSA-authenticated suites only) cannot connect: "
hasnt "client-modern: TLS 1.3 is fine with ECDSA" pf-ec client-modern
hasnt "client-apple-mail: ECDHE-ECDSA is fine" pf-ec client-apple-mail
cli_fails "client-tls12-rsa: openssl s_client -tls1_2 -cipher aRSA fails too" "handshake failure" \
    sclient x $(pt 3) -starttls smtp -tls1_2 -cipher aRSA

live pf-noshared $(pt 4) --starttls smtp
has "no shared cipher (ECDSA key, ECDHE-RSA list, no TLS 1.3): no handshake at all" pf-noshared "error no-tls: "
exit_is "no shared cipher: exit 1" pf-noshared 1
cli_fails "no shared cipher: openssl s_client -starttls smtp fails too" "handshake failure" \
    sclient x $(pt 4) -starttls smtp
wait_for 'grep -q "no shared cipher" "$PF/maillog"' 10 "Postfix to log \"no shared cipher\"" \
    && ok "no shared cipher: Postfix logs it"

live pf-plain $(pt 5) --starttls smtp
has "no-tls: a port without STARTTLS" pf-plain "error no-tls: the server does not offer STARTTLS"
cli_fails "no-tls: openssl s_client -starttls smtp fails too" "STARTTLS" \
    sclient x $(pt 5) -starttls smtp

live pf-dst $(pt 6) --starttls smtp --trust "$P/both-roots.pem"
has "expired-issuer: the served chain (Postfix)" pf-dst "error expired-issuer depth=2: \"CN=New Root X1\" is signed by \"CN=Old Root X3\""
has "client-legacy-chain: the chain as sent leads to the expired root" pf-dst "error client-legacy-chain: a client that verifies the chain as sent (OpenSSL 1.0.x, older Android and iOS) fails: certificate has expired at depth 3 (\"CN=Old Root X3\")"
cli_fails "client-legacy-chain: openssl s_client with the old root only fails too" "certificate has expired" \
    sclient x $(pt 6) -starttls smtp -CAfile "$P/oldroot.pem" -verify_return_error
check "client-legacy-chain: openssl s_client with the new root succeeds" \
    sclient x $(pt 6) -starttls smtp -CAfile "$P/newroot.pem" -verify_return_error
live pf-clean-legacy $(pt 1) --starttls smtp
hasnt "client-legacy-chain: not for the clean chain" pf-clean-legacy client-legacy-chain

# ---- Closed, silent and hostile servers: a finding, never a hang
# hostile MODE PORT - a server on PORT: silent (never accepts, never
# answers), longline (a 5000-byte reply line), manylines (a 200-line reply)
hostile() {
    perl -MIO::Socket::INET -e '
        my ($mode, $port) = @ARGV;
        my $s = IO::Socket::INET->new(LocalAddr => "127.0.0.1", LocalPort => $port,
            Listen => 16, ReuseAddr => 1) or die "listen: $!";
        while (1) {
            if ($mode eq "silent") { select(undef, undef, undef, 3600); next }
            my $c = $s->accept or next;
            syswrite($c, $mode eq "longline" ? "220 " . ("x" x 5000) : "220-x\r\n" x 200);
            my $buf;
            while (sysread($c, $buf, 4096)) { }
            close $c;
        }' "$1" "$2" &
    cleanup_add "kill $! 2>/dev/null"
    wait_port "$2" || fail "the $1 server listens" "not listening"
}
hostile silent $(pt 35)
hostile longline $(pt 36)
hostile manylines $(pt 37)
live closed $(pt 38)
has "connect-failed: a closed port" closed "error connect-failed: cannot connect to 127.0.0.1 port $(pt 38): Connection refused"
exit_is "connect-failed: exit 1" closed 1
run_capture "$T/silent.out" "$CERTPOLICY" lint --timeout 1 --starttls smtp --connect "127.0.0.1:$(pt 35)"
has "--timeout: a silent SMTP server" silent "error no-tls: no reply within the timeout"
run_capture "$T/silent-tls.out" "$CERTPOLICY" lint --timeout 1 --starttls none --connect "127.0.0.1:$(pt 35)"
has "--timeout: a silent server, TLS from the start" silent-tls "error no-tls: no TLS handshake within the timeout"
exit_is "--timeout: exit 1" silent-tls 1
live longline $(pt 36) --starttls smtp
has "a reply line over 1024 bytes is refused" longline "error no-tls: a reply line longer than 1024 bytes"
live manylines $(pt 37) --starttls smtp
has "a reply of over 100 lines is refused" manylines "error no-tls: a reply of more than 100 lines"

# ---- Dovecot: IMAP STARTTLS, IMAPS, POP3 STARTTLS, POP3S
if ! command -v dovecot >/dev/null 2>&1; then
    skip "lint against Dovecot" "dovecot is not installed (dovecot-imapd, dovecot-pop3d)"
    exit 0
fi

# dove_stop DIR - stop the Dovecot started in DIR and wait until it is gone
dove_stop() {
    [ -f "$1/run/master.pid" ] || return 0
    _pid=$(cat "$1/run/master.pid")
    kill "$_pid" 2>/dev/null || return 0
    wait_gone 10 "$_pid"
}

# dove NAME N CHAIN KEY - a private Dovecot as nobody, four listeners on
# ports N to N+3 of pt (IMAP, IMAPS, POP3, POP3S), in Dovecot 2.3's or 2.4's syntax
dove() {
    _dd=$D/dovecot-$1
    mkdir -p "$_dd"
    cp "$3" "$_dd/chain.pem"
    cp "$4" "$_dd/key.pem"
    {
        dove_header
        cat <<DC
base_dir = $_dd/run
state_dir = $_dd/state
log_path = $_dd/dovecot.log
protocols = imap pop3
listen = 127.0.0.1
default_internal_user = nobody
default_internal_group = nogroup
default_login_user = nobody
ssl = yes
auth_mechanisms = plain
service imap-login {
  chroot =
  inet_listener imap {
    port = $(pt $2)
  }
  inet_listener imaps {
    port = $(pt $(($2 + 1)))
    ssl = yes
  }
}
service pop3-login {
  chroot =
  inet_listener pop3 {
    port = $(pt $(($2 + 2)))
  }
  inet_listener pop3s {
    port = $(pt $(($2 + 3)))
    ssl = yes
  }
}
service anvil {
  chroot =
}
DC
        if dove_24; then
            cat <<DC
ssl_server_cert_file = $_dd/chain.pem
ssl_server_key_file = $_dd/key.pem
passdb static {
  password = unused
}
userdb static {
  fields {
    uid = nobody
    gid = nogroup
    home = $_dd/home
  }
}
mail_driver = maildir
mail_path = ~/mail
DC
        else
            cat <<DC
ssl_cert = <$_dd/chain.pem
ssl_key = <$_dd/key.pem
passdb {
  driver = static
  args = password=unused
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=$_dd/home
}
mail_location = maildir:$_dd/mail
service imap-urlauth-login {
  chroot =
}
DC
        fi
    } >"$_dd/dovecot.conf"
    chown -R nobody:nogroup "$_dd"
    cleanup_add "dove_stop '$_dd'"
    if ! (cd "$_dd" && as_nobody dovecot -c "$_dd/dovecot.conf") >"$T/dove-$1.start" 2>&1; then
        fail "start Dovecot ($1)" "$(cat "$T/dove-$1.start")"
        return 1
    fi
    for _i in 0 1 2 3; do
        wait_port "$(pt $(($2 + _i)))" || fail "Dovecot ($1) listens on $(pt $(($2 + _i)))" "not listening"
    done
}

dove clean 10 "$P/fullchain.pem" "$P/leaf.key"
dove broken 20 "$P/le-fullchain.pem" "$P/le.key"
dove nosan 30 "$P/nosan-chain.pem" "$P/nosan.key"

live dv-imap $(pt 10) --starttls imap
exit_is "Dovecot IMAP STARTTLS, the clean chain: exit 0" dv-imap 0
has "Dovecot IMAP STARTTLS: protocol reported" dv-imap "127.0.0.1:$(pt 10): TLSv1.3"
check "Dovecot IMAP STARTTLS: openssl s_client -starttls imap agrees" \
    sclient x $(pt 10) -starttls imap -CAfile "$P/root.pem" -verify_return_error
live dv-imaps $(pt 11) --starttls none
exit_is "Dovecot IMAPS, the clean chain: exit 0" dv-imaps 0
live dv-pop3 $(pt 12) --starttls pop3
exit_is "Dovecot POP3 STARTTLS, the clean chain: exit 0" dv-pop3 0
check "Dovecot POP3 STARTTLS: openssl s_client -starttls pop3 agrees" \
    sclient x $(pt 12) -starttls pop3 -CAfile "$P/root.pem" -verify_return_error
live dv-pop3s $(pt 13)
exit_is "Dovecot POP3S, the clean chain: exit 0" dv-pop3s 0

live dv-broken $(pt 21) --trust "$P/both-roots.pem"
has "Dovecot IMAPS with the 2021 chain: expired-issuer" dv-broken "error expired-issuer depth=2:"
has "Dovecot IMAPS with the 2021 chain: client-legacy-chain" dv-broken "error client-legacy-chain: "
cli_fails "Dovecot IMAPS with the 2021 chain: openssl s_client with the old root fails" "certificate has expired" \
    sclient x $(pt 21) -CAfile "$P/oldroot.pem" -verify_return_error
live dv-broken-pop3 $(pt 22) --starttls pop3 --trust "$P/both-roots.pem"
has "Dovecot POP3 STARTTLS with the 2021 chain: expired-issuer" dv-broken-pop3 "error expired-issuer depth=2:"

live dv-nosan $(pt 31)
has "Dovecot IMAPS without subjectAltName: no-san" dv-nosan "error no-san depth=0:"
has "Dovecot IMAPS without subjectAltName: client-apple-mail" dv-nosan "error client-apple-mail: Apple Mail (TLS 1.2 and 1.3, ECDHE with ECDSA or RSA, AES-GCM or AES-CBC, P-256 or P-384, the chain verified) cannot connect: certificate verify failed: hostname mismatch"
run_capture "$T/dv-nosan-ip.out" "$CERTPOLICY" lint --trust "$P/root.pem" --connect "127.0.0.1:$(pt 31)"
has "Dovecot IMAPS without subjectAltName, by address: client-apple-mail" dv-nosan-ip "error client-apple-mail: Apple Mail (TLS 1.2 and 1.3, ECDHE with ECDSA or RSA, AES-GCM or AES-CBC, P-256 or P-384, the chain verified) cannot connect: certificate verify failed: IP address mismatch"
sclient x $(pt 31) -CAfile "$P/root.pem"
check_eq "Dovecot IMAPS without subjectAltName: the certificate openssl s_client gets has none" 0 \
    "$(openssl x509 -in "$T/cli.out" -noout -text | grep -c 'Subject Alternative Name')"

# The renewal hook checks the files, then every service port
HOOK=$SRCDIR/contrib/certbot/certpolicy-lint-hook
mkdir -p "$D/live/mail.example.test"
cp "$P/fullchain.pem" "$D/live/mail.example.test/fullchain.pem"
cp "$P/leaf.key" "$D/live/mail.example.test/privkey.pem"
CERTPOLICY=$CERTPOLICY LINT_OPTIONS="--trust $P/root.pem" LINT_CIPHERS=ALL \
    LINT_PORTS="127.0.0.1:$(pt 2) 127.0.0.1:$(pt 11) 127.0.0.1:$(pt 13)" \
    RENEWED_LINEAGE=$D/live/mail.example.test run_capture "$T/hook.out" sh "$HOOK"
exit_is "renewal hook: the files and three service ports, clean: exit 0" hook 0
check_eq "renewal hook: each port checked" 3 "$(grep -c '^127.0.0.1:[0-9]*: 0 errors' "$T/hook.out")"
CERTPOLICY=$CERTPOLICY LINT_OPTIONS="--trust $P/root.pem" LINT_CIPHERS=ALL \
    LINT_PORTS="127.0.0.1:$(pt 2) 127.0.0.1:$(pt 31)" \
    RENEWED_LINEAGE=$D/live/mail.example.test run_capture "$T/hook2.out" sh "$HOOK"
has "renewal hook: a service still serving a bad certificate" hook2 "error no-san depth=0:"
exit_is "renewal hook: exit 1" hook2 1
