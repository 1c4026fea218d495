/*
 * statusrec - the records of status.cdb, format 1
 *
 *   certpolicy:status-format   -> 1
 *   s:AB:CD:...                -> the status of the certificate with that
 *                                 fingerprint (fingerprint_digest)
 *
 * A status value is six TAB-separated fields:
 *   good|revoked|unknown  ocsp|crl  THIS_UPDATE  NEXT_UPDATE  REVOKED_AT  REASON
 * times in seconds since the epoch; REVOKED_AT "-" unless revoked; REASON
 * the CRL reason name, or empty. statusrec_decode() trusts nothing.
 */
#ifndef CERTPOLICY_STATUSREC_H
#define CERTPOLICY_STATUSREC_H

#include <stddef.h>

#include "fprint.h"

#define STATUSREC_FORMAT_KEY	"certpolicy:status-format"
#define STATUSREC_FORMAT	"1"
#define STATUSREC_KEY_MAX	(2 + FPRINT_TEXT_MAX)

enum status_state {
    STATUS_GOOD,
    STATUS_REVOKED,
    STATUS_UNKNOWN,
};

struct statusrec {
    enum status_state state;
    int     ocsp;			/* source: 1 OCSP, 0 CRL */
    long long this_update;
    long long next_update;
    long long revoked_at;		/* -1 unless revoked */
    char    reason[64];
};

/* statusrec_key - "s:AB:.." in buf[STATUSREC_KEY_MAX]; returns the length */
size_t  statusrec_key(const struct fprint *fp, char *buf);

/* statusrec_encode - the value text into buf[len]; returns its length */
size_t  statusrec_encode(const struct statusrec *rec, char *buf, size_t len);

/* statusrec_decode - 0, or -1 if malformed */
int     statusrec_decode(const char *data, size_t len, struct statusrec *rec);

struct cdbfile;

/* statusrec_file_check - cdbfile check: a status database of our format */
int     statusrec_file_check(struct cdbfile *cf, void *ctx);

/* statusrec_lookup - from an open status database: 1 found, 0 not, -1 corrupt */
int     statusrec_lookup(struct cdbfile *cf, const struct fprint *fp, struct statusrec *rec);

/*
 * statusrec_describe - "good by crl, fresh until 2026-11-29T12:00:00Z",
 * "revoked by ocsp on ... (keyCompromise)", "stale: good by crl until ...",
 * "unknown to ocsp"; returns buf
 */
char   *statusrec_describe(const struct statusrec *rec, long long now, long long skew,
			           char *buf, size_t len);

/* statusrec_state_name - "good", "revoked", "unknown" */
const char *statusrec_state_name(enum status_state state);

#endif
