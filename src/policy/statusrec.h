/*
 * statusrec - the records of status.cdb, format 2
 *
 *   certpolicy:status-format   -> 2
 *   s:AB:CD:...                -> the status of the certificate with that
 *                                 fingerprint (fingerprint_digest)
 *   p:AB:CD:...                -> the status of a pinned public key (its
 *                                 fingerprint): revoked when any enrolled
 *                                 certificate with that key is revoked
 *   c:AB:CD:...                -> the own status of a CA certificate of
 *                                 client_ca_file (its SHA-256 fingerprint),
 *                                 as its issuer's CRL or OCSP answered (depth
 *                                 0); refresh's own, to judge the next answer
 *                                 about that CA (certpolicyd reads s: only)
 *   certpolicy:crl-numbers     -> the highest cRLNumbers seen per CA key and
 *                                 CRL scope (crlnum.h); refresh's own
 *
 * A status value is seven TAB-separated fields:
 *   good|revoked|unknown  ocsp|crl|source  THIS_UPDATE  NEXT_UPDATE  REVOKED_AT  REASON  DEPTH
 * times in seconds since the epoch; REVOKED_AT "-" unless revoked; REASON
 * the CRL reason name, or empty; DEPTH the position in the chain of the
 * certificate whose status decided (0: the certificate itself). Format 1
 * (six fields, no DEPTH, no p: records, no cRLNumbers) is still read, as depth 0.
 * statusrec_decode() trusts nothing.
 */
#ifndef CERTPOLICY_STATUSREC_H
#define CERTPOLICY_STATUSREC_H

#include <stddef.h>

#include "policy/fprint.h"

#define STATUSREC_FORMAT_KEY	"certpolicy:status-format"
#define STATUSREC_FORMAT	"2"
#define STATUSREC_FORMAT_OLD	"1"	/* read, never written */
#define STATUSREC_KEY_MAX	(2 + FPRINT_TEXT_MAX)
#define STATUSREC_VALUE_MAX	256
#define STATUSREC_DEPTH_MAX	16	/* a longer chain is refused */

enum status_state {
    STATUS_GOOD,
    STATUS_REVOKED,
    STATUS_UNKNOWN,
};

enum status_source {
    SOURCE_CRL,
    SOURCE_OCSP,
    SOURCE_FILE,			/* revoked in the source file (p: records) */
};

struct statusrec {
    enum status_state state;
    enum status_source source;
    long long this_update;
    long long next_update;
    long long revoked_at;		/* -1 unless revoked */
    char    reason[64];
    int     depth;			/* 0: the certificate itself */
};

#define STATUSREC_HOLD	"certificateHold"	/* RFC 5280, 5.3.1: may be lifted */

/* statusrec_is_hold - revoked with reason certificateHold */
int     statusrec_is_hold(const struct statusrec *rec);

/* statusrec_key - "s:AB:.." in buf[STATUSREC_KEY_MAX]; returns the length */
size_t  statusrec_key(const struct fprint *fp, char *buf);

/* statusrec_pin_key - "p:AB:.." (a public key's fingerprint) in buf[STATUSREC_KEY_MAX] */
size_t  statusrec_pin_key(const struct fprint *fp, char *buf);

/* statusrec_ca_key - "c:AB:.." (a CA certificate's SHA-256) in buf[STATUSREC_KEY_MAX] */
size_t  statusrec_ca_key(const struct fprint *fp, char *buf);

/* statusrec_pin_lookup - a pinned key's status: 1 found, 0 not, -1 corrupt */
struct cdbfile;
int     statusrec_pin_lookup(struct cdbfile *cf, const struct fprint *fp, struct statusrec *rec);

/* statusrec_source_name - "crl", "ocsp", "source" */
const char *statusrec_source_name(enum status_source source);

/* statusrec_encode - the value text into buf[len]; returns its length */
size_t  statusrec_encode(const struct statusrec *rec, char *buf, size_t len);

/* statusrec_decode - format 2 (or 1: depth 0); 0, or -1 if malformed */
int     statusrec_decode(const char *data, size_t len, struct statusrec *rec);

/* statusrec_file_check - cdbfile check: a status database of format 2 or 1 */
int     statusrec_file_check(struct cdbfile *cf, void *ctx);

/* statusrec_lookup - from an open status database: 1 found, 0 not, -1 corrupt */
int     statusrec_lookup(struct cdbfile *cf, const struct fprint *fp, struct statusrec *rec);

/* statusrec_ca_lookup - a CA certificate's own status: 1 found, 0 not, -1 corrupt */
int     statusrec_ca_lookup(struct cdbfile *cf, const struct fprint *fp, struct statusrec *rec);

/*
 * statusrec_describe - "good by crl, fresh until 2026-11-29T12:00:00Z",
 * "revoked by ocsp on ... (keyCompromise)", "stale: good by crl until ...",
 * "unknown to ocsp"; returns buf
 */
char   *statusrec_describe(const struct statusrec *rec, long long now, long long skew,
			           char *buf, size_t len);

/* statusrec_state_name - "good", "revoked", "unknown" */
const char *statusrec_state_name(enum status_state state);

/* statusrec_iso - seconds since the epoch as YYYY-MM-DDTHH:MM:SSZ in buf[len] (21 bytes) */
char   *statusrec_iso(long long when, char *buf, size_t len);

#endif
