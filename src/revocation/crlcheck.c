/*
 * crlcheck - certificate status from CRLs, each source fetched once
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "cert/asn1time.h"
#include "revocation/crlcheck.h"
#include "revocation/crlinfo.h"
#include "revocation/fetch.h"
#include "util/mem.h"

enum crl_state { CRL_NEW, CRL_LOADING, CRL_DONE };

struct crl_source {
    char   *source;
    enum crl_state state;
    struct crlinfo *crls;		/* NULL: failed (why) */
    size_t  ncrls;
    char    why[512];
};

struct crlcheck {
    struct crlcheck_opts o;
    struct crl_source **src;		/* pointers: stable while the array grows */
    size_t  nsrc;
    size_t  cap;
    pthread_mutex_t lock;		/* src, nsrc, each source's state */
    pthread_cond_t loaded;		/* a source became CRL_DONE */
};

struct crlcheck *crlcheck_new(const struct crlcheck_opts *opts)
{
    struct crlcheck *cc = mem_calloc(1, sizeof(*cc));

    cc->o = *opts;
    pthread_mutex_init(&cc->lock, NULL);
    pthread_cond_init(&cc->loaded, NULL);
    return (cc);
}

void    crlcheck_free(struct crlcheck *cc)
{
    size_t  i;

    for (i = 0; i < cc->nsrc; i++) {
	crlinfo_free(cc->src[i]->crls, cc->src[i]->ncrls);
	free(cc->src[i]->source);
	free(cc->src[i]);
    }
    pthread_cond_destroy(&cc->loaded);
    pthread_mutex_destroy(&cc->lock);
    free(cc->src);
    free(cc);
}

size_t  crlcheck_fetches(const struct crlcheck *cc)
{
    size_t  i, n = 0;

    /* only the sources that were read: a failed fetch is no CRL fetched */
    for (i = 0; i < cc->nsrc; i++)
	if (cc->src[i]->crls != NULL)
	    n++;
    return (n);
}

/* crlcheck_judge - signer by key, times, cRLNumber: ci->why when unusable */
static void crlcheck_judge(struct crlcheck *cc, struct crlinfo *ci)
{
    const struct crlcheck_opts *o = &cc->o;
    static const unsigned char no_scope[CRLNUM_SCOPE];

    if (*ci->why)
	return;
    if ((ci->ca = issuers_of_crl(o->iss, ci->crl, ci->why, sizeof(ci->why))) < 0)
	return;
    if (ci->this_update < 0 || ci->this_update > o->now + o->skew)
	snprintf(ci->why, sizeof(ci->why), "the CRL's thisUpdate is in the future");
    else if (ci->next_update < 0)
	snprintf(ci->why, sizeof(ci->why), "the CRL has no nextUpdate");
    else if (ci->next_update + o->skew < o->now)
	snprintf(ci->why, sizeof(ci->why), "the CRL is stale (nextUpdate passed)");
    else
	crlnum_check(o->nums, o->iss->keyid[ci->ca], ci->idp ? ci->scope : no_scope,
		     ci->base != NULL, ci->number, ci->why, sizeof(ci->why));
}

/* crlcheck_load - fetch, parse and judge one source (no lock held) */
static void crlcheck_load(struct crlcheck *cc, struct crl_source *s)
{
    unsigned char *data;
    size_t  len, i;

    if ((data = fetch_source(s->source, cc->o.max_size, cc->o.timeout, &len, s->why,
			     sizeof(s->why))) == NULL)
	return;
    s->crls = crlinfo_read(data, len, CRLCHECK_MAX_PER_SOURCE, &s->ncrls, s->why, sizeof(s->why));
    free(data);
    for (i = 0; i < s->ncrls; i++)
	crlcheck_judge(cc, s->crls + i);
}

/* crlcheck_get - the source, loaded by this thread or another */
static struct crl_source *crlcheck_get(struct crlcheck *cc, const char *source)
{
    struct crl_source *s = NULL;
    size_t  i;

    pthread_mutex_lock(&cc->lock);
    for (i = 0; i < cc->nsrc && s == NULL; i++)
	if (strcmp(cc->src[i]->source, source) == 0)
	    s = cc->src[i];
    if (s == NULL) {
	cc->src = mem_grow(cc->src, cc->nsrc, &cc->cap, sizeof(*cc->src));
	s = cc->src[cc->nsrc++] = mem_calloc(1, sizeof(*s));
	s->source = mem_strdup(source);
    }
    if (s->state == CRL_NEW) {
	s->state = CRL_LOADING;
	pthread_mutex_unlock(&cc->lock);
	crlcheck_load(cc, s);
	pthread_mutex_lock(&cc->lock);
	s->state = CRL_DONE;
	pthread_cond_broadcast(&cc->loaded);
    }
    while (s->state != CRL_DONE)
	pthread_cond_wait(&cc->loaded, &cc->lock);
    pthread_mutex_unlock(&cc->lock);
    return (s);
}

void    crlcheck_fetch(struct crlcheck *cc, const char *source)
{
    (void) crlcheck_get(cc, source);
}

/* crlcheck_newer - is a a newer CRL than b: cRLNumber, then thisUpdate */
static int crlcheck_newer(const struct crlinfo *a, const struct crlinfo *b)
{
    int     cmp = a->number && b->number ? ASN1_INTEGER_cmp(a->number, b->number) : 0;

    return (cmp > 0 || (cmp == 0 && a->this_update > b->this_update));
}

/* crlcheck_applies - delta d applies to complete CRL c (RFC 5280 5.2.4) */
static int crlcheck_applies(const struct crlinfo *d, const struct crlinfo *c)
{
    return (c->number != NULL && memcmp(d->scope, c->scope, CRLNUM_SCOPE) == 0
	    && ASN1_INTEGER_cmp(d->base, c->number) <= 0
	    && ASN1_INTEGER_cmp(c->number, d->number) < 0);
}

/* crlcheck_entry - cert in crl: 1 revoked (st filled), 2 removeFromCRL, 0 not listed */
static int crlcheck_entry(const struct crlinfo *ci, X509 *cert, struct statusrec *st)
{
    X509_REVOKED *rev = NULL;
    ASN1_ENUMERATED *code;
    int     found = X509_CRL_get0_by_cert(ci->crl, &rev, cert), crit;

    if (found == 2)
	return (2);				/* OpenSSL's def_crl_lookup: removeFromCRL */
    if (found != 1 || rev == NULL)
	return (0);
    st->state = STATUS_REVOKED;
    st->revoked_at = asn1time_seconds(X509_REVOKED_get0_revocationDate(rev));
    if ((code = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, &crit, NULL)) != NULL) {
	snprintf(st->reason, sizeof(st->reason), "%s",
		 OCSP_crl_reason_str(ASN1_ENUMERATED_get(code)));
	ASN1_ENUMERATED_free(code);
    }
    return (1);
}

/* crlcheck_pick - the newest covering complete CRL and its newest delta */
struct crlcheck_pick {
    const struct crlinfo *complete;
    const struct crlinfo *delta;
    const struct crlinfo *lone_delta;	/* a delta seen, for the message */
    char    refused[512];		/* the first CRL refused for this certificate */
    const char *refused_source;
    int     failed;
};

/* crlcheck_consider - one CRL of one source, for cert */
static void crlcheck_consider(struct crlcheck_pick *p, const char *source, const struct crlinfo *ci,
			              X509 *cert, int issuer, int is_ca,
			              crlcheck_report_fn report, void *ctx)
{
    char    why[512];

    if (ci->ca >= 0 ? ci->ca != issuer
	: X509_NAME_cmp(X509_CRL_get_issuer(ci->crl), X509_get_issuer_name(cert)) != 0)
	return;					/* another issuer's (another key's) CRL */
    if (*ci->why) {
	report(ctx, source, ci->why);
	p->failed = 1;
    } else if (!crlinfo_covers(ci, cert, is_ca, why, sizeof(why))) {
	if (p->refused_source == NULL) {
	    snprintf(p->refused, sizeof(p->refused), "%s", why);
	    p->refused_source = source;
	}
    } else if (ci->base != NULL) {
	p->lone_delta = ci;
    } else if (p->complete == NULL || crlcheck_newer(ci, p->complete)) {
	p->complete = ci;
    }
}

int     crlcheck_status(struct crlcheck *cc, char *const *sources, size_t nsources,
			        X509 *cert, int issuer, int is_ca, struct statusrec *st,
			        crlcheck_report_fn report, void *ctx)
{
    struct crlcheck_pick p;
    struct crl_source *s;
    const struct crlinfo *ci;
    char    why[512];
    size_t  i, j;
    int     found;

    memset(&p, 0, sizeof(p));
    for (i = 0; i < nsources; i++) {
	if ((s = crlcheck_get(cc, sources[i]))->crls == NULL) {
	    report(ctx, s->source, s->why);
	    p.failed = 1;
	    continue;
	}
	for (j = 0; j < s->ncrls; j++)
	    crlcheck_consider(&p, s->source, s->crls + j, cert, issuer, is_ca, report, ctx);
    }
    if (p.complete == NULL) {
	if (p.lone_delta != NULL) {
	    snprintf(why, sizeof(why), "a delta CRL (deltaCRLIndicator) is used only with its "
		     "base CRL, and no complete CRL of its issuer that covers the certificate "
		     "is at hand");
	    report(ctx, nsources == 1 ? sources[0] : "(crl sources)", why);
	    p.failed = 1;
	}
	if (p.refused_source != NULL) {
	    report(ctx, p.refused_source, p.refused);
	    p.failed = 1;
	}
	return (p.failed ? -1 : 0);
    }
    for (i = 0; i < nsources; i++) {		/* the newest delta for that base */
	s = crlcheck_get(cc, sources[i]);
	for (j = 0; j < s->ncrls; j++) {
	    ci = s->crls + j;
	    if (ci->base != NULL && !*ci->why && ci->ca == issuer && crlcheck_applies(ci, p.complete)
		&& (p.delta == NULL || crlcheck_newer(ci, p.delta)))
		p.delta = ci;
	}
    }
    memset(st, 0, sizeof(*st));
    st->source = SOURCE_CRL;
    st->revoked_at = -1;
    ci = p.delta ? p.delta : p.complete;
    st->this_update = ci->this_update;
    st->next_update = ci->next_update;
    st->state = STATUS_GOOD;
    found = p.delta ? crlcheck_entry(p.delta, cert, st) : 0;
    if (found == 0)
	found = crlcheck_entry(p.complete, cert, st);
    if (found != 1) {				/* not listed, or removed from the list */
	st->state = STATUS_GOOD;
	st->revoked_at = -1;
	*st->reason = 0;
    }
    return (1);
}
