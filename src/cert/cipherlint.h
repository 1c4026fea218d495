/*
 * cipherlint - can a server with this key agree on a cipher at all?
 *
 * In TLS 1.2 (RFC 5246, 7.4.2; RFC 8422, 5.3) the cipher suite names how
 * the server authenticates: ECDHE-RSA-* suites need an RSA certificate,
 * ECDHE-ECDSA-* an ECDSA (or EdDSA) one. A renewal that switches the key
 * type while the server's cipher list (Postfix's tls_*_cipherlist with
 * smtpd_tls_exclude_ciphers, Dovecot's ssl_cipher_list) names only suites
 * of the other type leaves TLS 1.2 clients with "no shared cipher". TLS
 * 1.3 suites do not depend on the key, and are not counted.
 */
#ifndef CERTPOLICY_CIPHERLINT_H
#define CERTPOLICY_CIPHERLINT_H

#include <stddef.h>

#include "cert/lintreport.h"

struct x509_st;

/*
 * cipherlint_check - the no-shared-cipher finding (at depth) when the
 * OpenSSL cipher list allows no TLS 1.2 suite that leaf's key can
 * authenticate; source names where the list came from in the message.
 * Returns 0, or -1 with why when OpenSSL makes nothing of the list.
 */
int     cipherlint_check(struct x509_st *leaf, int depth, const char *list, const char *source,
			         struct lint_report *report, char *why, size_t why_len);

#endif
