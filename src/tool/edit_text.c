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
    } else if (fstat(cf->fd, &st) < 0 || !S_ISREG(st.st_mode)
	       || (st.st_uid != geteuid() && st.st_uid != 0) || (st.st_mode & (S_IWGRP | S_IWOTH))) {
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
