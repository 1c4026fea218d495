/*
 * edit - enroll and revoke by editing the source file, then compiling
 *
 * Only the client's line changes: attributes are added at the end of its
 * last physical line, or a new "client" line is appended; every other
 * byte of the file stays as it was, comments included. The name, date,
 * reason and items are checked like source values first (no control
 * character; a client name; a real date), and the edited text must parse
 * to exactly the change asked for (edit_check); it is checked as a whole
 * (with its certificates) before anything is written; then the outputs
 * are compiled and replaced together with the source (compile_run_with:
 * all or nothing), at the symlink's target if the source is a link,
 * keeping the target's mode and owner. On any failure nothing changes.
 *
 * The caller holds the writer lock (srclock) for the whole call: the
 * source is read under it, so no change made by another certpolicy
 * writer is lost; a change made meanwhile without the lock (an editor) is
 * caught before anything is replaced, or put back with every output.
 * When the source already says what was asked (revoke of a revoked
 * client, enroll of certificates the client has) but the database was
 * compiled from another text (a run killed between its renames, a hand
 * edit), the source is compiled as it is and the call succeeds. An enroll
 * of certificates the client has, compiled, changes nothing and succeeds.
 */
#ifndef CERTPOLICY_EDIT_H
#define CERTPOLICY_EDIT_H

#include <stddef.h>

#include "policy/bounds.h"

/* Text being built: the attributes an edit adds, a new source. */
struct edit_text {
    char   *data;
    size_t  len;
    size_t  cap;
};

struct edit_request {
    const char *config;			/* the source file */
    const struct bounds *bounds;
    const char *name;			/* the client */
    char  **items;			/* enroll: cert files or fingerprints */
    int     nitems;
    const char *date;			/* revoke: YYYY-MM-DD, or NULL for today */
    const char *reason;			/* revoke: or NULL */
    int     run_postmap;
    const char *recovering;		/* finishing the edit a killed run left in
					 * this overlay of recent edits, or NULL */
};

/*
 * edit_finish_pending - an enroll or revoke killed after its overlay of
 * recent edits was in place (fastedit.h) is in effect in certpolicyd but
 * not yet in the source: every writer finishes it first, under the lock,
 * so that no compile can take a revoke back. req gives the source,
 * bounds and run_postmap; conf is the source as parsed. Returns 0
 * (nothing pending), 1 (finished: parse the source again), or -1 (logged;
 * the overlay stays, and with it the edit).
 */
struct conf;
int     edit_finish_pending(const struct edit_request *req, const struct conf *conf);

/*
 * edit_pending_view - for list: the source as it reads once the edit
 * pending in the overlay of recent edits is finished (what certpolicyd
 * answers from meanwhile), or NULL when none is pending; note then says
 * what is pending (or, with NULL, why it cannot be shown)
 */
struct conf *edit_pending_view(const struct edit_request *req, const struct conf *conf,
			               char *note, size_t note_len);

/*
 * edit_has_items - client cl already has every certificate and
 * fingerprint of added (the attribute text enroll adds to its line)
 */
struct conf_client;
int     edit_has_items(const struct edit_request *req, const struct conf_client *cl,
		               const struct edit_text *added);

/* edit_enroll - add a client, or certificates to one; 0, or -1 (logged) */
int     edit_enroll(const struct edit_request *req);

/* edit_revoke - mark a client revoked; 0, or -1 (logged) */
int     edit_revoke(const struct edit_request *req);

#endif
