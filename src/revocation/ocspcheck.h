/*
 * ocspcheck - certificate status from an OCSP responder
 *
 * One request per certificate: built with OCSP_cert_to_id() against its
 * issuer from client_ca_file (the CA whose key verifies the certificate's
 * signature, issuers.h), with a nonce when asked; sent with fetch_post()
 * (deadline and size cap). Issuers are keys, not names (DESIGN "What a
 * status may become"): the response counts only when it is signed by that
 * key, or by a responder that key certified (RFC 6960 4.2.2.2: issued by
 * it, id-kp-OCSPSigning, valid now), found in the response or in
 * client_ca_file. The signer is chosen by key: every certificate that the
 * ResponderID names (by name or by the SHA-1 of its key, RFC 6960 4.2.1)
 * is tried, so that two CAs of the same name (a key rollover) do not hide
 * each other; OpenSSL's own signer search stops at the first name. The
 * CertID names the issuer by the hash of its key, so the answer is one for
 * that key only (RFC 6960 4.1.1). The response is checked for the nonce (a
 * different nonce is an error; a missing one is accepted with a warning)
 * and for its times (OCSP_check_validity with clock_skew). A response
 * without nextUpdate is taken as fresh for an hour. Nothing here prints:
 * every refusal comes back in why, with OpenSSL's reason.
 */
#ifndef CERTPOLICY_OCSPCHECK_H
#define CERTPOLICY_OCSPCHECK_H

#include <stddef.h>

#include <openssl/x509.h>

#include "policy/statusrec.h"

#define OCSPCHECK_DEFAULT_LIFETIME 3600	/* seconds, without nextUpdate */

struct ocspcheck_opts {
    STACK_OF(X509) *cas;		/* client_ca_file: delegated responders too */
    X509_STORE *store;			/* the same (issuers.h) */
    int     nonce;			/* send a nonce, check it */
    size_t  max_size;			/* bytes, the response's cap */
    int     timeout;			/* seconds, each exchange's deadline */
    long long skew;			/* seconds, clock_skew */
    long long now;			/* seconds since 1970: a responder's validity */
};

/*
 * ocspcheck_status - ask url about cert, whose signature issuer's key
 * verifies: 0 answered (*st filled, possibly "unknown"; times in seconds
 * since 1970), -1 failed (why: the fetch, the response status, the
 * signer, the nonce, the CertID or the times). *nonce_missing is set when
 * the responder left out the nonce we sent.
 */
int     ocspcheck_status(const struct ocspcheck_opts *o, const char *url, X509 *cert,
			         X509 *issuer, struct statusrec *st, int *nonce_missing,
			         char *why, size_t why_len);

#endif
