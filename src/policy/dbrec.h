/*
 * dbrec - the records of certpolicy.cdb, format 1
 *
 * Keys and values are text, so "cdb -d" shows a database as it is:
 *
 *   certpolicy:format      -> 1
 *   certpolicy:source-sha256 -> the SHA-256 of the source text compiled
 *                             (refresh compiles first when it differs)
 *   setting:NAME           -> the setting's normal form
 *   c:AB:CD:...            -> a certificate fingerprint (as Postfix sends it)
 *   p:AB:CD:...            -> a pinned public-key fingerprint
 *   k:AB:CD:...            -> the public-key fingerprint of enrolled
 *                             certificates: their fingerprints, separated
 *                             by one space (for raw public keys, RFC 7250)
 *
 * The overlay of recent edits (DATABASE DBREC_OVERLAY_SUFFIX, written by
 * enroll and revoke before they rewrite the source and the outputs, and
 * removed once those are in place) holds the same fingerprint records for
 * the clients an edit changed, and:
 *
 *   certpolicy:format      -> 1
 *   certpolicy:overlay-of  -> the source-sha256 of the database it amends
 *                             (it is used only over that database)
 *   certpolicy:edit        -> the edit itself, for the next writer to
 *                             finish if this one was killed:
 *                             "revoke" or "enroll", TAB, NAME, TAB, and
 *                             the attributes added to NAME's line
 *
 * A fingerprint record's value is six TAB-separated fields:
 *   NAME  active|revoked  NOT_BEFORE  NOT_AFTER  REVOKED_DATE  REASON
 * with times in seconds since the epoch, the date as YYYY-MM-DD, and "-"
 * where nothing is known (a bare fingerprint has no validity). A reader
 * that finds another format number treats the database as unusable.
 *
 * dbrec_decode() treats the value as untrusted: it never reads outside
 * data[len], and refuses anything that is not exactly the above.
 */
#ifndef CERTPOLICY_DBREC_H
#define CERTPOLICY_DBREC_H

#include <stddef.h>
#include <time.h>

#include "policy/fprint.h"

#define DBREC_FORMAT_KEY	"certpolicy:format"
#define DBREC_SOURCE_KEY	"certpolicy:source-sha256"	/* of the source compiled */
#define DBREC_FORMAT		"1"
#define DBREC_OVERLAY_OF_KEY	"certpolicy:overlay-of"
#define DBREC_EDIT_KEY		"certpolicy:edit"
#define DBREC_OVERLAY_SUFFIX	".edits"		/* the overlay of DATABASE */
#define DBREC_SETTING_PREFIX	"setting:"
#define DBREC_KEY_MAX		(2 + FPRINT_TEXT_MAX)
#define DBREC_KIND_CERT		'c'
#define DBREC_KIND_PIN		'p'
#define DBREC_KIND_KEY		'k' 

struct dbrec {
    const char *name;			/* not NUL-terminated */
    size_t  name_len;
    int     revoked;
    int     has_validity;
    long long not_before;
    long long not_after;
    long long revoked_at;		/* -1: no date */
    const char *reason;			/* not NUL-terminated */
    size_t  reason_len;
};

/* dbrec_key - "c:AB:..", "p:AB:.." or "k:AB:.." in buf[DBREC_KEY_MAX]; returns the length */
size_t  dbrec_key(int kind, const struct fprint *fp, char *buf);

/* dbrec_encode - the value text, in new memory */
char   *dbrec_encode(const struct dbrec *rec);

/* dbrec_decode - parse a value; 0, or -1 if it is malformed */
int     dbrec_decode(const char *data, size_t len, struct dbrec *rec);

#endif
