/*
 * cert - what certpolicy needs to know about one certificate
 *
 * Loads a certificate from a file (PEM, DER, PKCS#7 or PKCS#12; a chain
 * stands for its end-entity certificate: see certfile.h) and extracts the
 * Postfix-format fingerprints of the certificate (digest of its DER form)
 * and of its public key (digest of the DER SubjectPublicKeyInfo), for
 * every digest; its serial number, issuer, validity and the CRL and OCSP
 * URLs it names. Only the command-line tool uses this module: the policy
 * server never parses a certificate.
 */
#ifndef CERTPOLICY_CERT_H
#define CERTPOLICY_CERT_H

#include <stddef.h>
#include <time.h>

#include "policy/fprint.h"

struct x509_st;

struct cert {
    struct x509_st *x509;		/* the certificate itself (OpenSSL's X509); NULL
					 * when the facts came from certcache */
    struct fprint cert_fp[FPRINT_DIGEST_COUNT];
    struct fprint pubkey_fp[FPRINT_DIGEST_COUNT];
    char   *serial;			/* uppercase hex */
    char   *issuer;			/* RFC 2253 */
    char   *subject;			/* RFC 2253 */
    time_t  not_before;
    time_t  not_after;
    char  **crl_urls;			/* NULL-terminated */
    char  **ocsp_urls;			/* NULL-terminated */
    int     is_ca;			/* a CA: certfile_is_ca() */
    const char *ca_kind;		/* what makes it one, or NULL */
};

/*
 * cert_load - read the certificate that path stands for (certfile.h: the
 * end-entity certificate of a chain). A PKCS#12 file is tried with the
 * password (NULL: empty password). Files over max_size bytes, or with
 * more than max_chain certificates, are refused.
 * Returns a new cert, or NULL with a reason in why[why_len] (OpenSSL's
 * error queue included and drained). A CA certificate is returned with
 * is_ca set: refusing it as a client is the caller's business.
 */
struct cert *cert_load(const char *path, size_t max_size, int max_chain,
		               const char *password, char *why, size_t why_len);

/*
 * cert_parse - cert_load() for a file's content already in memory
 * (data[len], len bytes): the same certificate, facts and reasons
 */
struct cert *cert_parse(const unsigned char *data, size_t len, int max_chain,
			        const char *password, char *why, size_t why_len);

/*
 * cert_free - release a cert from cert_load(), cert_parse() or certcache
 * (whose certificates have facts only: x509 is NULL)
 */
void    cert_free(struct cert *cert);

#endif
