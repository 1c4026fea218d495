/*
 * fastedit - an enroll or a revoke in effect at once
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cdb.h>

#include "util/atomic_file.h"
#include "util/mem.h"
#include "util/timeutil.h"
#include "policy/cdbfile.h"
#include "policy/dbrec.h"
#include "source/clientset.h"
#include "source/edit_check.h"
#include "tool/compile.h"
#include "tool/fastedit.h"
#include "tool/srcindex.h"

/* What one attempt holds; released by fastedit_free(). */
struct fastedit {
    int     fd;				/* the source file */
    struct stat st;
    char   *header;			/* its first header_len bytes */
    size_t  header_len;
    char   *line;			/* the client's line, or NULL */
    size_t  records;			/* the database's records for it */
    struct conf *head;			/* the header parsed */
    struct conf *after;			/* header + the changed line */
    struct clientset *set;		/* of after */
    struct srcindex ix;
    struct cdbfile db;
    int     db_open;
    char   *overlay;
};

/* fastedit_free - release an attempt */
static void fastedit_free(struct fastedit *fe)
{
    if (fe->set)
	clientset_free(fe->set);
    if (fe->after)
	conf_free(fe->after);
    if (fe->head)
	conf_free(fe->head);
    if (fe->db_open)
	cdbfile_free(&fe->db);
    srcindex_close(&fe->ix);
    if (fe->fd >= 0)
	close(fe->fd);
    free(fe->header);
    free(fe->line);
    free(fe->overlay);
}

/* fastedit_pread - exactly len bytes at off; 0 or -1 */
static int fastedit_pread(int fd, char *buf, size_t len, off_t off)
{
    ssize_t n;

    while (len > 0) {
	if ((n = pread(fd, buf, len, off)) <= 0)
	    return (-1);
	buf += n;
	len -= (size_t) n;
	off += n;
    }
    return (0);
}

/*
 * fastedit_header - the source's text before its first line that starts
 * with "client" and a blank (srcline.h: such a line starts a logical
 * line, never continues one), or the whole file when there is none; -1
 * when that is more than FASTEDIT_MAX_HEADER bytes or unreadable
 */
static int fastedit_header(struct fastedit *fe)
{
    /* a client line may start at the limit itself: read that line's first word too */
    size_t  want = FASTEDIT_MAX_HEADER + 7;
    size_t  len = (size_t) fe->st.st_size < want ? (size_t) fe->st.st_size : want;
    size_t  pos = 0;
    const char *nl;

    fe->header = mem_alloc(len + 1);
    if (fastedit_pread(fe->fd, fe->header, len, 0) < 0)
	return (-1);
    if (len >= 3 && memcmp(fe->header, "\xEF\xBB\xBF", 3) == 0)
	pos = 3;
    for (;;) {
	if (pos <= FASTEDIT_MAX_HEADER && len - pos > 6 && memcmp(fe->header + pos, "client", 6) == 0
	    && (fe->header[pos + 6] == ' ' || fe->header[pos + 6] == '\t')) {
	    fe->header_len = pos;
	    return (memchr(fe->header, 0, pos) != NULL ? -1 : 0);
	}
	if ((nl = memchr(fe->header + pos, '\n', len - pos)) == NULL)
	    break;
	pos = (size_t) (nl - fe->header) + 1;
    }
    if (len < (size_t) fe->st.st_size || len > FASTEDIT_MAX_HEADER)
	return (-1);				/* no client within the limit */
    fe->header_len = len;
    return (memchr(fe->header, 0, len) != NULL ? -1 : 0);
}

/* fastedit_text - the header, then line and added as the one client line, in new memory */
static char *fastedit_text(const struct fastedit *fe, const char *line, const char *added)
{
    const char *sep = fe->header_len > 0 && fe->header[fe->header_len - 1] != '\n' ? "\n" : "";

    return (mem_printf("%.*s%s%s%s\n", (int) fe->header_len, fe->header, sep, line, added));
}

/* fastedit_parse - conf of text (freed here); NULL when it has errors */
static struct conf *fastedit_parse(const struct edit_request *req, char *text)
{
    struct conf *conf = conf_parse(req->config, text, strlen(text), req->bounds);

    free(text);
    if (conf->diag.errors) {
	conf_free(conf);
	return (NULL);
    }
    diag_discard(&conf->diag);			/* the long way prints them */
    return (conf);
}

/* fastedit_record - the database's record for key: 1 (rec), 0 none, -1 damaged */
static int fastedit_record(struct fastedit *fe, const char *key, size_t klen,
			           const char **data, unsigned *len)
{
    return (cdbfile_find(&fe->db, key, klen, data, len));
}

/* fastedit_listed - the word tok[n] is one of the space-separated words of list */
static int fastedit_listed(const char *list, const char *tok, size_t n)
{
    size_t  m;

    for (; *list; list += m + (list[m] == ' ')) {
	m = strcspn(list, " ");
	if (m == n && memcmp(list, tok, n) == 0)
	    return (1);
    }
    return (0);
}

/*
 * fastedit_others - does key belong to (or, for k: records, list a
 * certificate of) another client than the one edited? 1 yes or cannot
 * tell, 0 no. certs lists the fingerprints this client has for a k: key.
 */
static int fastedit_others(struct fastedit *fe, int kind, const struct fprint *fp,
			           const char *name, const char *certs)
{
    char    key[DBREC_KEY_MAX];
    size_t  klen = dbrec_key(kind, fp, key);
    const char *data = NULL, *cp, *end;
    unsigned len = 0;
    size_t  n;
    struct dbrec rec;
    int     found = fastedit_record(fe, key, klen, &data, &len);

    if (found <= 0)
	return (found < 0);
    if (kind != DBREC_KIND_KEY)
	return (dbrec_decode(data, len, &rec) < 0 || rec.name_len != strlen(name)
		|| memcmp(rec.name, name, rec.name_len) != 0);
    /* a k: record: every certificate listed must be one of this client's */
    for (cp = data, end = data + len; cp < end; cp += n + 1) {
	const char *sp = memchr(cp, ' ', (size_t) (end - cp));

	n = sp ? (size_t) (sp - cp) : (size_t) (end - cp);
	if (!fastedit_listed(certs, cp, n))
	    return (1);
    }
    return (0);
}

/* fastedit_key_certs - this client's certificates with public key kfp, space-separated */
static char *fastedit_key_certs(const struct clientset *set, const struct fprint *kfp)
{
    enum fprint_digest digest = conf_digest(set->conf);
    char    text[FPRINT_TEXT_MAX];
    char   *out = mem_strdup(""), *next;
    size_t  i;

    for (i = 0; i < set->nentries; i++) {
	const struct entry *e = set->entries + i;

	if (e->kind != ENTRY_CERT || e->cert == NULL || !fprint_equal(e->cert->pubkey_fp + digest, kfp))
	    continue;
	next = mem_printf("%s%s%s", out, *out ? " " : "", fprint_format(&e->fp, text));
	free(out);
	out = next;
    }
    return (out);
}

/*
 * fastedit_touches_others - the records of this change would also change
 * another client's decision, or cannot be told apart from one: 1, else 0
 */
static int fastedit_touches_others(struct fastedit *fe, const char *op, const char *name)
{
    const struct clientset *set = fe->set;
    enum fprint_digest digest = conf_digest(set->conf);
    int     revoke = strcmp(op, "revoke") == 0;
    size_t  i;
    char   *certs;
    int     other;

    for (i = 0; i < set->nentries; i++) {
	const struct entry *e = set->entries + i;
	int     kind = e->kind == ENTRY_CERT ? DBREC_KIND_CERT : DBREC_KIND_PIN;

	if (e->key_revoked_by != NULL || fastedit_others(fe, kind, &e->fp, name, NULL))
	    return (1);
	if (e->kind == ENTRY_PIN && !revoke
	    && fastedit_others(fe, DBREC_KIND_KEY, &e->fp, name, "") != 0)
	    return (1);				/* a pin of a key with enrolled certificates */
	if (e->cert == NULL)
	    continue;
	if (fastedit_others(fe, DBREC_KIND_PIN, e->cert->pubkey_fp + digest, name, NULL))
	    return (1);				/* another client pins this key */
	if (revoke)
	    continue;
	certs = fastedit_key_certs(set, e->cert->pubkey_fp + digest);
	other = fastedit_others(fe, DBREC_KIND_KEY, e->cert->pubkey_fp + digest, name, certs);
	free(certs);
	if (other)
	    return (1);
    }
    return (0);
}

/*
 * fastedit_same_records - the database holds, for the client as its line
 * reads now, exactly the records the last compile wrote for it: as many
 * (the index's count), each under its name. A certificate file renewed or
 * replaced since that compile shows here (its fingerprint is not in the
 * database), and the long way must then compile it. 1 yes, else 0.
 */
static int fastedit_same_records(struct fastedit *fe, const struct edit_request *req,
				         struct conf *before)
{
    struct clientset *set = clientset_build(before, time_now());
    size_t  i;
    int     same = !before->diag.errors && set->nentries == fe->records;

    for (i = 0; same && i < set->nentries; i++) {
	const struct entry *e = set->entries + i;
	char    key[DBREC_KEY_MAX];
	size_t  klen = dbrec_key(e->kind == ENTRY_CERT ? DBREC_KIND_CERT : DBREC_KIND_PIN, &e->fp, key);
	const char *data;
	unsigned len;
	struct dbrec rec;

	same = fastedit_record(fe, key, klen, &data, &len) > 0 && dbrec_decode(data, len, &rec) == 0
	    && rec.name_len == strlen(req->name) && memcmp(rec.name, req->name, rec.name_len) == 0;
    }
    clientset_free(set);
    diag_discard(&before->diag);
    return (same);
}

/* fastedit_put - one overlay record; -1 on a write error */
static int fastedit_put(struct cdb_make *cdbm, const char *key, size_t klen, const char *val)
{
    return (cdb_make_add(cdbm, key, (unsigned) klen, val, (unsigned) strlen(val)));
}

/* fastedit_write_records - the client's records, and for an enroll its k: records */
static int fastedit_write_records(struct fastedit *fe, struct cdb_make *cdbm, int enroll)
{
    const struct clientset *set = fe->set;
    enum fprint_digest digest = conf_digest(set->conf);
    char    key[DBREC_KEY_MAX];
    size_t  i, j, klen;
    char   *val;
    int     err = 0;

    for (i = 0; err == 0 && i < set->nentries; i++) {
	const struct entry *e = set->entries + i;

	val = compile_entry_value(set, e);
	klen = dbrec_key(e->kind, &e->fp, key);
	err |= fastedit_put(cdbm, key, klen, val);
	free(val);
	if (!enroll || e->cert == NULL)
	    continue;
	for (j = 0; j < i; j++)			/* one k: record per key */
	    if (set->entries[j].cert != NULL
		&& fprint_equal(set->entries[j].cert->pubkey_fp + digest, e->cert->pubkey_fp + digest))
		break;
	if (j < i)
	    continue;
	val = fastedit_key_certs(set, e->cert->pubkey_fp + digest);
	klen = dbrec_key(DBREC_KIND_KEY, e->cert->pubkey_fp + digest, key);
	err |= fastedit_put(cdbm, key, klen, val);
	free(val);
    }
    return (err);
}

/* fastedit_write - the overlay, in place when this returns 0 */
static int fastedit_write(struct fastedit *fe, const char *op, const char *name,
			          const char *added, char *why, size_t why_len)
{
    struct atomic_file af;
    struct cdb_make cdbm;
    char   *edit = mem_printf("%s\t%s\t%s", op, name, added);
    int     err = 0;

    (void) atomic_sweep(fe->overlay);
    if (atomic_open(&af, fe->overlay, 0644) < 0) {
	snprintf(why, why_len, "%s", af.why);
	free(edit);
	return (-1);
    }
    if (cdb_make_start(&cdbm, af.fd) < 0) {
	atomic_abort(&af);
	free(edit);
	snprintf(why, why_len, "cannot write %s", fe->overlay);
	return (-1);
    }
    err |= fastedit_put(&cdbm, DBREC_FORMAT_KEY, strlen(DBREC_FORMAT_KEY), DBREC_FORMAT);
    err |= fastedit_put(&cdbm, DBREC_OVERLAY_OF_KEY, strlen(DBREC_OVERLAY_OF_KEY), fe->ix.sha);
    err |= fastedit_put(&cdbm, DBREC_EDIT_KEY, strlen(DBREC_EDIT_KEY), edit);
    if (err == 0)
	err |= fastedit_write_records(fe, &cdbm, strcmp(op, "enroll") == 0);
    if (cdb_make_finish(&cdbm) < 0)
	err = -1;
    free(edit);
    if (err || atomic_close(&af) < 0 || atomic_commit(&af) < 0) {
	snprintf(why, why_len, "cannot write %s: %s", fe->overlay, err ? strerror(errno) : af.why);
	atomic_abort(&af);
	return (-1);
    }
    atomic_release(&af);
    return (0);
}

/* fastedit_base - the source's header, its index and its database agree; 0 or -1 (why) */
static int fastedit_base(const struct edit_request *req, struct fastedit *fe, char *why,
			         size_t why_len)
{
    const char *database;
    char   *target, *sha;
    struct stat ost;
    int     changed, bad;

    if ((target = realpath(req->config, NULL)) == NULL
	|| (fe->fd = open(target, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fe->fd, &fe->st) < 0
	|| !S_ISREG(fe->st.st_mode)) {
	free(target);
	snprintf(why, why_len, "cannot read the source");
	return (-1);
    }
    free(target);
    if (fastedit_header(fe) < 0) {
	snprintf(why, why_len, "no client line within the first %d bytes", FASTEDIT_MAX_HEADER);
	return (-1);
    }
    if ((fe->head = fastedit_parse(req, mem_strndup(fe->header, fe->header_len))) == NULL) {
	snprintf(why, why_len, "the header has errors");
	return (-1);
    }
    database = fe->head->set.value[SET_DATABASE];
    if (srcindex_open(&fe->ix, database, why, why_len) < 0)
	return (-1);
    if (!srcindex_same(&fe->st, &fe->ix.source) || fe->ix.header_end != fe->header_len) {
	snprintf(why, why_len, "the source changed since the last compile");
	return (-1);
    }
    cdbfile_init(&fe->db, database, NULL, NULL, NULL);
    fe->db_open = 1;
    if (!cdbfile_refresh(&fe->db, &changed)
	|| (sha = cdbfile_get(&fe->db, DBREC_SOURCE_KEY, &bad)) == NULL) {
	snprintf(why, why_len, "no usable database");
	return (-1);
    }
    bad = strcmp(sha, fe->ix.sha) != 0;
    free(sha);
    if (bad) {
	snprintf(why, why_len, "the database was not compiled from this source");
	return (-1);
    }
    fe->overlay = mem_printf("%s%s", database, DBREC_OVERLAY_SUFFIX);
    if (lstat(fe->overlay, &ost) == 0 || errno != ENOENT) {
	snprintf(why, why_len, "an earlier edit is pending in %s", fe->overlay);
	return (-1);
    }
    return (0);
}

/* fastedit_client_line - the client's line as the index places it; 1, 0 none, -1 (why) */
static int fastedit_client_line(const struct edit_request *req, struct fastedit *fe,
				        char *why, size_t why_len)
{
    size_t  start, end, nlen = strlen(req->name);
    int     found;

    if ((found = srcindex_find(&fe->ix, req->name, &start, &end, &fe->records)) <= 0) {
	if (found < 0)
	    snprintf(why, why_len, "the index is damaged");
	return (found);
    }
    fe->line = mem_alloc(end - start + 1);
    if (start < fe->header_len || fastedit_pread(fe->fd, fe->line, end - start, (off_t) start) < 0
	|| memchr(fe->line, 0, end - start) != NULL) {
	snprintf(why, why_len, "the index does not match the source");
	return (-1);
    }
    fe->line[end - start] = 0;
    if (strncmp(fe->line, "client", 6) != 0 || strspn(fe->line + 6, " \t") == 0
	|| strncmp(fe->line + 6 + strspn(fe->line + 6, " \t"), req->name, nlen) != 0) {
	snprintf(why, why_len, "the index does not match the source");
	return (-1);
    }
    return (1);
}

/* fastedit_apply - the overlay of one edit */
int     fastedit_apply(const struct edit_request *req, const char *op,
		               const struct edit_text *added_text, const struct conf *expected,
		               char **overlay, char *why, size_t why_len)
{
    struct fastedit fe;
    struct conf *before = NULL;
    const struct conf_client *cl;
    const char *added = added_text->data ? added_text->data : "";
    char   *line;
    int     found, ret = 0;

    memset(&fe, 0, sizeof(fe));
    fe.fd = -1;
    fe.ix.fd = -1;
    *overlay = NULL;
    if (fastedit_base(req, &fe, why, why_len) < 0
	|| (found = fastedit_client_line(req, &fe, why, why_len)) < 0)
	goto done;
    if (found == 0 && strcmp(op, "revoke") == 0) {
	snprintf(why, why_len, "no client %s", req->name);
	goto done;
    }
    line = found ? mem_strdup(fe.line) : mem_printf("client %s", req->name);
    if (found && (before = fastedit_parse(req, fastedit_text(&fe, line, ""))) == NULL) {
	snprintf(why, why_len, "the client's line has errors");
	free(line);
	goto done;
    }
    fe.after = fastedit_parse(req, fastedit_text(&fe, line, added));
    free(line);
    cl = before != NULL && before->nclients == 1 ? before->clients : NULL;
    if (fe.after == NULL || fe.after->nclients != 1 || (found && cl == NULL)
	|| strcmp(fe.after->clients[0].name, req->name) != 0) {
	snprintf(why, why_len, "the changed line does not parse to the change");
	goto done;
    }
    if (cl != NULL && cl->revoked) {
	snprintf(why, why_len, "client %s is revoked", req->name);
	goto done;
    }
    if (cl != NULL && strcmp(op, "enroll") == 0 && edit_has_items(req, cl, added_text)) {
	snprintf(why, why_len, "client %s has these already", req->name);
	goto done;
    }
    if (edit_check_change(before ? before : fe.head, fe.after, expected, why, why_len) < 0)
	goto done;
    /* what only the whole source shows: its size, its number of clients */
    if ((long long) fe.st.st_size + (long long) strlen(added) + (found ? 0 : 16 + (long long) strlen(req->name))
	> req->bounds->value[BOUND_MAX_SOURCE_SIZE]
	|| (!found && (long long) fe.ix.nclients + 1 > req->bounds->value[BOUND_MAX_CLIENTS])) {
	snprintf(why, why_len, "the source would cross max_source_size or max_clients");
	goto done;
    }
    if (found && !fastedit_same_records(&fe, req, before)) {
	snprintf(why, why_len, "the client's certificates changed since the last compile");
	goto done;
    }
    fe.set = clientset_build(fe.after, time_now());
    if (fe.after->diag.errors || fe.set->nentries == 0) {
	snprintf(why, why_len, "the client's certificates do not pass the check");
	goto done;
    }
    diag_discard(&fe.after->diag);
    if (fastedit_touches_others(&fe, op, req->name)) {
	snprintf(why, why_len, "the change touches another client's records");
	goto done;
    }
    if (fastedit_write(&fe, op, req->name, added, why, why_len) == 0) {
	*overlay = fe.overlay;
	fe.overlay = NULL;
	ret = 1;
    }

done:
    if (before)
	conf_free(before);
    fastedit_free(&fe);
    return (ret);
}
