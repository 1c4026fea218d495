/*
 * edit_text - the source text an enroll or revoke works on (edit.c's
 * helpers, shared with list's view of a pending edit)
 *
 * DIAGNOSTICS: edit_load() reports through log_error(); the rest print
 * nothing.
 */
#ifndef CERTPOLICY_EDIT_TEXT_H
#define CERTPOLICY_EDIT_TEXT_H

#include <stddef.h>
#include <sys/stat.h>

#include "source/conf.h"
#include "tool/edit.h"

/* The source as it was read, under the lock. */
struct edit_source {
    char   *target;			/* the file itself, symlinks resolved */
    int     fd;				/* open on it, to see a write after the read */
    struct stat st;			/* its identity when read */
    struct edit_text text;
    struct conf *conf;
    const char *eol;			/* "\n" or "\r\n" */
};

/* edit_add - append len bytes of data to t */
void    edit_add(struct edit_text *t, const char *data, size_t len);

/* edit_attr - append " name=value", quoted when the value needs it */
void    edit_attr(struct edit_text *t, const char *name, const char *value);

/* edit_find - the client named name in conf, or NULL */
const struct conf_client *edit_find(const struct conf *conf, const char *name);

/* edit_eol - "\r\n" when more lines of t end with it than without, else "\n" */
const char *edit_eol(const struct edit_text *t);

/* edit_source_free - release what edit_load() made */
void    edit_source_free(struct edit_source *src);

/* edit_load - the source, its identity and its parse; 0, or -1 (logged) if it has errors */
int     edit_load(const struct edit_request *req, struct edit_source *src);

/* edit_expected - the parse of "client NAME" and the added attributes alone */
struct conf *edit_expected(const struct edit_request *req, const struct edit_text *added);

/* edit_compose - in with added at the end of cl's line, or a new line for name (cl NULL) */
void    edit_compose(const struct edit_text *in, const char *eol,
		             const struct conf_client *cl, const char *name,
		             const struct edit_text *added, struct edit_text *out);

/* An edit an overlay of recent edits records (dbrec.h). */
struct edit_pending {
    char    op[16];			/* "revoke" or "enroll" */
    char   *name;
    char   *added;			/* the attributes added to its line */
    char    of[65];			/* overlay-of: the database it amends */
};

/*
 * edit_read_pending - the edit overlay records: 0 (pe filled; free with
 * edit_pending_free()), or -1 with why (unreadable, damaged, or a file
 * another user could have written: its edit would go into the source)
 */
int     edit_read_pending(const char *overlay, struct edit_pending *pe, char *why, size_t why_len);
void    edit_pending_free(struct edit_pending *pe);

/* edit_pending_has - overlay has a record under key (1; also when it cannot be read), else 0 */
int     edit_pending_has(const char *overlay, const char *key, size_t klen);

/* edit_overlay_path - DATABASE.edits of conf's database, in new memory */
char   *edit_overlay_path(const struct conf *conf);

/*
 * edit_pending_applied - has the long way of the pending edit pe already
 * put it into the database, with the source unchanged since? 1 yes
 * (nothing to replay), 0 no (replay it), -1 cannot tell (the source was
 * changed by hand since)
 */
int     edit_pending_applied(const struct edit_request *req, const struct edit_pending *pe);

#endif
