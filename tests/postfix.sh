# postfix.sh - a private Postfix on 127.0.0.1, wired to certpolicyd by spawn(8)
#
# Used by the end-to-end tests and by "quickstart demo", after tests/lib.sh
# (wait_socket, free_port, on_exit). Needs root (Postfix
# starts as root and spawn runs certpolicyd as nobody). Everything lives in
# one directory under /tmp that the postfix and nobody users can reach:
#   $PF/etc       main.cf, master.cf
#   $PF/spool     the queue          $PF/data   Postfix's data directory
#   $PF/db        certpolicy.cdb     $PF/bin    certpolicyd
#   $PF/maillog   Postfix's log      $PF/certpolicyd.log
# Accepted mail goes to the discard transport: nothing leaves the machine.
#
# pf_setup CERTPOLICYD PKI [PORT] make the instance (sets PF, and PF_PORT:
#                                 PORT, or one from free_port); pf_stop is
#                                 pushed on the on_exit stack
# pf_start / pf_stop              start it (returns once smtpd's port
#                                 listens) and stop it (returns once its
#                                 every process has ended)
# pf_reload                       postfix reload; returns once the master
#                                 has logged that it reloaded
# pf_halt CONFIG_DIR              stop any private Postfix that way
# pf_instance DIR NAME            one more instance's directories and the
#                                 main.cf and master.cf lines all share
# pf_send NAME [CERT KEY]         one message through it with swaks, as a
#                                 client with that certificate (or none);
#                                 its transcript in $PF/swaks.NAME

pf_setup() {
    PF=$(mktemp -d /tmp/certpolicy-postfix.XXXXXX)
    chmod 0755 "$PF"
    on_exit pf_stop
    if [ -n "${3:-}" ]; then
        PF_PORT=$3
    else
        free_port PF_PORT || return 1
    fi
    PF_PKI=$2
    mkdir -p "$PF/etc" "$PF/db" "$PF/bin" "$PF/data" "$PF/spool"
    chown postfix "$PF/data"
    cp "$1" "$PF/bin/certpolicyd"
    : >"$PF/certpolicyd.log"
    chown nobody "$PF/certpolicyd.log"
    cp "$PF_PKI/localhost.pem" "$PF_PKI/localhost.key" "$PF_PKI/ca.pem" "$PF/etc/"
    chmod 0600 "$PF/etc/localhost.key"
    cat >"$PF/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $PF/spool
data_directory = $PF/data
maillog_file = $PF/maillog
maillog_file_prefixes = $PF
mail_owner = postfix
setgid_group = postdrop
myhostname = mx.certpolicy.test
mydomain = certpolicy.test
myorigin = \$mydomain
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 192.0.2.0/24
relay_domains =
default_transport = discard:
relay_transport = discard:
alias_maps =
alias_database =
local_recipient_maps =
smtpd_banner = \$myhostname ESMTP
smtpd_tls_security_level = may
smtpd_tls_cert_file = $PF/etc/localhost.pem
smtpd_tls_key_file = $PF/etc/localhost.key
smtpd_tls_CAfile = $PF/etc/ca.pem
smtpd_tls_ask_ccert = yes
smtpd_tls_fingerprint_digest = sha256
smtpd_relay_restrictions =
    permit_mynetworks
    permit_auth_destination
    check_policy_service unix:private/certpolicy
    reject_unauth_destination
smtpd_policy_service_default_action = DEFER 4.3.5 Policy service unavailable
certpolicy_time_limit = 3600s
CF
    {
        echo "127.0.0.1:$PF_PORT inet n - n - - smtpd"
        pf_services
        cat <<CF
certpolicy unix -       n       n       -       0       spawn
  user=nobody argv=$PF/bin/certpolicyd -d $PF/db/certpolicy.cdb -L $PF/certpolicyd.log
CF
    } >"$PF/etc/master.cf"
}

# pf_services - the master.cf lines of the services every private
# instance runs (the smtpd listeners and the extras are each caller's)
pf_services() {
    cat <<'CF'
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
tlsproxy  unix  -       -       n       -       0       tlsproxy
CF
}

# pf_instance DIR NAME - the directories, a main.cf and a master.cf of
# one more private Postfix in DIR, named NAME.certpolicy.test, with only
# what every instance has; the caller appends its own lines (listeners,
# TLS, transports) and starts it with postfix -c DIR/etc start
pf_instance() {
    mkdir -p "$1/etc" "$1/data" "$1/spool"
    chown postfix "$1/data"
    cat >"$1/etc/main.cf" <<CF
compatibility_level = 3.6
queue_directory = $1/spool
data_directory = $1/data
maillog_file = $1/maillog
maillog_file_prefixes = $(dirname "$1")
mail_owner = postfix
setgid_group = postdrop
myhostname = $2.certpolicy.test
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mydestination =
mynetworks = 127.0.0.0/8
alias_maps =
alias_database =
local_recipient_maps =
smtpd_banner = \$myhostname ESMTP
CF
    pf_services >"$1/etc/master.cf"
}

pf_start() {
    postfix -c "$PF/etc" start >"$PF/start.log" 2>&1 || { cat "$PF/start.log" "$PF/maillog" 2>/dev/null; return 1; }
    wait_socket "inet:127.0.0.1:$PF_PORT" 30
}

pf_reload() {
    _pr_n=$(grep -c ': reload -- ' "$PF/maillog" 2>/dev/null)
    postfix -c "$PF/etc" reload >/dev/null 2>&1
    wait_for "[ \$(grep -c ': reload -- ' '$PF/maillog') -gt ${_pr_n:-0} ]" 30 "Postfix to reload"
}

pf_stop() {
    [ -d "${PF:-}" ] || return 0
    pf_halt "$PF/etc"
    rm -rf "$PF"
}

pf_halt() {
    _ph_pid=$(sed 1q "$(postconf -c "$1" -h queue_directory)/pid/master.pid" 2>/dev/null | tr -d ' ')
    postfix -c "$1" stop >/dev/null 2>&1
    # The master calls setsid(): its id is that of every process of the
    # instance (spawn's certpolicyd too), and some outlive it by a moment.
    [ -z "$_ph_pid" ] || wait_for "! pgrep -s $_ph_pid >/dev/null" 30 "the processes of the Postfix of $1 to end"
}

pf_send() {
    name=$1
    cert=${2:-}
    key=${3:-}
    set -- --server "127.0.0.1:$PF_PORT" --from "$name@client.example" \
        --to "someone@remote.example" --tls --ehlo client.example \
        --header "Subject: certpolicy test for $name" --timeout 20
    if [ -n "$cert" ]; then
        set -- "$@" --tls-cert "$cert" --tls-key "$key"
    fi
    swaks "$@" >"$PF/swaks.$name" 2>&1
}
