/*
 * conf - certpolicy.conf, parsed
 *
 * Three kinds of logical line: "NAME = VALUE" (a setting), "client NAME
 * ATTRIBUTE=VALUE..." and "tls NEXTHOP LEVEL [ATTRIBUTE=VALUE...]". The
 * file is read whole (at most max_source_size bytes) and every line is
 * checked even after an error, so one run reports every problem.
 */
#include "config.h"

#include <openssl/evp.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <errno.h>
#include <string.h>

#include "source/conf.h"
#include "util/file_read.h"
#include "util/htable.h"
#include "util/mem.h"
#include "util/srcline.h"
#include "source/srcpaths.h"
#include "util/srcword.h"
#include "util/timeutil.h"
#include "source/conf_tls.h"

struct conf_state {
    struct conf *conf;
    struct htable names;		/* client name -> struct conf_client index+1 */
    struct conf_tls_lines tls;		/* checked after the whole file */
    char   *dir;			/* of the source, for relative cert= paths */
    size_t  line_start;			/* offset where the current line's text starts */
    size_t  line_end;			/* offset where the current line's text ends */
    int     clients_over;		/* max_clients crossed, reported */
};

/* conf_digest - the fingerprint_digest setting */
enum fprint_digest conf_digest(const struct conf *conf)
{
    return (conf->set.digest);
}

/* conf_setting - NAME = VALUE */
static void conf_setting(struct conf_state *st, char *text, int line)
{
    struct conf *conf = st->conf;
    size_t  namelen = strspn(text, "abcdefghijklmnopqrstuvwxyz0123456789_");
    char   *value = text + namelen;
    char    why[512];
    int     id;
    const unsigned char *cp;
    struct srcwords words = {0};
    const char *werr;

    while (*value == ' ' || *value == '\t')
	value++;
    value++;					/* the '=' */
    while (*value == ' ' || *value == '\t')
	value++;
    text[namelen] = 0;
    if ((id = settings_lookup(text)) < 0) {
	diag_error(&conf->diag, line, "unknown setting \"%s\"", text);
	return;
    }
    if (conf->set_line[id]) {
	diag_error(&conf->diag, line, "duplicate setting \"%s\" (first set on line %d)",
		   text, conf->set_line[id]);
	return;
    }
    conf->set_line[id] = line;
    if (*value == '"') {
	if (srcword_split(value, &words, &werr) < 0 || words.count != 1) {
	    diag_error(&conf->diag, line, "%s: %s", text, words.count > 1 ?
		       "text after the closing '\"'" : werr);
	    srcword_free(&words);
	    return;
	}
	srcword_free(&words);
    }
    if (settings_set(&conf->set, (enum setting_id) id, value, why, sizeof(why)) < 0) {
	/* A value with a control character is not echoed (a terminal escape). */
	for (cp = (const unsigned char *) value; *cp >= 0x20 && *cp != 0x7f; cp++)
	     /* void */ ;
	if (*cp)
	    diag_error(&conf->diag, line, "%s: %s", text, why);
	else
	    diag_error(&conf->diag, line, "%s = %s: %s", text, value, why);
	return;
    }
}

/* conf_name_ok - letters, digits and . _ @ + - */
int     conf_name_ok(const char *name)
{
    const char *cp;

    for (cp = name; *cp; cp++)
	if (!isalnum((unsigned char) *cp) && strchr("._@+-", *cp) == NULL)
	    return (0);
    return (cp != name);
}

/* conf_resolve - a cert= path relative to the source file's directory */
static char *conf_resolve(const struct conf_state *st, const char *path)
{
    if (path[0] == '/' || st->dir == NULL)
	return (mem_strdup(path));
    return (mem_printf("%s/%s", st->dir, path));
}

/* conf_client_attr - one ATTRIBUTE=VALUE of a client line */
static void conf_client_attr(struct conf_state *st, struct conf_client *cl,
			             const char *attr, const char *value, int line)
{
    struct conf *conf = st->conf;
    struct fprint fp;
    const char *why;
    const char *cp;

    if (*value == 0) {
	diag_error(&conf->diag, line, "client %s: %s= needs a value", cl->name, attr);
    } else if (strcmp(attr, "cert") == 0) {
	cl->certs = mem_realloc(cl->certs, cl->ncerts + 1, sizeof(*cl->certs));
	cl->cert_lines = mem_realloc(cl->cert_lines, cl->ncerts + 1, sizeof(int));
	cl->cert_lines[cl->ncerts] = line;
	cl->certs[cl->ncerts++] = conf_resolve(st, value);
    } else if (strcmp(attr, "fingerprint") == 0 || strcmp(attr, "pubkey_fingerprint") == 0) {
	if (fprint_parse(value, &fp, &why) < 0) {
	    diag_error(&conf->diag, line, "client %s: %s=%s: %s", cl->name, attr, value, why);
	} else if (attr[0] == 'f') {
	    cl->fps = mem_realloc(cl->fps, cl->nfps + 1, sizeof(*cl->fps));
	    cl->fps[cl->nfps++] = fp;
	} else if (cl->has_pin) {
	    diag_error(&conf->diag, line, "client %s: more than one pubkey_fingerprint=", cl->name);
	} else {
	    cl->pin = fp;
	    cl->has_pin = 1;
	}
    } else if (strcmp(attr, "revoked") == 0) {
	if (cl->revoked)
	    diag_error(&conf->diag, line, "client %s: revoked= is given twice", cl->name);
	else if (time_parse_date(value, &cl->revoked_at) < 0)
	    diag_error(&conf->diag, line, "client %s: revoked=%s: expected a date YYYY-MM-DD",
		       cl->name, value);
	cl->revoked = 1;
    } else if (strcmp(attr, "reason") == 0) {
	for (cp = value; *cp && !iscntrl((unsigned char) *cp); cp++)
	     /* void */ ;
	if (cl->reason != NULL)
	    diag_error(&conf->diag, line, "client %s: reason= is given twice", cl->name);
	else if (*cp)
	    diag_error(&conf->diag, line, "client %s: reason= contains a control character", cl->name);
	else
	    cl->reason = mem_strdup(value);
    } else {
	diag_error(&conf->diag, line, "client %s: unknown attribute \"%s\" (expected cert, "
		   "fingerprint, pubkey_fingerprint, revoked or reason)", cl->name, attr);
    }
}

/* conf_client - client NAME ATTRIBUTE=VALUE... */
static void conf_client(struct conf_state *st, struct srcwords *words, int line)
{
    struct conf *conf = st->conf;
    struct conf_client *cl;
    int     identified = 0;
    void   *prev;
    size_t  i;

    if (words->count < 2) {
		diag_error(&conf->diag, line, "expected: client NAME ATTRIBUTE=VALUE...");
	return;
    }
    if (!conf_name_ok(words->word[1])) {
	diag_error(&conf->diag, line, "client name \"%s\": use only letters, digits and . _ @ + -",
		   words->word[1]);
	return;
    }
    if (conf->nclients >= (size_t) conf->bounds->value[BOUND_MAX_CLIENTS]) {
	if (!st->clients_over)
	    diag_error(&conf->diag, line, "more than max_clients (%lld) clients",
		       conf->bounds->value[BOUND_MAX_CLIENTS]);
	st->clients_over = 1;
	return;
    }
    conf->clients = mem_grow(conf->clients, conf->nclients, &conf->clients_cap, sizeof(*cl));
    cl = conf->clients + conf->nclients;
    memset(cl, 0, sizeof(*cl));
    cl->name = mem_strdup(words->word[1]);
    cl->line = line;
    cl->start = st->line_start;
    cl->end = st->line_end;
    for (i = 2; i < words->count; i++) {
	char   *eq = strchr(words->word[i], '=');

	if (eq == NULL) {
	    diag_error(&conf->diag, line, "client %s: \"%s\": expected ATTRIBUTE=VALUE",
		       cl->name, words->word[i]);
	    continue;
	}
	*eq = 0;
	identified |= strcmp(words->word[i], "cert") == 0
	    || strcmp(words->word[i], "fingerprint") == 0
	    || strcmp(words->word[i], "pubkey_fingerprint") == 0;
	conf_client_attr(st, cl, words->word[i], eq + 1, line);
    }
    if (!identified)
	diag_error(&conf->diag, line, "client %s: needs at least one cert=, fingerprint= or "
		   "pubkey_fingerprint=", cl->name);
    if (cl->reason != NULL && !cl->revoked)
	diag_error(&conf->diag, line, "client %s: reason= without revoked=", cl->name);
    conf->nclients++;
    prev = htable_insert(&st->names, cl->name, strlen(cl->name), (void *) (size_t) line);
    if (prev != NULL)
	diag_error(&conf->diag, line, "duplicate client name \"%s\" (first on line %d)",
		   cl->name, (int) (size_t) prev);
}

/* conf_line - one logical line */
static void conf_line(struct conf_state *st, char *text, int line)
{
    size_t  namelen = strspn(text, "abcdefghijklmnopqrstuvwxyz0123456789_");
    const char *after = text + namelen;
    struct srcwords words = {0};
    const char *why;

    while (*after == ' ' || *after == '\t')
	after++;
    if (namelen > 0 && *after == '=') {
	conf_setting(st, text, line);
	return;
    }
    if (srcword_split(text, &words, &why) < 0)
	diag_error(&st->conf->diag, line, "%s", why);
    else if (strcmp(words.word[0], "client") == 0)
	conf_client(st, &words, line);
    else if (strcmp(words.word[0], "tls") == 0)
	conf_tls_keep(&st->tls, &words, line);
    else
	diag_error(&st->conf->diag, line, "expected NAME = VALUE, client NAME ... or tls NEXTHOP ...");
    srcword_free(&words);
}

/* conf_cross_check - rules that involve more than one setting */
static void conf_cross_check(struct conf *conf)
{
    static const enum setting_id never_permit[] = {
	SET_ERROR_ACTION, SET_REVOKED_ACTION, SET_EXPIRED_ACTION, SET_UNAVAILABLE_ACTION,
    };
    size_t  i;

    for (i = 0; i < sizeof(never_permit) / sizeof(never_permit[0]); i++) {
	enum setting_id id = never_permit[i];

	if (settings_action(&conf->set, id)->permits)
	    diag_error(&conf->diag, conf->set_line[id], "%s must not permit (OK)",
		       settings_table[id].name);
    }
    if (conf->set.revocation_on && *conf->set.value[SET_CLIENT_CA_FILE] == 0)
	diag_error(&conf->diag, conf->set_line[SET_REVOCATION_CHECK],
		   "revocation_check = %s needs client_ca_file",
		   conf->set.value[SET_REVOCATION_CHECK]);
    if (conf->set.relay_clientcerts.path != NULL
	&& settings_equal(&conf->set, SET_RELAY_CLIENTCERTS, &conf->set, SET_TLS_POLICY_MAP))
	diag_error(&conf->diag, conf->set_line[SET_TLS_POLICY_MAP],
		   "tls_policy_map and relay_clientcerts name the same map");
    if (settings_equal(&conf->set, SET_DATABASE, &conf->set, SET_STATUS_DATABASE))
	diag_error(&conf->diag, conf->set_line[SET_STATUS_DATABASE],
		   "database and status_database name the same file");
    srcpaths_check(conf);
}

/*
 * conf_read - read and check path. A file written in place while it is
 * read (an editor that truncates and rewrites) could be read half old,
 * half new, or cut short; the file must look the same before and after
 * the read, and conf_unchanged() asks again before outputs are replaced.
 */
struct conf *conf_read(const char *path, const struct bounds *bounds,
			       char *why, size_t why_len)
{
    struct conf *conf;
    struct stat before, after;
    char   *data;
    size_t  len;

    if (stat(path, &before) < 0) {
	snprintf(why, why_len, "cannot open: %s", strerror(errno));
	return (NULL);
    }
    if ((data = file_read_all(path, (size_t) bounds->value[BOUND_MAX_SOURCE_SIZE],
			      "max_source_size", &len, why, why_len)) == NULL)
	return (NULL);
    if (stat(path, &after) < 0 || !file_same(&before, &after)
	|| (S_ISREG(after.st_mode) && (off_t) len != after.st_size)) {
	snprintf(why, why_len, "the file changed while it was read; try again");
	free(data);
	return (NULL);
    }
    conf = conf_parse(path, data, len, bounds);
    free(data);
    conf->source = after;
    conf->read_file = 1;
    return (conf);
}

/* conf_unchanged - the source file is still the one read */
int     conf_unchanged(const struct conf *conf, char *why, size_t why_len)
{
    struct stat now;

    if (!conf->read_file)
	return (1);
    if (stat(conf->path, &now) < 0 || !file_same(&conf->source, &now)) {
	snprintf(why, why_len, "the file changed while it was compiled; try again");
	return (0);
    }
    return (1);
}

/* conf_parse - check the text of a source file named path */
/* conf_text_digest - the SHA-256 of the source text, in hex, in conf->text_sha256 */
static void conf_text_digest(struct conf *conf, const char *data, size_t len)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0, i;

    conf->text_sha256[0] = 0;
    if (EVP_Digest(data, len, md, &mdlen, EVP_sha256(), NULL) != 1 || mdlen != 32)
	return;
    for (i = 0; i < mdlen; i++)
	snprintf(conf->text_sha256 + 2 * i, 3, "%02x", md[i]);
}

struct conf *conf_parse(const char *path, const char *data, size_t len,
			        const struct bounds *bounds)
{
    struct conf_state st;
    struct conf *conf;
    struct srcline sl;
    enum srcline_status status;
    const char *slash;
    char   *text;
    int     line;

    conf = mem_calloc(1, sizeof(*conf));
    conf->path = mem_strdup(path);
    conf->bounds = bounds;
    diag_init(&conf->diag, path);
    conf_text_digest(conf, data, len);
    settings_init(&conf->set);
    if (len > (size_t) bounds->value[BOUND_MAX_SOURCE_SIZE]) {
	diag_error(&conf->diag, 0, "file is larger than max_source_size (%lld bytes)",
		   bounds->value[BOUND_MAX_SOURCE_SIZE]);
	return (conf);
    }
    st.conf = conf;
    st.clients_over = 0;
    st.dir = (slash = strrchr(path, '/')) ? mem_strndup(path, (size_t) (slash - path)) : NULL;
    if (st.dir && *st.dir == 0) {
	free(st.dir);
	st.dir = mem_strdup("/");
    }
    htable_init(&st.names);
    memset(&st.tls, 0, sizeof(st.tls));
    srcline_init(&sl, data, len, (size_t) bounds->value[BOUND_MAX_LINE_LENGTH]);
    while ((status = srcline_next(&sl, &text, &line)) != SRCLINE_EOF) {
	switch (status) {
	case SRCLINE_OK:
	    st.line_start = sl.start;
	    st.line_end = sl.end;
	    conf_line(&st, text, line);
	    break;
	case SRCLINE_TOO_LONG:
	    diag_error(&conf->diag, line, "line longer than max_line_length (%lld bytes)",
		       bounds->value[BOUND_MAX_LINE_LENGTH]);
	    break;
	case SRCLINE_NUL:
	    diag_error(&conf->diag, line, "line contains a NUL byte");
	    break;
	case SRCLINE_ORPHAN:
	    diag_error(&conf->diag, line, "continuation line (starts with white space) "
		       "with no line before it to continue");
	    break;
	case SRCLINE_EOF:
	    break;
	}
    }
    srcline_free(&sl);
    conf_tls_check(conf, &st.tls);
    htable_free(&st.names);
    free(st.dir);
    conf_cross_check(conf);
    return (conf);
}

/* conf_free - release a conf */
void    conf_free(struct conf *conf)
{
    size_t  i, j;

    settings_free(&conf->set);
    for (i = 0; i < conf->nclients; i++) {
	struct conf_client *cl = conf->clients + i;

	for (j = 0; j < cl->ncerts; j++)
	    free(cl->certs[j]);
	free(cl->certs);
	free(cl->cert_lines);
	free(cl->fps);
	free(cl->reason);
	free(cl->name);
    }
    free(conf->clients);
    for (i = 0; i < conf->ntls; i++) {
	free(conf->tls[i].nexthop);
	free(conf->tls[i].policy);
    }
    free(conf->tls);
    diag_free(&conf->diag);
    free(conf->path);
    free(conf);
}
