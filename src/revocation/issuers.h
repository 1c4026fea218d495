/*
 * issuers - client_ca_file, and which of its keys issued what
 *
 * Every certificate in client_ca_file is a trust anchor for refresh,
 * intermediates included (X509_V_FLAG_PARTIAL_CHAIN: a file may hold only
 * the issuing intermediates, for OCSP as for CRLs). Issuers are keys, not
 * names: two CAs may share a name (a key rollover). The issuer of a
 * certificate or a CRL is the CA whose subject is its issuer name and whose
 * key verifies its signature (RFC 5280 6.1.3 (a)(1) and 6.3.3 (f)).
 * Nothing here prints; loading failures come back in why.
 */
#ifndef CERTPOLICY_ISSUERS_H
#define CERTPOLICY_ISSUERS_H

#include <stddef.h>

#include <openssl/x509.h>

#include "revocation/crlnum.h"

struct issuers {
    STACK_OF(X509) *cas;		/* every certificate of the file */
    X509_STORE *store;			/* the same, with X509_V_FLAG_PARTIAL_CHAIN */
    unsigned char (*keyid)[CRLNUM_KEYID];	/* per CA: its key's SHA-256, cut */
};

/* issuers_load - read path (PEM); 0, or -1 with the reason in why */
int     issuers_load(struct issuers *iss, const char *path, char *why, size_t why_len);
void    issuers_free(struct issuers *iss);

/* issuers_of_cert - the index of the CA whose key signed cert, or -1 */
int     issuers_of_cert(const struct issuers *iss, X509 *cert);

/*
 * issuers_of_crl - the index of the CA whose key signed crl, or -1 with
 * why: no CA of that name, or none whose key verifies the signature
 */
int     issuers_of_crl(const struct issuers *iss, X509_CRL *crl, char *why, size_t why_len);

#endif
