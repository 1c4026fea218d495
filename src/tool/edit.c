/*
 * edit - enroll and revoke by editing the source file, then compiling
 *
 * The caller holds the writer lock (srclock), so the source read here is
 * the latest one and no other certpolicy changes it meanwhile; an editor
 * that writes it anyway is caught by its identity (device, inode, size,
 * mtime), checked again just before anything is replaced, and through a
 * descriptor kept open on the file read until its replacement is in
 * place (compile_run_with). Values from the
 * command line are checked like source values first, and the edited text
 * must parse to exactly the change asked for (edit_check). A source that
 * is a symlink is written at its target, with the target's mode and
 * owner. New and changed lines get the file's own line ending (CR LF when
 * most lines end so). A value that needs it is written in double quotes,
 * with " and \ escaped, the way the parser reads it back.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/atomic_file.h"
#include "source/clientset.h"
#include "tool/compile.h"
#include "source/conf.h"
#include "tool/edit.h"
#include "tool/edit_text.h"
#include "tool/fastedit.h"
#include "policy/cdbfile.h"
#include "policy/dbrec.h"
#include "source/edit_check.h"
#include "util/file_read.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/timeutil.h"

/* edit_landed - the source on disk is the text written */
static int edit_landed(const struct edit_request *req, const struct edit_source *src,
		               const struct edit_text *t)
{
    char    why[512];
    char   *now;
    size_t  len;
    int     same;

    now = file_read_all(src->target, (size_t) req->bounds->value[BOUND_MAX_SOURCE_SIZE],
			"max_source_size", &len, why, sizeof(why));
    same = now != NULL && len == t->len && memcmp(now, t->data, len) == 0;
    free(now);
    if (!same)
	log_error("%s: the file was changed by something else just after it was written: "
		  "check it and run the command again", req->config);
    return (same ? 0 : -1);
}

/*
 * edit_write - the new source in a temporary file beside the target, with
 * the target's mode and owner; 0 or -1 (logged)
 */
static int edit_write(const struct edit_source *src, const struct edit_text *t,
		              struct compile_source *out)
{
    struct atomic_file *af = &out->file;

    out->read_fd = src->fd;
    out->read_st = src->st;
    if (atomic_open(af, src->target, src->st.st_mode & 07777) < 0) {
	log_error("%s", af->why);
	return (-1);
    }
    if (fchown(af->fd, src->st.st_uid, src->st.st_gid) < 0 && geteuid() == 0) {
	log_error_errno("cannot give %s the owner of %s", af->temp, src->target);
	atomic_abort(af);
	return (-1);
    }
    if (write(af->fd, t->data, t->len) != (ssize_t) t->len || atomic_close(af) < 0) {
	log_error_errno("cannot write %s", af->temp);
	atomic_abort(af);
	return (-1);
    }
    return (0);
}

/*
 * edit_say_outputs - after an edit that worked: the outputs this command
 * brought up to date (every one of them, postmap's indexes included, was
 * replaced before the success line), so that nobody has to guess whether
 * Postfix's maps follow later
 */
static void edit_say_outputs(const struct conf *conf)
{
    printf("certpolicy: in effect now: database %s", conf->set.value[SET_DATABASE]);
    if (*conf->set.value[SET_RELAY_CLIENTCERTS])
	printf(", relay_clientcerts %s", conf->set.value[SET_RELAY_CLIENTCERTS]);
    if (*conf->set.value[SET_TLS_POLICY_MAP])
	printf(", tls_policy_map %s", conf->set.value[SET_TLS_POLICY_MAP]);
    printf("\n");
}

/* edit_commit - check the new text, then compile it and replace the source together */
static int edit_commit(const struct edit_request *req, struct edit_source *src,
		               const struct edit_text *t, const struct edit_text *added,
		               const char *done)
{
    struct conf *conf, *expected;
    struct clientset *set = NULL;
    struct compile_source af;
    char    why[512];
    int     ret = -1;

    conf = conf_parse(req->config, t->data, t->len, req->bounds);
    /* compile checks, just before replacing anything, that this is still the file read */
    conf->source = src->st;
    conf->read_file = 1;
    expected = edit_expected(req, added);
    if (conf->diag.errors) {
	diag_print(&conf->diag, 1);
	log_error("%s: the change would not pass the check: nothing was changed", req->config);
    } else if (edit_check_change(src->conf, conf, expected, why, sizeof(why)) < 0) {
	log_error("%s: %s: refused, nothing was changed", req->config, why);
	diag_print(&conf->diag, 1);
    } else if ((set = clientset_build_cached(conf, time_now())), diag_print(&conf->diag, 1), conf->diag.errors) {
	log_error("%s: the change would not pass the check: nothing was changed", req->config);
    } else if (edit_write(src, t, &af) == 0
	       && compile_run_with(set, req->run_postmap, &af) == 0
	       && edit_landed(req, src, t) == 0) {
	printf("certpolicy: %s: %s client %s; compiled %zu clients (%zu active, %zu revoked)\n",
	       req->config, done, req->name, conf->nclients, set->active, set->revoked);
	edit_say_outputs(conf);
	ret = 0;
    }
    if (set)
	clientset_free(set);
    conf_free(expected);
    conf_free(conf);
    return (ret);
}

/*
 * edit_compile_current - the source already says what was asked (a retry
 * after a run that was killed, a line edited by hand): when the database
 * was compiled from another text, compile this one and succeed; else 1,
 * for the caller to say what it says when there is nothing to do
 */
static int edit_compile_current(const struct edit_request *req, struct edit_source *src,
				        const char *state)
{
    struct clientset *set;
    int     ret;

    if (compile_current(src->conf))
	return (1);
    printf("certpolicy: %s: client %s %s in the source, but %s was compiled "
	   "from another text: compiling it\n", req->config, req->name, state,
	   src->conf->set.value[SET_DATABASE]);
    set = clientset_build_cached(src->conf, time_now());
    diag_print(&src->conf->diag, 0);
    if (src->conf->diag.errors) {
	log_error("%s: fix the errors above first: nothing was changed", req->config);
	ret = -1;
    } else if ((ret = compile_run(set, req->run_postmap)) == 0) {
	printf("certpolicy: %s: compiled %zu clients (%zu active, %zu revoked)\n",
	       req->config, src->conf->nclients, set->active, set->revoked);
	edit_say_outputs(src->conf);
    }
    clientset_free(set);
    return (ret);
}

/* edit_change - insert added into the client's line, or append a new line */
static int edit_change(const struct edit_request *req, struct edit_source *src,
		               const struct conf_client *cl, struct edit_text *added,
		               const char *done)
{
    struct edit_text out;
    int     ret;

    edit_compose(&src->text, src->eol, cl, req->name, added, &out);
    ret = edit_commit(req, src, &out, added, done);
    free(out.data);
    edit_source_free(src);
    return (ret);
}

/* edit_check_name - a client name by the source's rule; 0 or -1 (logged) */
static int edit_check_name(const struct edit_request *req)
{
    char    why[256];

    if (edit_check_text("client name", req->name, why, sizeof(why)) < 0) {
	log_error("%s: nothing was changed", why);
	return (-1);
    }
    if (!conf_name_ok(req->name)) {
	log_error("client name \"%s\": use only letters, digits and . _ @ + -: nothing was changed",
		  req->name);
	return (-1);
    }
    return (0);
}

/* edit_enroll_items - the attributes for enroll's certificate files and fingerprints */
static int edit_enroll_items(const struct edit_request *req, struct edit_text *added)
{
    struct fprint fp;
    const char *why;
    char    path[PATH_MAX], text[FPRINT_TEXT_MAX], bad[512], what[64];
    int     i;

    for (i = 0; i < req->nitems; i++) {
	snprintf(what, sizeof(what), "certificate file or fingerprint #%d", i + 1);
	if (edit_check_text(what, req->items[i], bad, sizeof(bad)) < 0) {
	    log_error("%s: nothing was changed", bad);
	    return (-1);
	} else if (fprint_parse(req->items[i], &fp, &why) == 0
		   && access(req->items[i], F_OK) == 0) {
	    /* a file named like a fingerprint (planted in the directory?) */
	    log_error("%s is both a fingerprint and a file in the current directory: give the "
		      "file as ./%s or with its full path; nothing was changed",
		      req->items[i], req->items[i]);
	    return (-1);
	} else if (access(req->items[i], F_OK) == 0) {
	    if (realpath(req->items[i], path) == NULL) {
		log_error_errno("%s", req->items[i]);
		return (-1);
	    }
	    snprintf(what, sizeof(what), "the full path of certificate file #%d", i + 1);
	    if (edit_check_text(what, path, bad, sizeof(bad)) < 0) {
		log_error("%s: nothing was changed", bad);
		return (-1);
	    }
	    edit_attr(added, "cert", path);
	} else if (fprint_parse(req->items[i], &fp, &why) == 0) {
	    edit_attr(added, "fingerprint", fprint_format(&fp, text));
	} else {
	    log_error("%s: neither a certificate file nor a fingerprint (%s)", req->items[i], why);
	    return (-1);
	}
    }
    return (0);
}

/*
 * edit_long_enroll - the long way of an enroll: the whole source edited
 * and compiled. When recovering (an enroll killed after its overlay),
 * certificates the client has already are done, and a client revoked
 * since drops the enroll.
 */
static int edit_long_enroll(const struct edit_request *req, struct edit_source *src,
			            struct edit_text *added)
{
    const struct conf_client *cl = edit_find(src->conf, req->name);
    int     ret;

    if (cl != NULL && !cl->revoked && edit_has_items(req, cl, added)) {
	/* Nothing to add: compile if the database is of another text, else done. */
	if ((ret = edit_compile_current(req, src, "already has these certificates")) > 0) {
	    printf("certpolicy: %s:%d: client %s already has these certificates: nothing to do\n",
		   req->config, cl->line, req->name);
	    ret = 0;
	}
	edit_source_free(src);
	return (ret);
    }
    if (cl != NULL && cl->revoked) {
	if (req->recovering && edit_compile_current(req, src, "is revoked") >= 0) {
	    printf("certpolicy: %s:%d: client %s was revoked since: the interrupted enroll "
		   "is dropped\n", req->config, cl->line, req->name);
	    edit_source_free(src);
	    return (0);
	}
	log_error("%s:%d: client %s is revoked; edit its line to enroll it again",
		  req->config, cl->line, req->name);
	edit_source_free(src);
	return (-1);
    }
    return (edit_change(req, src, cl, added, cl ? "added to" : "enrolled"));
}

/*
 * edit_revoke_moot - a pending revoke of a client no longer in the
 * source is done when none of the records it revokes is enrolled any
 * more (the line was removed by hand): 1, else 0
 */
static int edit_revoke_moot(const struct edit_request *req, struct edit_source *src)
{
    struct clientset *set = clientset_build_cached(src->conf, time_now());
    char    key[DBREC_KEY_MAX];
    size_t  i, klen;
    int     moot = src->conf->diag.errors == 0;

    for (i = 0; moot && i < set->nentries; i++) {
	const struct entry *e = set->entries + i;

	if (src->conf->clients[e->client].revoked)
	    continue;
	klen = dbrec_key(e->kind == ENTRY_CERT ? DBREC_KIND_CERT : DBREC_KIND_PIN, &e->fp, key);
	moot = !edit_pending_has(req->recovering, key, klen);
    }
    diag_discard(&src->conf->diag);
    clientset_free(set);
    return (moot);
}

/*
 * edit_long_revoke - the long way of a revoke. When recovering, a client
 * revoked already is done; a client that is gone is done when none of
 * the certificates the revoke names is enrolled, else an error (the
 * revoke stays in effect through the overlay).
 */
static int edit_long_revoke(const struct edit_request *req, struct edit_source *src,
			            struct edit_text *added)
{
    const struct conf_client *cl = edit_find(src->conf, req->name);
    int     ret;

    if (cl == NULL && req->recovering && edit_revoke_moot(req, src)) {
	printf("certpolicy: %s: client %s is no longer in the source and none of its "
	       "certificates is enrolled: the interrupted revoke is done\n", req->config, req->name);
	ret = edit_compile_current(req, src, "is gone");
	edit_source_free(src);
	return (ret > 0 ? 0 : ret);
    }
    if (cl == NULL || cl->revoked) {
	ret = cl == NULL ? 1 : edit_compile_current(req, src, "is already revoked");
	if (ret > 0 && cl == NULL && req->recovering)
	    log_error("%s: the interrupted revoke of client %s cannot be finished: the source "
		      "has no client %s, and a certificate it revokes is enrolled again", req->config,
		      req->name, req->name);
	else if (ret > 0 && cl == NULL)
	    log_error("%s: no client %s", req->config, req->name);
	else if (ret > 0 && req->recovering)
	    ret = 0;
	else if (ret > 0)
	    log_error("%s:%d: client %s is already revoked", req->config, cl->line, req->name);
	edit_source_free(src);
	return (ret > 0 ? -1 : ret);
    }
    return (edit_change(req, src, cl, added, "revoked"));
}

static int edit_long(const struct edit_request *req, const char *op, struct edit_text *added,
		             const char *own_overlay);

/*
 * edit_finish - finish the edit pending in overlay, then remove it: 0,
 * 1 when that edit was op on base->name adding this_added (this_op NULL:
 * any), or -1 (logged; a revoke that cannot be finished: the overlay
 * stays, and with it the revoke). An enroll that cannot be finished, or
 * whose place is uncertain, is dropped: the source decides.
 */
static int edit_finish(const struct edit_request *base, const char *overlay, const char *this_op,
		               const struct edit_text *this_added)
{
    struct edit_request req = *base;
    struct edit_pending pe;
    struct edit_text added;
    char    why[600], check[600];
    int     ret, applied, revoke;

    if (edit_read_pending(overlay, &pe, why, sizeof(why)) < 0
	|| (strcmp(pe.op, "revoke") != 0 && strcmp(pe.op, "enroll") != 0)
	|| !conf_name_ok(pe.name)
	|| edit_check_text("the recorded edit", pe.added, check, sizeof(check)) < 0) {
	log_error("%s: an edit is pending in %s but cannot be read (%s): it stays in effect; "
		  "nothing was changed", base->config, overlay, *why ? why : check);
	edit_pending_free(&pe);
	return (-1);
    }
    revoke = strcmp(pe.op, "revoke") == 0;
    applied = edit_pending_applied(base, &pe);
    if (applied > 0) {
	printf("certpolicy: %s: the interrupted %s of client %s (%s) is in the source and the "
	       "database already\n", base->config, pe.op, pe.name, overlay);
	ret = 0;
    } else if (applied < 0 && !revoke) {
	printf("certpolicy: %s: the interrupted enroll of client %s (%s) is dropped: the source "
	       "was changed since\n", base->config, pe.name, overlay);
	ret = 0;
    } else {
	printf("certpolicy: %s: finishing the interrupted %s of client %s (%s)%s\n",
	       base->config, pe.op, pe.name, overlay,
	       applied < 0 ? ": the source was changed since, the revoke is made again" : "");
	req.name = pe.name;
	req.recovering = overlay;
	memset(&added, 0, sizeof(added));
	edit_add(&added, pe.added, strlen(pe.added));
	ret = edit_long(&req, pe.op, &added, overlay);
	free(added.data);
	if (ret < 0 && !revoke) {
	    printf("certpolicy: %s: the interrupted enroll of client %s cannot be finished "
		   "(above): it is dropped\n", base->config, pe.name);
	    ret = 0;
	}
    }
    if (ret == 0)
	(void) unlink(overlay);
    if (ret == 0 && this_op != NULL && strcmp(pe.op, this_op) == 0
	&& strcmp(pe.name, base->name) == 0 && applied >= 0
	&& strcmp(pe.added, this_added->data ? this_added->data : "") == 0)
	ret = 1;
    edit_pending_free(&pe);
    return (ret);
}

/*
 * edit_long - the whole source edited, checked and compiled with every
 * output. An overlay pending from an earlier run (not own_overlay, this
 * run's own) is finished first.
 */
static int edit_long(const struct edit_request *req, const char *op, struct edit_text *added,
		             const char *own_overlay)
{
    struct edit_source src;
    struct stat st;
    char   *pending;
    int     same;

    if (edit_load(req, &src) < 0)
	return (-1);
    compile_sweep(src.conf);			/* a killed run's leftovers, even with nothing to compile */
    pending = edit_overlay_path(src.conf);
    if ((own_overlay == NULL || strcmp(own_overlay, pending) != 0) && lstat(pending, &st) == 0) {
	edit_source_free(&src);
	if ((same = edit_finish(req, pending, op, added)) < 0 || same > 0) {
	    free(pending);
	    return (same < 0 ? -1 : 0);		/* that edit was this very one */
	}
	if (edit_load(req, &src) < 0) {
	    free(pending);
	    return (-1);
	}
    }
    free(pending);
    if (strcmp(op, "revoke") == 0)
	return (edit_long_revoke(req, &src, added));
    return (edit_long_enroll(req, &src, added));
}

/*
 * edit_run - one enroll or revoke: in effect at once through the overlay
 * when fastedit applies, then the long way; the overlay goes once the
 * database holds the edit
 */
static int edit_run(const struct edit_request *req, const char *op, struct edit_text *added)
{
    struct conf *expected = edit_expected(req, added);
    char    why[600];
    char   *overlay = NULL;
    int     ret;

    if (fastedit_apply(req, op, added, expected, &overlay, why, sizeof(why)) > 0) {
	printf("certpolicy: %s: %s client %s: in effect now in certpolicyd (%s); "
	       "updating the source and the Postfix maps\n", req->config,
	       strcmp(op, "revoke") == 0 ? "revoked" : "enrolled", req->name, overlay);
	fflush(stdout);
    }
    conf_free(expected);
    ret = edit_long(req, op, added, overlay);
    if (overlay != NULL && (ret == 0 || strcmp(op, "enroll") == 0)) {
	/* done; or an enroll that failed: it permits nobody more, as it said */
	(void) unlink(overlay);
    } else if (overlay != NULL) {
	/* a revoke that failed stays in effect: revoked is the safe side */
	log_error("%s: the source and the Postfix maps were not changed, but the revoke of "
		  "client %s stays in effect in certpolicyd through %s: the next compile, "
		  "enroll, revoke or refresh finishes it", req->config, req->name, overlay);
    }
    free(overlay);
    free(added->data);
    return (ret);
}

/* edit_finish_pending - see edit.h */
int     edit_finish_pending(const struct edit_request *req, const struct conf *conf)
{
    char   *overlay = edit_overlay_path(conf);
    struct stat st;
    int     ret = 0;

    if (lstat(overlay, &st) == 0)
	ret = edit_finish(req, overlay, NULL, NULL) < 0 ? -1 : 1;
    free(overlay);
    return (ret);
}

/* edit_enroll - add a client, or certificates to one */
int     edit_enroll(const struct edit_request *req)
{
    struct edit_text added;

    if (edit_check_name(req) < 0)
	return (-1);
    memset(&added, 0, sizeof(added));
    if (edit_enroll_items(req, &added) < 0) {
	free(added.data);
	return (-1);
    }
    return (edit_run(req, "enroll", &added));
}

/* edit_revoke_values - --date and --reason, checked as the source checks them */
static int edit_revoke_values(const struct edit_request *req)
{
    char    why[512] = "";
    time_t  when;

    if (req->date != NULL && (edit_check_text("--date", req->date, why, sizeof(why)) < 0
			      || time_parse_date(req->date, &when) < 0)) {
	if (*why == 0)
	    snprintf(why, sizeof(why), "revoked=%s: expected a date YYYY-MM-DD", req->date);
	log_error("%s: nothing was changed", why);
	return (-1);
    }
    if (req->reason != NULL && edit_check_text("--reason", req->reason, why, sizeof(why)) < 0) {
	log_error("%s: nothing was changed", why);
	return (-1);
    }
    return (0);
}

/* edit_revoke - mark a client revoked */
int     edit_revoke(const struct edit_request *req)
{
    struct edit_text added;
    char    today[11];

    if (edit_check_name(req) < 0 || edit_revoke_values(req) < 0)
	return (-1);
    memset(&added, 0, sizeof(added));
    edit_attr(&added, "revoked", req->date ? req->date : time_format_date(time_now(), today));
    if (req->reason != NULL)
	edit_attr(&added, "reason", req->reason);
    return (edit_run(req, "revoke", &added));
}
