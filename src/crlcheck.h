/*
 * crlcheck - certificate status from CRLs, each fetched and verified once
 *
 * A crlcheck caches every CRL source it was asked about during one
 * refresh: fetched (fetch_source), parsed (PEM or DER), its signature
 * verified with the key of the CA in client_ca_file whose name is the
 * CRL's issuer, its thisUpdate not in the future and its nextUpdate not
 * past (both with clock_skew). A source that fails is remembered as failed,
 * with the reason. crlcheck_status() then looks one certificate up: the
 * CRL's issuer must be the certificate's.
 */
#ifndef CERTPOLICY_CRLCHECK_H
#define CERTPOLICY_CRLCHECK_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "statusrec.h"

struct crlcheck;

/* crlcheck_new - for CAs (not owned), limits, now */
struct crlcheck *crlcheck_new(STACK_OF(X509) *cas, size_t max_size, int timeout,
			              long long skew, time_t now);
void    crlcheck_free(struct crlcheck *cc);

/*
 * crlcheck_status - the status of cert by the CRL at source: 1 answered
 * (*st filled), 0 this CRL is not the issuer's (try another), -1 failed
 * (why says why).
 */
int     crlcheck_status(struct crlcheck *cc, const char *source, X509 *cert,
			        struct statusrec *st, char *why, size_t why_len);

/* crlcheck_fetches - how many CRLs were fetched and parsed */
size_t  crlcheck_fetches(const struct crlcheck *cc);

#endif
