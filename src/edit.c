/*
 * edit - enroll and revoke by editing the source file, then compiling
 *
 * A value that needs it is written in double quotes, with " and \ escaped,
 * the way the parser reads it back.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "atomic_file.h"
#include "clientset.h"
#include "compile.h"
#include "conf.h"
#include "edit.h"
#include "file_read.h"
#include "log.h"
#include "mem.h"
#include "timeutil.h"

struct edit_text {
    char   *data;
    size_t  len;
    size_t  cap;
};

/* edit_add - append bytes */
static void edit_add(struct edit_text *t, const char *data, size_t len)
{
    t->data = mem_reserve(t->data, t->len, len, &t->cap);
    memcpy(t->data + t->len, data, len);
    t->len += len;
    t->data[t->len] = 0;
}

/* edit_attr - " name=value", quoted when the value needs it */
static void edit_attr(struct edit_text *t, const char *name, const char *value)
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
static const struct conf_client *edit_find(const struct conf *conf, const char *name)
{
    size_t  i;

    for (i = 0; i < conf->nclients; i++)
	if (strcmp(conf->clients[i].name, name) == 0)
	    return (conf->clients + i);
    return (NULL);
}

/* edit_commit - check the new text, compile it, then replace the source */
static int edit_commit(const struct edit_request *req, const struct edit_text *t,
		               const char *done)
{
    struct conf *conf;
    struct clientset *set;
    struct atomic_file af;
    struct stat st;
    int     ret = -1;

    conf = conf_parse(req->config, t->data, t->len, req->bounds);
    set = clientset_build(conf, time_now());
    conf_flush(conf, 1);
    if (conf->errors) {
	log_error("%s: the change would not pass the check: nothing was changed", req->config);
    } else if (stat(req->config, &st) < 0 || atomic_open(&af, req->config, st.st_mode & 07777) < 0) {
	log_error_errno("%s", req->config);
    } else {
	if (fchown(af.fd, st.st_uid, st.st_gid) < 0) {
	    /* not root: the file stays ours */
	}
	if (write(af.fd, t->data, t->len) != (ssize_t) t->len || atomic_close(&af) < 0) {
	    log_error_errno("cannot write %s", af.temp);
	    atomic_abort(&af);
	} else if (compile_run(set, req->run_postmap) < 0) {
	    atomic_abort(&af);
	} else if (atomic_commit(&af) < 0) {
	    atomic_abort(&af);
	} else {
	    atomic_release(&af);
	    printf("certpolicy: %s: %s client %s; compiled %zu clients (%zu active, %zu revoked)\n",
		   req->config, done, req->name, conf->nclients, set->active, set->revoked);
	    ret = 0;
	}
    }
    clientset_free(set);
    conf_free(conf);
    return (ret);
}

/* edit_load - the source text and its parse; NULL (logged) if it has errors */
static struct conf *edit_load(const struct edit_request *req, struct edit_text *t)
{
    struct conf *conf;
    char    why[512];

    memset(t, 0, sizeof(*t));
    if ((t->data = file_read_all(req->config, (size_t) req->bounds->value[BOUND_MAX_SOURCE_SIZE],
				 "max_source_size", &t->len, why, sizeof(why))) == NULL) {
	log_error("%s: %s", req->config, why);
	return (NULL);
    }
    t->cap = t->len + 1;
    conf = conf_parse(req->config, t->data, t->len, req->bounds);
    conf_flush(conf, 0);
    if (conf->errors) {
	log_error("%s: fix the errors above first: nothing was changed", req->config);
	conf_free(conf);
	free(t->data);
	return (NULL);
    }
    return (conf);
}

/* edit_splice - the source with added text inserted at offset at */
static void edit_splice(struct edit_text *out, const struct edit_text *src, size_t at,
			        const struct edit_text *added)
{
    memset(out, 0, sizeof(*out));
    edit_add(out, src->data, at);
    edit_add(out, added->data, added->len);
    edit_add(out, src->data + at, src->len - at);
}

/* edit_change - insert added into the client's line, or append a new line */
static int edit_change(const struct edit_request *req, struct conf *conf, struct edit_text *src,
		               const struct conf_client *cl, struct edit_text *added,
		               const char *done)
{
    struct edit_text out;
    int     ret;

    if (cl != NULL) {
	edit_splice(&out, src, cl->end, added);
    } else {
	memset(&out, 0, sizeof(out));
	edit_add(&out, src->data, src->len);
	if (src->len > 0 && src->data[src->len - 1] != '\n')
	    edit_add(&out, "\n", 1);
	edit_add(&out, "client ", 7);
	edit_add(&out, req->name, strlen(req->name));
	edit_add(&out, added->data, added->len);
	edit_add(&out, "\n", 1);
    }
    conf_free(conf);
    ret = edit_commit(req, &out, done);
    free(out.data);
    free(added->data);
    free(src->data);
    return (ret);
}

/* edit_enroll - add a client, or certificates to one */
int     edit_enroll(const struct edit_request *req)
{
    struct edit_text src, added;
    const struct conf_client *cl;
    struct conf *conf;
    struct fprint fp;
    const char *why;
    char    path[PATH_MAX], text[FPRINT_TEXT_MAX];
    int     i;

    if ((conf = edit_load(req, &src)) == NULL)
	return (-1);
    cl = edit_find(conf, req->name);
    if (cl != NULL && cl->revoked) {
	log_error("%s:%d: client %s is revoked; edit its line to enroll it again",
		  req->config, cl->line, req->name);
	conf_free(conf);
	free(src.data);
	return (-1);
    }
    memset(&added, 0, sizeof(added));
    for (i = 0; i < req->nitems; i++) {
	if (access(req->items[i], F_OK) == 0) {
	    if (realpath(req->items[i], path) == NULL) {
		log_error_errno("%s", req->items[i]);
		break;
	    }
	    edit_attr(&added, "cert", path);
	} else if (fprint_parse(req->items[i], &fp, &why) == 0) {
	    edit_attr(&added, "fingerprint", fprint_format(&fp, text));
	} else {
	    log_error("%s: neither a certificate file nor a fingerprint (%s)", req->items[i], why);
	    break;
	}
    }
    if (i < req->nitems) {
	free(added.data);
	conf_free(conf);
	free(src.data);
	return (-1);
    }
    return (edit_change(req, conf, &src, cl, &added, cl ? "added to" : "enrolled"));
}

/* edit_revoke - mark a client revoked */
int     edit_revoke(const struct edit_request *req)
{
    struct edit_text src, added;
    const struct conf_client *cl;
    struct conf *conf;
    char    today[11];

    if ((conf = edit_load(req, &src)) == NULL)
	return (-1);
    if ((cl = edit_find(conf, req->name)) == NULL || cl->revoked) {
	if (cl == NULL)
	    log_error("%s: no client %s", req->config, req->name);
	else
	    log_error("%s:%d: client %s is already revoked", req->config, cl->line, req->name);
	conf_free(conf);
	free(src.data);
	return (-1);
    }
    memset(&added, 0, sizeof(added));
    edit_attr(&added, "revoked", req->date ? req->date : time_format_date(time_now(), today));
    if (req->reason != NULL)
	edit_attr(&added, "reason", req->reason);
    return (edit_change(req, conf, &src, cl, &added, "revoked"));
}
