# The layout shows the trust boundary: certpolicyd is built from
# src/util, src/policy and src/daemon alone, and none of them uses
# OpenSSL, so the program that answers Postfix parses no certificate and
# links no crypto library. Everything that does (src/cert, src/revocation,
# src/source, src/tls, src/tool) belongs to the certpolicy command.
. "$SRCDIR/tests/lib.sh"

D=$BUILDDIR/src/certpolicyd
check_eq "certpolicyd links no OpenSSL library" "" \
    "$(ldd "$D" 2>/dev/null | grep -E 'lib(crypto|ssl)\.so')"
check_eq "certpolicyd calls no OpenSSL function" "" \
    "$(nm -u "$D" 2>/dev/null | grep -E ' (OSSL|OPENSSL|SSL|EVP|X509|ASN1|BIO|ERR|PEM|OCSP)_' | head -5)"
check "certpolicy (the command) does link OpenSSL" sh -c "ldd '$BUILDDIR/src/certpolicy' | grep -q libcrypto"
check_eq "no OpenSSL header in src/util, src/policy or src/daemon" "" \
    "$(cd "$SRCDIR/src" && grep -l '#include <openssl/' util/* policy/* daemon/* 2>/dev/null)"
# A folder includes only from itself and the folders below it.
layer_ok() {
    folder=$1
    shift
    cd "$SRCDIR/src" || return 1
    bad=$(grep -ho '#include "[a-z]*/' "$folder"/*.[ch] | sed 's/#include "//; s|/||' | sort -u \
        | grep -v -x -e "$folder" $(for l in "$@"; do printf ' -e %s' "$l"; done))
    [ -z "$bad" ] || { echo "$folder includes from: $bad"; return 1; }
}
check "src/util includes from no other folder" layer_ok util
check "src/policy includes only from util" layer_ok policy util
check "src/daemon includes only from policy and util" layer_ok daemon policy util
check "src/cert includes only from policy and util" layer_ok cert policy util
check "src/source includes only from cert, policy and util" layer_ok source cert policy util
check "src/revocation includes only from source, cert, policy and util" layer_ok revocation source cert policy util
check "src/tls includes only from source, cert, policy and util" layer_ok tls source cert policy util
check_eq "no C file directly in src/" "" "$(ls "$SRCDIR"/src/*.c "$SRCDIR"/src/*.h 2>/dev/null)"
# Nothing built is committed: no ELF file and no object file among the
# repository's files.
if git -C "$SRCDIR" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    check_eq "no built file in the repository" "" \
        "$(cd "$SRCDIR" && git ls-files -z | xargs -0 -r sh -c \
            'for f; do [ -f "$f" ] && head -c 4 "$f" | grep -q "ELF" && echo "$f"; done; exit 0' sh \
            | head -5; git ls-files '*.o' '*.a' '*.so' | head -5)"
else
    skip "no built file in the repository" "the source is not a git checkout"
fi
