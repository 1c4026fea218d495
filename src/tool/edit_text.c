/*
 * edit_text - the source text an enroll or revoke works on
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file_read.h"
#include "util/log.h"
#include "util/mem.h"
#include "policy/cdbfile.h"
#include "policy/dbrec.h"
#include "tool/edit_text.h"

/* edit_add - append bytes */
void edit_add(struct edit_text *t, const char *data, size_t len)
{
    t->data = mem_reserve(t->data, t->len, len, &t->cap);
    memcpy(t->data + t->len, data, len);
    t->len += len;
    t->data[t->len] = 0;
}

/* edit_attr - " name=value", quoted when the value needs it */
void edit_attr(struct edit_text *t, const char *name, const char *value)
{
    const char *cp;
    int     quote = *value == 0 || strpbrk(value, " \t\"\\") != NULL;

    edit_add(t, " ", 1);
    edit_add(t, name, strlen(name));
    edit_add(t, quote ? "=\"" : "=", quote ? 2 : 1);
    for (cp = value; *cp; cp++) {
	if (quote && (*cp == '"' || *cp == '\\'))
	    edit_add(t, "\\", 1);
	edit_add(t, cp, 1);
    }
    if (quote)
	edit_add(t, "\"", 1);
}

/* edit_find - the client named name, or NULL */
const struct conf_client *edit_find(const struct conf *conf, const char *name)
{
    size_t  i;

    for (i = 0; i < conf->nclients; i++)
	if (strcmp(conf->clients[i].name, name) == 0)
	    return (conf->clients + i);
    return (NULL);
}

/* edit_eol - CR LF when more lines end with it than without */
const char *edit_eol(const struct edit_text *t)
{
    size_t  crlf = 0, lf = 0, i;

    for (i = 0; i < t->len; i++) {
	if (t->data[i] == '\n') {
	    if (i > 0 && t->data[i - 1] == '\r')
		crlf++;
	    else
		lf++;
	}
    }
    return (crlf > lf ? "\r\n" : "\n");
}

/* edit_source_free - release what edit_load() made */
void edit_source_free(struct edit_source *src)
{
    if (src->conf)
	conf_free(src->conf);
    if (src->fd >= 0)
	close(src->fd);
    free(src->text.data);
    free(src->target);
}

/* edit_load - the source, its identity and its parse; -1 (logged) if it has errors */
int edit_load(const struct edit_request *req, struct edit_source *src)
{
    struct stat after, by_path;
    char    why[512];

    memset(src, 0, sizeof(*src));
    src->fd = -1;
    if ((src->target = realpath(req->config, NULL)) == NULL
	|| (src->fd = open(src->target, O_RDONLY | O_CLOEXEC)) < 0 || fstat(src->fd, &src->st) < 0) {
	log_error("%s: cannot open: %s", req->config, strerror(errno));
	edit_source_free(src);
	return (-1);
    }
    if ((src->text.data = file_read_all(src->target,
					(size_t) req->bounds->value[BOUND_MAX_SOURCE_SIZE],
			       "max_source_size", &src->text.len, why, sizeof(why))) == NULL) {
	log_error("%s: %s", req->config, why);
	edit_source_free(src);
	return (-1);
    }
    if (fstat(src->fd, &after) < 0 || !file_same(&src->st, &after)
	|| stat(src->target, &by_path) < 0 || !file_same(&src->st, &by_path)) {
	log_error("%s: the file changed while it was read; try again", req->config);
	edit_source_free(src);
	return (-1);
    }
    src->text.cap = src->text.len + 1;
    src->eol = edit_eol(&src->text);
    src->conf = conf_parse(req->config, src->text.data, src->text.len, req->bounds);
    src->conf->source = src->st;
    src->conf->read_file = 1;
    diag_print(&src->conf->diag, 0);
    if (src->conf->diag.errors) {
	log_error("%s: fix the errors above first: nothing was changed", req->config);
	edit_source_free(src);
	return (-1);
    }
    return (0);
}

/* edit_expected - the change alone: "client NAME" and the added attributes */
struct conf *edit_expected(const struct edit_request *req, const struct edit_text *added)
{
    struct edit_text line;
    struct conf *conf;

    memset(&line, 0, sizeof(line));
    edit_add(&line, "client ", 7);
    edit_add(&line, req->name, strlen(req->name));
    edit_add(&line, added->data, added->len);
    edit_add(&line, "\n", 1);
    conf = conf_parse(req->config, line.data, line.len, req->bounds);
    free(line.data);
    /* Its messages (a revoke alone names no certificate) are not the user's. */
    diag_discard(&conf->diag);
    return (conf);
}

/* edit_has_items - the client already has every certificate and fingerprint of added */
int     edit_has_items(const struct edit_request *req, const struct conf_client *cl,
			          const struct edit_text *added)
{
    struct conf *want = edit_expected(req, added);
    const struct conf_client *w = want->nclients == 1 ? want->clients : NULL;
    size_t  i, j;
    int     has = w != NULL && !w->has_pin;

    for (i = 0; has && i < w->ncerts; i++) {
	for (j = 0; j < cl->ncerts && strcmp(cl->certs[j], w->certs[i]) != 0; j++)
	     /* void */ ;
	has = j < cl->ncerts;
    }
    for (i = 0; has && i < w->nfps; i++) {
	for (j = 0; j < cl->nfps && !fprint_equal(cl->fps + j, w->fps + i); j++)
	     /* void */ ;
	has = j < cl->nfps;
    }
    conf_free(want);
    return (has);
}

/* edit_compose - in with added at the end of cl's line, or with a new line for name */
void edit_compose(const struct edit_text *in, const char *eol,
			         const struct conf_client *cl, const char *name,
			         const struct edit_text *added, struct edit_text *out)
{
    memset(out, 0, sizeof(*out));
    if (cl != NULL) {
	edit_add(out, in->data, cl->end);
	edit_add(out, added->data, added->len);
	edit_add(out, in->data + cl->end, in->len - cl->end);
    } else {
	edit_add(out, in->data, in->len);
	if (in->len > 0 && in->data[in->len - 1] != '\n')
	    edit_add(out, eol, strlen(eol));
	edit_add(out, "client ", 7);
	edit_add(out, name, strlen(name));
	edit_add(out, added->data, added->len);
	edit_add(out, eol, strlen(eol));
    }
}

/* edit_pending_open - the overlay, if it is one only this user or root can have written */
static int edit_pending_open(struct cdbfile *cf, const char *overlay, char *why, size_t why_len)
{
    struct stat st;
    int     changed;

    cdbfile_init(cf, overlay, NULL, NULL, NULL);
    if (!cdbfile_refresh(cf, &changed)) {
	snprintf(why, why_len, "%s: %s", overlay, cf->why);
    } else if (fstat(cf->fd, &st) < 0 || !file_ours(&st)) {
	snprintf(why, why_len, "%s: not a regular file of this user or root, writable by no "
		 "one else", overlay);
    } else {
	return (0);
    }
    cdbfile_free(cf);
    return (-1);
}

/* edit_read_pending - the edit an overlay records */
int     edit_read_pending(const char *overlay, struct edit_pending *pe, char *why, size_t why_len)
{
    struct cdbfile cf;
    char   *edit = NULL, *of = NULL, *tab1, *tab2;
    int     bad, ret = -1;

    memset(pe, 0, sizeof(*pe));
    if (edit_pending_open(&cf, overlay, why, why_len) < 0)
	return (-1);
    if ((edit = cdbfile_get(&cf, DBREC_EDIT_KEY, &bad)) == NULL
	|| (of = cdbfile_get(&cf, DBREC_OVERLAY_OF_KEY, &bad)) == NULL
	|| strlen(of) >= sizeof(pe->of)
	|| (tab1 = strchr(edit, '\t')) == NULL || (tab2 = strchr(tab1 + 1, '\t')) == NULL
	|| (size_t) (tab1 - edit) >= sizeof(pe->op)) {
	snprintf(why, why_len, "%s: no edit recorded, or a damaged one", overlay);
    } else {
	*tab1 = *tab2 = 0;
	snprintf(pe->op, sizeof(pe->op), "%s", edit);
	strcpy(pe->of, of);
	pe->name = mem_strdup(tab1 + 1);
	pe->added = mem_strdup(tab2 + 1);
	ret = 0;
    }
    free(edit);
    free(of);
    cdbfile_free(&cf);
    return (ret);
}

/* edit_pending_free - release what edit_read_pending() filled in */
void    edit_pending_free(struct edit_pending *pe)
{
    free(pe->name);
    free(pe->added);
    pe->name = pe->added = NULL;
}

/* edit_pending_has - the overlay has a record under key */
int     edit_pending_has(const char *overlay, const char *key, size_t klen)
{
    struct cdbfile cf;
    const char *data;
    unsigned len;
    char    why[300];
    int     found;

    if (edit_pending_open(&cf, overlay, why, sizeof(why)) < 0)
	return (1);				/* cannot tell: as if it had */
    found = cdbfile_find(&cf, key, klen, &data, &len);
    cdbfile_free(&cf);
    return (found != 0);
}

/* edit_overlay_path - DATABASE.edits of conf, in new memory */
char   *edit_overlay_path(const struct conf *conf)
{
    return (mem_printf("%s%s", conf->set.value[SET_DATABASE], DBREC_OVERLAY_SUFFIX));
}

/*
 * edit_pending_applied - has the long way of the pending edit pe already
 * put it into the database, and the source not been changed since?
 * 1 yes (nothing to replay), 0 no (the database is the one the overlay
 * amends, or the source is still the text it amends: replay it), -1
 * cannot tell (the database has it, and the source was changed since by
 * hand: before or after the edit's own rename)
 */
int     edit_pending_applied(const struct edit_request *req, const struct edit_pending *pe)
{
    struct edit_source src;
    struct cdbfile db;
    char   *db_sha = NULL;
    int     changed, bad, ret;

    if (edit_load(req, &src) < 0)
	return (0);				/* replaying reports the errors */
    cdbfile_init(&db, src.conf->set.value[SET_DATABASE], NULL, NULL, NULL);
    if (cdbfile_refresh(&db, &changed))
	db_sha = cdbfile_get(&db, DBREC_SOURCE_KEY, &bad);
    if (db_sha == NULL || strcmp(db_sha, pe->of) == 0)
	ret = 0;				/* the database is the one amended */
    else if (strcmp(db_sha, src.conf->text_sha256) == 0)
	ret = 1;				/* compiled from the source as it is */
    else if (strcmp(src.conf->text_sha256, pe->of) == 0)
	ret = 0;				/* killed before the source's rename */
    else
	ret = -1;
    free(db_sha);
    cdbfile_free(&db);
    edit_source_free(&src);
    return (ret);
}

/* edit_pending_view - see edit.h */
struct conf *edit_pending_view(const struct edit_request *req, const struct conf *conf,
			               char *note, size_t note_len)
{
    char   *overlay = edit_overlay_path(conf);
    char    why[600];
    struct edit_pending pe;
    struct edit_source src;
    struct edit_text added, out;
    struct conf *view = NULL;
    struct stat st;

    if (lstat(overlay, &st) < 0) {
	free(overlay);
	return (NULL);
    }
    if (edit_read_pending(overlay, &pe, why, sizeof(why)) < 0) {
	snprintf(note, note_len, "an edit is pending but cannot be read (%s)", why);
    } else if (edit_pending_applied(req, &pe) != 0) {
	/* certpolicyd answers from the database, which has it: nothing to add */
    } else if (edit_load(req, &src) == 0) {
	const struct conf_client *cl = edit_find(src.conf, pe.name);

	if (strcmp(pe.op, "revoke") == 0 && cl == NULL) {
	    snprintf(note, note_len, "an interrupted revoke of client %s is pending in %s, "
		     "but the source has no such client", pe.name, overlay);
	} else {
	    added.data = pe.added;
	    added.len = strlen(pe.added);
	    if (cl != NULL && (cl->revoked || (strcmp(pe.op, "enroll") == 0
					       && edit_has_items(req, cl, &added))))
		added.len = 0;			/* the source says it already */
	    edit_compose(&src.text, src.eol, cl, pe.name, &added, &out);
	    view = conf_parse(req->config, out.data, out.len, req->bounds);
	    view->source = src.st;
	    view->read_file = 1;
	    free(out.data);
	    snprintf(note, note_len, "the interrupted %s of client %s is in effect through %s; "
		     "the next compile, enroll, revoke or refresh writes it into the source",
		     pe.op, pe.name, overlay);
	}
	edit_source_free(&src);
    }
    edit_pending_free(&pe);
    free(overlay);
    return (view);
}
