/*
 * list - "certpolicy list": one row per client
 *
 * Columns: name, state (active, expired, not-yet-valid, revoked), the
 * fingerprint in fingerprint_digest, notAfter and days left, taken from
 * the client's certificate that expires last (a client known only by a
 * fingerprint shows "-"). With expiring >= 0 only active, expired or not
 * yet valid clients whose certificate ends within that many days are
 * shown.
 */
#ifndef CERTPOLICY_LIST_H
#define CERTPOLICY_LIST_H

#include <time.h>

#include "source/clientset.h"

struct cdbfile;

/*
 * list_print - print the rows; returns how many were printed. With a
 * status database (revocation checking on), a REVOCATION column shows each
 * newest certificate's status, its source and how long it stays fresh.
 */
size_t  list_print(const struct clientset *set, struct cdbfile *status, time_t now,
		           long long expiring, int json);

#endif
