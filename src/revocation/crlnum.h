/*
 * crlnum - cRLNumbers never go backwards, per CA key and CRL scope
 *
 * RFC 5280 5.2.3: a CRL issuer numbers its CRLs of one scope in one
 * increasing sequence (complete and delta CRLs share it). A CRL whose
 * number is lower than one seen by an earlier refresh for the same CA key
 * and scope (its Issuing Distribution Point) is an old CRL served again:
 * refused. Within one refresh the CRLs at hand are not judged against
 * each other here (the newest complete one for a certificate decides, in
 * crlcheck), so that no verdict depends on the order in which the
 * sources were fetched; the highest number of the refresh is kept for
 * the next one. Complete and delta CRLs are tracked apart (a base CRL
 * keeps its number while deltas move on). The numbers are kept in
 * status.cdb under
 * CRLNUM_KEY, one line per key and scope:
 *     KEYID SCOPE COMPLETE DELTA        (hex, hex, decimal or "-", decimal or "-")
 * at most CRLNUM_MAX lines. crlnum_check() may be called from several
 * threads; crlnum_load() and crlnum_value() only before and after them.
 * Nothing here prints.
 */
#ifndef CERTPOLICY_CRLNUM_H
#define CERTPOLICY_CRLNUM_H

#include <stddef.h>

#include <openssl/asn1.h>

#define CRLNUM_KEY	"certpolicy:crl-numbers"
#define CRLNUM_MAX	1024			/* CA keys x scopes remembered */
#define CRLNUM_KEYID	16			/* bytes of the key's SHA-256 */
#define CRLNUM_SCOPE	8

struct crlnum;

struct crlnum *crlnum_new(void);
void    crlnum_free(struct crlnum *cn);

/* crlnum_load - the lines of a CRLNUM_KEY value (malformed lines are dropped); 0 or -1 */
int     crlnum_load(struct crlnum *cn, const char *value);

/*
 * crlnum_check - a CRL numbered number (NULL: none) signed by keyid for
 * scope, complete or delta: 0 accepted (and remembered for the next
 * refresh), -1 refused with the reason in why (lower than a number
 * crlnum_load() gave, or no room left to remember it).
 */
int     crlnum_check(struct crlnum *cn, const unsigned char *keyid, const unsigned char *scope,
		             int delta, const ASN1_INTEGER *number, char *why, size_t why_len);

/* crlnum_value - every line, as new memory for status.cdb ("" when none) */
char   *crlnum_value(const struct crlnum *cn);

#endif
