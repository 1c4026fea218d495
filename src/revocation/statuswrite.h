/*
 * statuswrite - the records of a new status.cdb (statusrec.h), as refresh
 * writes them
 *
 * A thin layer over tinycdb's cdb_make: the format record first, then
 * any number of records; statuswrite_finish() says whether every write
 * succeeded (errno set by the failing call). The file itself (temporary
 * name, fsync, rename) is the caller's. Nothing here prints.
 */
#ifndef CERTPOLICY_STATUSWRITE_H
#define CERTPOLICY_STATUSWRITE_H

#include <stddef.h>

#include <cdb.h>

#include "policy/fprint.h"
#include "policy/statusrec.h"

struct statuswrite {
    struct cdb_make cdbm;
    int     error;			/* a write failed */
};

/* statuswrite_start - on the open descriptor fd, with the format record */
void    statuswrite_start(struct statuswrite *w, int fd);

/* statuswrite_value - a record of text (the cRLNumbers: CRLNUM_KEY) */
void    statuswrite_value(struct statuswrite *w, const char *key, const char *value);

/* statuswrite_cert - "s:" record: a certificate's status (fp of fingerprint_digest) */
void    statuswrite_cert(struct statuswrite *w, const struct fprint *fp,
			         const struct statusrec *st);

/* statuswrite_pin - "p:" record: a pinned key's status; ctx is the statuswrite (pinstatus) */
void    statuswrite_pin(void *ctx, const struct fprint *pin, const struct statusrec *st);

/* statuswrite_ca - "c:" record: a CA certificate's own status (its SHA-256 fp) */
void    statuswrite_ca(struct statuswrite *w, const struct fprint *fp,
		               const struct statusrec *st);

/* statuswrite_finish - the index written; 0, or -1 when any write failed */
int     statuswrite_finish(struct statuswrite *w);

#endif
