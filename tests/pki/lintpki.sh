# lintpki.sh - certificates for the lint tests, made with the openssl CLI
#
# Sourced by tests/t/46-lint.sh and tests/t/72-lint-live.sh.
#   lint_pki DIR     sets P=DIR, makes the CA files there and the clean
#                    chain: root.pem, inter.pem, leaf.pem (+ .key),
#                    fullchain.pem (leaf, intermediate), other.pem (an
#                    unrelated root)
#   lint_dst         the 2021 pattern: oldroot (expired 2021-09-30),
#                    newroot, cross (newroot's key, signed by oldroot), r3
#                    (under newroot), le (the leaf); le-fullchain.pem (le,
#                    r3, cross), le-untrusted.pem (r3, cross),
#                    both-roots.pem
#   mkcert ...       one more certificate (below)
# and the checks both groups make on lint's output (lint_run, has, hasnt,
# exit_is, cli_fails); dove_24 and dove_header for Dovecot configurations.
# Dates are relative to now except where a scenario needs fixed ones.

# lint_pki DIR - the CA files and the clean chain in DIR
lint_pki() {
    P=$1
    rm -rf "$P"
    mkdir -p "$P/newcerts"
    : >"$P/index.txt"
    echo 1000 >"$P/serial"
    cat >"$P/ca.cnf" <<CNF
[ ca ]
default_ca = CA_default
[ CA_default ]
dir = $P
database = \$dir/index.txt
new_certs_dir = \$dir/newcerts
serial = \$dir/serial
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no
[ policy_any ]
commonName = supplied
[ req ]
distinguished_name = dn
[ dn ]
[ root_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ ca_ext ]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ server_ext ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = DNS:mail.example.test, IP:127.0.0.1
[ nosan_ext ]
basicConstraints = CA:FALSE
keyUsage = digitalSignature, keyEncipherment
extendedKeyUsage = serverAuth
[ client_ext ]
basicConstraints = CA:FALSE
extendedKeyUsage = clientAuth
subjectAltName = DNS:mail.example.test
[ noeku_ext ]
basicConstraints = CA:FALSE
subjectAltName = DNS:mail.example.test
[ notca_ext ]
basicConstraints = critical,CA:FALSE
subjectKeyIdentifier = hash
CNF
    mkcert root "Lint Root" self "now - 1 year" "now + 10 years" root_ext
    mkcert inter "Lint Intermediate" root "now - 1 year" "now + 5 years" ca_ext
    mkcert leaf mail.example.test inter "now - 1 day" "now + 90 days" server_ext
    mkcert other "Other Root" self "now - 1 year" "now + 10 years" root_ext
    cat "$P/leaf.pem" "$P/inter.pem" >"$P/fullchain.pem"
}

stamp() { date -u -d "$1" +%Y%m%d%H%M%SZ; }

# mkcert NAME CN ISSUER START END EXT [KEY [MD]] - NAME.pem and NAME.key in
# $P: ISSUER is another NAME or "self"; START and END are dates for
# date -d; KEY rsa:BITS, ec:CURVE or key:NAME (that one's key); MD the digest
mkcert() {
    _n=$1 _cn=$2 _iss=$3 _from=$4 _to=$5 _ext=$6 _key=${7:-rsa:2048} _md=${8:-sha256}
    case $_key in
    rsa:*) openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:${_key#rsa:}" -out "$P/$_n.key" 2>/dev/null ;;
    ec:*) openssl genpkey -algorithm EC -pkeyopt "ec_paramgen_curve:${_key#ec:}" -out "$P/$_n.key" 2>/dev/null ;;
    key:*) cp "$P/${_key#key:}.key" "$P/$_n.key" ;;
    esac
    openssl req -new -key "$P/$_n.key" -subj "/CN=$_cn" -out "$P/$_n.csr" -config "$P/ca.cnf"
    if [ "$_iss" = self ]; then
        set -- -selfsign -keyfile "$P/$_n.key"
    else
        set -- -cert "$P/$_iss.pem" -keyfile "$P/$_iss.key"
    fi
    openssl ca -batch -config "$P/ca.cnf" "$@" -in "$P/$_n.csr" -out "$P/$_n.pem" -notext \
        -startdate "$(stamp "$_from")" -enddate "$(stamp "$_to")" -extensions "$_ext" -md "$_md" \
        >"$P/$_n.log" 2>&1 || { cat "$P/$_n.log"; echo "FAIL $GROUP: mkcert $_n" >>"$RESULTS"; exit 1; }
}

# lint_dst - the DST Root CA X3 pattern of 2021, rebuilt
lint_dst() {
    mkcert oldroot "Old Root X3" self "2000-09-30" "2021-09-30 14:01:15" root_ext
    mkcert newroot "New Root X1" self "2015-06-04" "now + 10 years" root_ext
    mkcert cross "New Root X1" oldroot "2021-01-20" "now + 3 years" ca_ext key:newroot
    mkcert r3 "Lint R3" newroot "2020-09-04" "now + 3 years" ca_ext
    mkcert le mail.example.test r3 "now - 1 day" "now + 89 days" server_ext
    cat "$P/le.pem" "$P/r3.pem" "$P/cross.pem" >"$P/le-fullchain.pem"
    cat "$P/r3.pem" "$P/cross.pem" >"$P/le-untrusted.pem"
    cat "$P/oldroot.pem" "$P/newroot.pem" >"$P/both-roots.pem"
}

# lint_run NAME COMMAND-ARGS... - lint's output in $T/NAME.out, "exit N" last
lint_run() {
    _lr=$1
    shift
    run_capture "$T/$_lr.out" "$CERTPOLICY" lint "$@"
}

# has NAME OUT LINE - OUT has a line that starts with LINE
has() {
    if awk -v s="$3" 'index($0, s) == 1 { f = 1 } END { exit !f }' "$T/$2.out"; then
        ok "$1"
    else
        fail "$1" "no line starting \"$3\" in:
$(cat "$T/$2.out")"
    fi
}

# cli_fails NAME REASON COMMAND... - the openssl CLI fails too, saying REASON
cli_fails() {
    _cf_name=$1 _cf_reason=$2
    shift 2
    if "$@" >"$T/cli.out" 2>&1; then
        fail "$_cf_name" "the CLI succeeded"
    elif grep -q -F -e "$_cf_reason" "$T/cli.out"; then
        ok "$_cf_name"
    else
        fail "$_cf_name" "the CLI failed without \"$_cf_reason\": $(cat "$T/cli.out")"
    fi
}

# hasnt NAME OUT WORD - no finding with this id
hasnt() {
    if grep -q -E "^(error|warning|info) $3( |:)" "$T/$2.out"; then
        fail "$1" "finding $3 in:
$(cat "$T/$2.out")"
    else
        ok "$1"
    fi
}

# exit_is NAME OUT N
exit_is() {
    check_eq "$1" "exit $3" "$(tail -1 "$T/$2.out")"
}

# dove_24 - the installed Dovecot is 2.4 or later (its configuration syntax)
dove_24() {
    case $(dovecot --version 2>/dev/null) in
    2.[0-3].*) return 1 ;;
    *) return 0 ;;
    esac
}

# dove_header - the lines a Dovecot 2.4 configuration must start with
dove_header() {
    if dove_24; then
        printf 'dovecot_config_version = 2.4.0\ndovecot_storage_version = 2.4.0\n'
    fi
}
