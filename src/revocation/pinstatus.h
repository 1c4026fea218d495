/*
 * pinstatus - the status of each pinned public key, for status.cdb
 *
 * A pubkey_fingerprint= pin trusts a key, whatever certificate carries
 * it. With revocation checking on, the key's status is that of the
 * enrolled certificates with that key (cert= of any client): revoked as
 * soon as any of them is revoked, in the source file (revoked=) or by its
 * CA (CRL or OCSP, as recorded by this refresh); otherwise the freshest
 * good status among them; otherwise unknown; no record when no enrolled
 * certificate carries the key (then certpolicyd's answer for the pin is
 * "unavailable"). Nothing here prints.
 */
#ifndef CERTPOLICY_PINSTATUS_H
#define CERTPOLICY_PINSTATUS_H

#include <stddef.h>

#include "source/clientset.h"
#include "policy/statusrec.h"

/*
 * pinstatus_each - for every pin of set, its status (from st[i], valid
 * where have[i], one per entry of set), handed to put(ctx, pin fp, status).
 */
void    pinstatus_each(const struct clientset *set, const struct statusrec *st,
		               const int *have,
		               void (*put) (void *ctx, const struct fprint *pin,
					            const struct statusrec *status),
		               void *ctx);

#endif
