/*
 * chainlint - the order, completeness and trust of a served chain
 *
 * A TLS server sends its certificate first, then each certificate that
 * certifies the one before it (RFC 5246, 7.4.2; RFC 8446, 4.4.2 allows
 * other orders but clients that build the chain as sent do not). This
 * module finds the leaf (the certificate that issued none of the others),
 * walks from it to its issuers in the file, and judges what it finds:
 * chain-order, chain-unrelated, root-included, chain-incomplete (an issuer
 * neither in the file nor a trusted root), untrusted-root, chain-invalid
 * (any other reason OpenSSL gives), expired-issuer (a certificate signed
 * by a root that has expired: the cross-signed ISRG Root X1 under DST Root
 * CA X3, 2021-09-30). Trust is OpenSSL's path building (RFC 5280, 6.1)
 * without the time check: dates are certlint's findings.
 */
#ifndef CERTPOLICY_CHAINLINT_H
#define CERTPOLICY_CHAINLINT_H

#include <stddef.h>

#include "cert/certlint.h"

struct chainlint_result {
    int     leaf;			/* the leaf's position in the file */
    int     public;			/* it chains to a system trust root */
};

/*
 * chainlint_leaf - the position of the leaf in chain: the first
 * certificate that issued none of the others, an end-entity one before a
 * CA; 0 when every one issued another
 */
int     chainlint_leaf(struct stack_st_X509 *chain);

/*
 * chainlint_legacy - in->chain verified as OpenSSL 1.0.x verified it:
 * the certificates as sent, from the leaf up, and only then a trust root
 * (in->trust) that issued the last of them; no alternative chain, dates
 * checked at in->now. Returns 0, or -1 with OpenSSL's reason in why.
 */
int     chainlint_legacy(const struct certlint_input *in, char *why, size_t why_len);

/* chainlint_run - the chain checks of in; findings into report */
void    chainlint_run(const struct certlint_input *in, struct lint_report *report,
		              struct chainlint_result *result);

#endif
