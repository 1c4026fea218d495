/*
 * clientset - the enrolled clients, resolved to fingerprints
 *
 * Duplicate detection uses one hash table over (kind-free) fingerprint
 * bytes (keys point into the conf and the certs, which do not move while
 * the set is built): Postfix looks up both fingerprints in one relay_clientcerts map,
 * so a certificate fingerprint and a key pin share one key space.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source/clientset.h"
#include "util/htable.h"
#include "util/mem.h"
#include "util/reach.h"
#include "util/timeutil.h"
#include "source/tls_local.h"

#define DAY 86400

static struct clientset *clientset_build_with(struct conf *, time_t, struct certcache *);

struct clientset_state {
    struct clientset *set;
    struct htable seen;			/* fingerprint bytes -> entry index + 1 */
    size_t  cap;
    time_t  now;
};

/* clientset_add - one entry, unless its fingerprint is already enrolled */
static void clientset_add(struct clientset_state *st, enum entry_kind kind,
			          const struct fprint *fp, size_t client,
			          const struct cert *cert, int line)
{
    struct clientset *set = st->set;
    struct conf *conf = set->conf;
    struct entry *e;
    size_t  prev;
    char    text[FPRINT_TEXT_MAX];

    set->entries = mem_grow(set->entries, set->nentries, &st->cap, sizeof(*e));
    e = set->entries + set->nentries;
    e->kind = kind;
    e->fp = *fp;
    e->client = client;
    e->cert = cert;
    prev = (size_t) htable_insert(&st->seen, fp->bytes, fp->len,
				  (void *) (set->nentries + 1));
    if (prev == 0) {
	set->nentries++;
	return;
    }
    prev = set->entries[prev - 1].client;
    if (prev == client)
	diag_warn(&conf->diag, line, "client %s: fingerprint %s is listed twice",
		  conf->clients[client].name, fprint_format(fp, text));
    else
	diag_error(&conf->diag, line, "client %s: fingerprint %s is already enrolled for client %s (line %d)",
		   conf->clients[client].name, fprint_format(fp, text),
		   conf->clients[prev].name, conf->clients[prev].line);
}

/* clientset_validity - warn about an active client's certificate dates */
static void clientset_validity(struct clientset_state *st, const struct conf_client *cl,
			               const char *path, const struct cert *cert, int line)
{
    struct conf *conf = st->set->conf;
    long long warn = conf->set.expiry_warning;
    char    date[11];

    if (cert->not_after < st->now)
	diag_warn(&conf->diag, line, "client %s: certificate %s expired on %s", cl->name, path,
		  time_format_date(cert->not_after, date));
    else if (cert->not_before > st->now)
	diag_warn(&conf->diag, line, "client %s: certificate %s is not valid before %s", cl->name, path,
		  time_format_date(cert->not_before, date));
    else if (cert->not_after - st->now < warn)
	diag_warn(&conf->diag, line, "client %s: certificate %s expires on %s (in %lld days)",
		  cl->name, path, time_format_date(cert->not_after, date),
		  (long long) (cert->not_after - st->now) / DAY);
}

/* clientset_other_digest - warn about a fingerprint Postfix will not send */
static void clientset_other_digest(struct conf *conf, const struct conf_client *cl,
				           const char *attr, const struct fprint *fp)
{
    char    text[FPRINT_TEXT_MAX];

    if (fp->digest != conf_digest(conf))
	diag_warn(&conf->diag, cl->line, "client %s: %s=%s is %s, but fingerprint_digest = %s: "
		  "it will never match", cl->name, attr, fprint_format(fp, text),
		  fprint_digest_name(fp->digest), conf->set.value[SET_FINGERPRINT_DIGEST]);
}

/* clientset_client - the entries of one client */
static void clientset_client(struct clientset_state *st, size_t idx)
{
    struct clientset *set = st->set;
    struct conf *conf = set->conf;
    struct conf_client *cl = conf->clients + idx;
    struct client_info *info = set->info + idx;
    enum fprint_digest digest = conf_digest(conf);
    size_t  max_cert = (size_t) conf->bounds->value[BOUND_MAX_CERT_SIZE];
    int     max_chain = (int) conf->bounds->value[BOUND_MAX_CHAIN_CERTS];
    struct cert *cert;
    char    why[1024];
    size_t  i;

    for (i = 0; i < cl->ncerts; i++) {
	if ((cert = set->cache ? certcache_load(set->cache, cl->certs[i], max_cert, max_chain,
						why, sizeof(why))
	     : cert_load(cl->certs[i], max_cert, max_chain, NULL, why, sizeof(why))) == NULL) {
	    diag_error(&conf->diag, cl->cert_lines[i], "client %s: cert=%s: %s", cl->name,
		       cl->certs[i], why);
	    continue;
	}
	if (cert->is_ca) {
	    diag_error(&conf->diag, cl->cert_lines[i], "client %s: cert=%s: %s is a CA certificate "
		       "(%s), never a client's: name the client's own certificate",
		       cl->name, cl->certs[i], cert->subject, cert->ca_kind);
	    cert_free(cert);
	    continue;
	}
	set->certs = mem_realloc(set->certs, set->ncerts + 1, sizeof(*set->certs));
	set->certs[set->ncerts++] = cert;
	if (info->newest == NULL || cert->not_after > info->newest->not_after)
	    info->newest = cert;
	if (!cl->revoked)
	    clientset_validity(st, cl, cl->certs[i], cert, cl->cert_lines[i]);
	clientset_add(st, ENTRY_CERT, cert->cert_fp + digest, idx, cert, cl->cert_lines[i]);
    }
    for (i = 0; i < cl->nfps; i++) {
	clientset_other_digest(conf, cl, "fingerprint", cl->fps + i);
	clientset_add(st, ENTRY_CERT, cl->fps + i, idx, NULL, cl->line);
    }
    if (cl->has_pin) {
	clientset_other_digest(conf, cl, "pubkey_fingerprint", &cl->pin);
	clientset_add(st, ENTRY_PIN, &cl->pin, idx, NULL, cl->line);
    }
    info->fingerprint_only = cl->ncerts == 0;
    if (cl->ncerts == 0) {
	set->fingerprint_only++;
	if (!cl->revoked && conf->set.revocation_on)
	    diag_warn(&conf->diag, cl->line, "client %s: known only by fingerprint: its revocation "
		      "status cannot be checked (add cert=)", cl->name);
    }
    if (cl->revoked)
	set->revoked++;
    else
	set->active++;
}

/*
 * clientset_reach - warn when certpolicyd, run by spawn(8) as an
 * unprivileged user, could not read a database setting's file
 */
static void clientset_reach(struct conf *conf, enum setting_id id)
{
    char    why[600];

    if (!reach_others(conf->set.value[id], why, sizeof(why)))
	diag_warn(&conf->diag, conf->set_line[id], "%s = %s: %s: certpolicyd run as another user "
		  "(spawn's user=nobody) cannot read it", settings_table[id].name,
		  conf->set.value[id], why);
}

/*
 * clientset_pins - a pin follows its key (DESIGN, "Pins follow their
 * key"): when a client revoked in the source has a certificate with the
 * pinned key, the pin is revoked too. Public-key fingerprints of every
 * digest are keys of one table (their lengths differ).
 */
static void clientset_pins(struct clientset *set)
{
    struct htable revoked;
    size_t  i;
    int     d;

    htable_init(&revoked);
    for (i = 0; i < set->nentries; i++) {
	const struct entry *e = set->entries + i;

	if (e->cert == NULL || !set->conf->clients[e->client].revoked)
	    continue;
	for (d = 0; d < FPRINT_DIGEST_COUNT; d++)
	    (void) htable_insert(&revoked, e->cert->pubkey_fp[d].bytes, e->cert->pubkey_fp[d].len,
				 (void *) (e->client + 1));
    }
    for (i = 0; i < set->nentries; i++) {
	struct entry *e = set->entries + i;
	size_t  by;

	e->key_revoked_by = NULL;
	if (e->kind != ENTRY_PIN || set->conf->clients[e->client].revoked)
	    continue;
	by = (size_t) htable_insert(&revoked, e->fp.bytes, e->fp.len, NULL);
	if (by != 0) {
	    e->key_revoked_by = set->conf->clients + by - 1;
	    diag_warn(&set->conf->diag, set->conf->clients[e->client].line,
		      "client %s: the pinned key is that of a certificate of client %s, which is "
		      "revoked: the pin permits nothing", set->conf->clients[e->client].name,
		      e->key_revoked_by->name);
	}
    }
    htable_free(&revoked);
}

/* clientset_build - resolve conf's clients */
struct clientset *clientset_build(struct conf *conf, time_t now)
{
    return (clientset_build_with(conf, now, NULL));
}

/*
 * clientset_build_cached - with the certificate cache of the database;
 * its file is not read beyond what this source's cert= files can need
 * (max_cert_size plus room for the facts, per file)
 */
struct clientset *clientset_build_cached(struct conf *conf, time_t now)
{
    size_t  max_cert = (size_t) conf->bounds->value[BOUND_MAX_CERT_SIZE];
    size_t  files = 0, max_bytes, i;
    char   *path;
    struct clientset *set;

    for (i = 0; i < conf->nclients; i++)
	files += conf->clients[i].ncerts;
    max_bytes = files > (SIZE_MAX - 4096) / (max_cert + 4096) ? SIZE_MAX
	: files * (max_cert + 4096) + 4096;
    path = mem_alloc(strlen(conf->set.value[SET_DATABASE]) + sizeof(CERTCACHE_SUFFIX));
    sprintf(path, "%s%s", conf->set.value[SET_DATABASE], CERTCACHE_SUFFIX);
    set = clientset_build_with(conf, now, certcache_open(path, max_bytes));
    free(path);
    return (set);
}

/* clientset_build_with - resolve conf's clients, with cache or without (NULL) */
static struct clientset *clientset_build_with(struct conf *conf, time_t now,
					              struct certcache *cache)
{
    struct clientset *set = mem_calloc(1, sizeof(*set));
    struct clientset_state st;
    size_t  i;

    set->conf = conf;
    set->cache = cache;
    set->info = mem_calloc(conf->nclients, sizeof(*set->info));
    st.set = set;
    st.cap = 0;
    st.now = now;
    htable_init(&st.seen);
    for (i = 0; i < conf->nclients; i++)
	clientset_client(&st, i);
    htable_free(&st.seen);
    clientset_pins(set);
    tls_local_entries(conf);
    clientset_reach(conf, SET_DATABASE);
    if (conf->set.revocation_on)
	clientset_reach(conf, SET_STATUS_DATABASE);
    return (set);
}

/* clientset_free - release a clientset */
void    clientset_free(struct clientset *set)
{
    size_t  i;

    for (i = 0; i < set->ncerts; i++)
	cert_free(set->certs[i]);
    free(set->certs);
    free(set->entries);
    free(set->info);
    certcache_free(set->cache);
    free(set);
}
