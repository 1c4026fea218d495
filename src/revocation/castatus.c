/*
 * castatus - the whole chain: the status of each CA certificate between a
 * client's certificate and its trust anchor
 */
#include "config.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509v3.h>

#include "revocation/castatus.h"
#include "util/mem.h"
#include "revocation/statusmerge.h"

enum ca_state { CA_NEW, CA_CHECKING, CA_DONE };

struct ca_entry {
    enum ca_state state;
    int     parent;			/* issuer's index, -1: an anchor */
    int     have;			/* st is a verified status */
    struct statusrec st;
};

struct castatus {
    struct castatus_opts o;
    struct ca_entry *ca;		/* one per certificate of client_ca_file */
    pthread_mutex_t lock;
    pthread_cond_t done;
};

struct castatus *castatus_new(const struct castatus_opts *opts)
{
    struct castatus *cs = mem_calloc(1, sizeof(*cs));
    int     n = sk_X509_num(opts->iss->cas);

    cs->o = *opts;
    cs->ca = mem_calloc((size_t) (n > 0 ? n : 1), sizeof(*cs->ca));
    pthread_mutex_init(&cs->lock, NULL);
    pthread_cond_init(&cs->done, NULL);
    return (cs);
}

void    castatus_free(struct castatus *cs)
{
    pthread_cond_destroy(&cs->done);
    pthread_mutex_destroy(&cs->lock);
    free(cs->ca);
    free(cs);
}

/* castatus_crl_points - the http:// CRL distribution points of a CA certificate */
static char **castatus_crl_points(X509 *x, size_t *count)
{
    STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(x, NID_crl_distribution_points, NULL, NULL);
    GENERAL_NAME *gn;
    char  **urls = NULL;
    size_t  cap = 0;
    int     i, j;

    *count = 0;
    for (i = 0; i < sk_DIST_POINT_num(dps); i++) {
	DIST_POINT *dp = sk_DIST_POINT_value(dps, i);

	if (dp->distpoint == NULL || dp->distpoint->type != 0)
	    continue;
	for (j = 0; j < sk_GENERAL_NAME_num(dp->distpoint->name.fullname); j++) {
	    gn = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, j);
	    if (gn->type != GEN_URI || ASN1_STRING_length(gn->d.ia5) < 7
		|| strncmp((const char *) ASN1_STRING_get0_data(gn->d.ia5), "http://", 7) != 0)
		continue;
	    urls = mem_grow(urls, *count, &cap, sizeof(*urls));
	    urls[(*count)++] = mem_strndup((const char *) ASN1_STRING_get0_data(gn->d.ia5),
					   (size_t) ASN1_STRING_length(gn->d.ia5));
	}
    }
    CRL_DIST_POINTS_free(dps);
    return (urls);
}

/* castatus_report_crl - crlcheck's report, for a CA */
struct castatus_who {
    struct castatus *cs;
    const char *ca;
};

static void castatus_report_crl(void *ctx, const char *source, const char *why)
{
    struct castatus_who *w = ctx;

    w->cs->o.report(w->cs->o.ctx, w->ca, "crl", source, why);
}

/* castatus_by_crl - 1 answered (*st) */
static int castatus_by_crl(struct castatus *cs, X509 *x, int parent, const char *name,
			           struct statusrec *st)
{
    struct castatus_who w = {cs, name};
    char  **points = NULL;
    size_t  n, i;
    int     res;

    if (cs->o.crl_sources == NULL)
	points = castatus_crl_points(x, &n);
    else
	n = cs->o.ncrl_sources;
    if (n == 0) {
	cs->o.report(cs->o.ctx, name, "crl", "-", "no crl_source and no http:// CRL "
		     "distribution point in the CA certificate");
	return (0);
    }
    res = crlcheck_status(cs->o.crl, points ? points : cs->o.crl_sources, n, x, parent, 1, st,
			  castatus_report_crl, &w);
    if (res == 0)
	cs->o.report(cs->o.ctx, name, "crl", cs->o.crl_sources ? "crl_source" :
		     "its distribution points", "no CRL of its issuer");
    for (i = 0; points && i < n; i++)
	free(points[i]);
    free(points);
    return (res > 0);
}

/* castatus_by_ocsp - 1 answered (*st) */
static int castatus_by_ocsp(struct castatus *cs, X509 *x, int parent, const char *name,
			            struct statusrec *st)
{
    STACK_OF(OPENSSL_STRING) *urls = X509_get1_ocsp(x);
    const char *url = sk_OPENSSL_STRING_num(urls) > 0 ? sk_OPENSSL_STRING_value(urls, 0) : NULL;
    char    why[1024];
    int     nonce_missing, ok = 0;

    if (url == NULL)
	cs->o.report(cs->o.ctx, name, "ocsp", "-", "no OCSP responder in the CA certificate");
    else if (ocspcheck_status(cs->o.ocsp, url, x, sk_X509_value(cs->o.iss->cas, parent), st,
			      &nonce_missing, why, sizeof(why)) < 0)
	cs->o.report(cs->o.ctx, name, "ocsp", url, why);
    else
	ok = 1;
    X509_email_free(urls);
    return (ok);
}

/* castatus_check - one CA's own status (entry e, index i), no lock held */
static void castatus_check(struct castatus *cs, int i, struct ca_entry *e)
{
    X509   *x = sk_X509_value(cs->o.iss->cas, i);
    struct statusrec answers[2], verdict;
    const struct statusrec *recorded;
    const char *refused;
    char    name[256], why[1024], said[256], was[256];
    size_t  n = 0;

    e->parent = X509_check_issued(x, x) == X509_V_OK ? -1 : issuers_of_cert(cs->o.iss, x);
    if (e->parent < 0 || e->parent == i)
	return;					/* an anchor: not checked */
    X509_NAME_oneline(X509_get_subject_name(x), name, sizeof(name));
    if (cs->o.use_ocsp && castatus_by_ocsp(cs, x, e->parent, name, answers + n))
	n++;
    if (cs->o.use_crl && castatus_by_crl(cs, x, e->parent, name, answers + n))
	n++;
    if (n > 0)
	statusmerge_combine(answers, n, &verdict);
    recorded = cs->o.had && cs->o.had[i] ? cs->o.recorded + i : NULL;
    e->have = statusmerge(n > 0 ? &verdict : NULL, recorded, cs->o.now, cs->o.skew, &e->st,
			  &refused);
    if (n == 0 && e->st.state != STATUS_REVOKED)
	e->have = 0;				/* kept as a record, but no answer this run */
    e->st.depth = 0;
    if (refused != NULL) {
	snprintf(why, sizeof(why), "refused \"%s\" and kept \"%s\": %s",
		 statusrec_describe(&verdict, cs->o.now, cs->o.skew, said, sizeof(said)),
		 statusrec_describe(recorded, cs->o.now, cs->o.skew, was, sizeof(was)), refused);
	cs->o.report(cs->o.ctx, name, "status", "-", why);
    }
}

int     castatus_record(struct castatus *cs, int i, struct statusrec *st)
{
    const struct ca_entry *e = cs->ca + i;

    if (e->state == CA_DONE && e->have) {
	*st = e->st;
	return (1);
    }
    if (cs->o.had && cs->o.had[i]) {
	*st = cs->o.recorded[i];
	return (1);
    }
    return (0);
}

/* castatus_get - CA i, checked by this thread or another */
static const struct ca_entry *castatus_get(struct castatus *cs, int i)
{
    struct ca_entry *e = cs->ca + i;

    pthread_mutex_lock(&cs->lock);
    if (e->state == CA_NEW) {
	e->state = CA_CHECKING;
	pthread_mutex_unlock(&cs->lock);
	castatus_check(cs, i, e);
	pthread_mutex_lock(&cs->lock);
	e->state = CA_DONE;
	pthread_cond_broadcast(&cs->done);
    }
    while (e->state != CA_DONE)
	pthread_cond_wait(&cs->done, &cs->lock);
    pthread_mutex_unlock(&cs->lock);
    return (e);
}

enum castatus_verdict castatus_chain(struct castatus *cs, int issuer, struct statusrec *st)
{
    const struct ca_entry *e;
    int     depth, i = issuer;

    memset(st, 0, sizeof(*st));
    st->next_update = LLONG_MAX;
    st->revoked_at = -1;
    for (depth = 1;; depth++) {
	e = castatus_get(cs, i);
	if (e->parent < 0 || e->parent == i)
	    return (CASTATUS_GOOD);		/* the anchor */
	if (depth > STATUSREC_DEPTH_MAX) {
	    st->depth = depth;
	    return (CASTATUS_TOO_LONG);
	}
	if (!e->have || e->st.state == STATUS_UNKNOWN) {
	    st->depth = depth;
	    return (CASTATUS_UNAVAILABLE);
	}
	if (e->st.state == STATUS_REVOKED) {
	    *st = e->st;
	    st->depth = depth;
	    return (CASTATUS_REVOKED);
	}
	if (e->st.next_update < st->next_update)
	    st->next_update = e->st.next_update;
	i = e->parent;
    }
}
