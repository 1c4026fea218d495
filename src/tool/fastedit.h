/*
 * fastedit - an enroll or a revoke in effect at once, whatever the size
 *
 * Before enroll and revoke rewrite the source and every output (a time
 * that grows with the number of clients), fastedit_apply() puts the one
 * client's new records in the overlay of recent edits beside the
 * database (DATABASE.edits, dbrec.h), which certpolicyd, query and list
 * consult first. It reads only the source's header (the text before its
 * first client line, which holds every setting), the client's own line
 * (found through srcindex) and the client's certificate files; it checks
 * the changed line as the whole source would be checked; and it writes
 * the overlay atomically (temporary file, fsync, rename, directory
 * fsync). The overlay also records the edit itself, so that a writer
 * killed after this step is finished by the next one (edit.c).
 *
 * It applies only when everything it relies on holds: the index is of
 * this very source file and the database was compiled from it, no
 * overlay is pending, the header is at most FASTEDIT_MAX_HEADER bytes,
 * and the change touches no other client's records (a fingerprint or
 * public key another client also has, a pin of a key whose certificate
 * is revoked). Otherwise it writes nothing and the edit takes the long
 * way alone, as before, with its messages.
 *
 * The caller holds the writer lock.
 */
#ifndef CERTPOLICY_FASTEDIT_H
#define CERTPOLICY_FASTEDIT_H

#include "source/conf.h"
#include "tool/edit.h"

#define FASTEDIT_MAX_HEADER	(256 * 1024)	/* bytes of source before the first client */

/*
 * fastedit_apply - op is "enroll" or "revoke"; added the attributes the
 * edit adds to the client's line (" revoked=DATE reason=..."); an enroll
 * of what the client has already is left to the long way; expected
 * the parse of "client NAME" + added alone. Returns 1 when the overlay is
 * in place (its path in *overlay, new memory), else 0 (nothing written;
 * *why says why, for the curious).
 */
int     fastedit_apply(const struct edit_request *req, const char *op,
		               const struct edit_text *added,
		               const struct conf *expected, char **overlay, char *why,
		               size_t why_len);

#endif
