/*
 * crlinfo - what one CRL says about its own scope, read once
 *
 * crlinfo_read() parses a fetched source (PEM with one or more CRLs, or
 * one DER CRL) into crlinfo records: the CRL, its cRLNumber, whether it
 * is a delta CRL (deltaCRLIndicator, RFC 5280 5.2.4) and of which base,
 * its Issuing Distribution Point (5.2.5), its times. A CRL that refresh
 * cannot use whatever the certificate is refused at once, with the reason
 * in the record: a critical CRL extension other than those implemented
 * (5.2: "MUST reject the CRL"; as OpenSSL's crl_cb in crypto/x509/x_crl.c:
 * issuingDistributionPoint, deltaCRLIndicator, authorityKeyIdentifier),
 * a critical entry extension (5.3), an IDP with onlyContainsAttributeCerts,
 * onlySomeReasons or indirectCRL, a relative distribution point name.
 * crlinfo_covers() then says whether the CRL is the complete list for one
 * certificate (RFC 5280 6.3.3 (b); OpenSSL crl_crldp_check in
 * crypto/x509/x509_vfy.c). Nothing here prints; reasons go to why.
 */
#ifndef CERTPOLICY_CRLINFO_H
#define CERTPOLICY_CRLINFO_H

#include <stddef.h>

#include <openssl/x509v3.h>

struct crlinfo {
    X509_CRL *crl;			/* owned */
    ASN1_INTEGER *number;		/* cRLNumber, or NULL when absent */
    ASN1_INTEGER *base;			/* deltaCRLIndicator's base, or NULL: complete */
    ISSUING_DIST_POINT *idp;		/* or NULL */
    unsigned char scope[8];		/* a digest of the IDP's encoding; zeros without */
    long long this_update;		/* seconds; -1 if unreadable */
    long long next_update;		/* seconds; -1 if absent */
    int     ca;				/* index of the CA key that signed it, or -1 */
    char    why[256];			/* non-empty: refused for every certificate */
};

/*
 * crlinfo_read - every CRL in data[len] (PEM: each block; else one DER
 * CRL), at most max of them. Returns a new array and sets *count, or NULL
 * with the reason in why[why_len] when there is no CRL at all, more
 * than max, or a PEM block that is cut short or malformed after whole
 * ones (a partial copy: refused whole, never read as a shorter list).
 */
struct crlinfo *crlinfo_read(const unsigned char *data, size_t len, size_t max,
			             size_t *count, char *why, size_t why_len);

/* crlinfo_free - release an array from crlinfo_read */
void    crlinfo_free(struct crlinfo *info, size_t count);

/*
 * crlinfo_covers - 1 when the CRL is the complete list for cert (is_ca:
 * cert is a CA certificate), 0 with the reason in why when its Issuing
 * Distribution Point leaves cert out.
 */
int     crlinfo_covers(const struct crlinfo *info, X509 *cert, int is_ca,
		               char *why, size_t why_len);


#endif
