/*
 * ocspcheck - certificate status from an OCSP responder
 *
 * One request per certificate: built with OCSP_cert_to_id() against its
 * issuer from client_ca_file, with a nonce when asked; sent with
 * fetch_post() (deadline and size cap); the response verified with
 * OCSP_basic_verify() against client_ca_file (signed by the issuing CA,
 * or by a responder it delegated with id-kp-OCSPSigning; the CertID names
 * the issuer by the hash of its key, so an answer counts only for that
 * key: RFC 6960 4.1.1 and OpenSSL's ocsp_check_issuer() in
 * crypto/ocsp/ocsp_vfy.c). The store is expected to carry
 * X509_V_FLAG_PARTIAL_CHAIN (issuers.h), so an intermediate alone in
 * client_ca_file is a trust anchor. The response is checked for the
 * nonce (a different nonce is an error; a missing one is accepted with a
 * warning) and for its times (OCSP_check_validity with clock_skew). A
 * response without nextUpdate is taken as fresh for an hour.
 */
#ifndef CERTPOLICY_OCSPCHECK_H
#define CERTPOLICY_OCSPCHECK_H

#include <stddef.h>

#include <openssl/x509.h>

#include "statusrec.h"

#define OCSPCHECK_DEFAULT_LIFETIME 3600	/* seconds, without nextUpdate */

struct ocspcheck_opts {
    STACK_OF(X509) *cas;
    X509_STORE *store;
    int     nonce;
    size_t  max_size;
    int     timeout;
    long long skew;
};

/*
 * ocspcheck_status - ask url about cert (issued by issuer): 0 answered
 * (*st filled, possibly "unknown"), -1 failed (why). *nonce_missing is
 * set when the responder left out the nonce we sent.
 */
int     ocspcheck_status(const struct ocspcheck_opts *o, const char *url, X509 *cert,
			         X509 *issuer, struct statusrec *st, int *nonce_missing,
			         char *why, size_t why_len);

#endif
