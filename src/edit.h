/*
 * edit - enroll and revoke by editing the source file, then compiling
 *
 * Only the client's line changes: attributes are added at the end of its
 * last physical line, or a new "client" line is appended; every other
 * byte of the file stays as it was, comments included. The edited text is
 * checked as a whole (with its certificates) before anything is written;
 * then the outputs are compiled and, only if that worked, the source is
 * replaced (atomically, keeping its mode). On any failure nothing changes.
 */
#ifndef CERTPOLICY_EDIT_H
#define CERTPOLICY_EDIT_H

#include "bounds.h"

struct edit_request {
    const char *config;			/* the source file */
    const struct bounds *bounds;
    const char *name;			/* the client */
    char  **items;			/* enroll: cert files or fingerprints */
    int     nitems;
    const char *date;			/* revoke: YYYY-MM-DD, or NULL for today */
    const char *reason;			/* revoke: or NULL */
    int     run_postmap;
};

/* edit_enroll - add a client, or certificates to one; 0, or -1 (logged) */
int     edit_enroll(const struct edit_request *req);

/* edit_revoke - mark a client revoked; 0, or -1 (logged) */
int     edit_revoke(const struct edit_request *req);

#endif
