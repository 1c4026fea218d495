/*
 * crlcheck - certificate status from CRLs, each fetched and verified once
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/pem.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "crlcheck.h"
#include "fetch.h"
#include "log_ssl.h"
#include "mem.h"
#include "timeutil.h"

struct crl_source {
    char   *source;
    X509_CRL *crl;			/* NULL: failed */
    char    why[512];
};

struct crlcheck {
    STACK_OF(X509) *cas;
    size_t  max_size;
    int     timeout;
    long long skew;
    time_t  now;
    struct crl_source *src;
    size_t  nsrc;
    size_t  cap;
};

struct crlcheck *crlcheck_new(STACK_OF(X509) *cas, size_t max_size, int timeout,
			              long long skew, time_t now)
{
    struct crlcheck *cc = mem_calloc(1, sizeof(*cc));

    cc->cas = cas;
    cc->max_size = max_size;
    cc->timeout = timeout;
    cc->skew = skew;
    cc->now = now;
    return (cc);
}

void    crlcheck_free(struct crlcheck *cc)
{
    size_t  i;

    for (i = 0; i < cc->nsrc; i++) {
	X509_CRL_free(cc->src[i].crl);
	free(cc->src[i].source);
    }
    free(cc->src);
    free(cc);
}

size_t  crlcheck_fetches(const struct crlcheck *cc)
{
    return (cc->nsrc);
}

/* crlcheck_time - an ASN1_TIME as seconds, or -1 */
static long long crlcheck_time(const ASN1_TIME *t)
{
    struct tm tm;

    if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
	return (-1);
    return ((long long) time_from_utc_tm(&tm));
}

/* crlcheck_parse - PEM or DER */
static X509_CRL *crlcheck_parse(const unsigned char *data, size_t len)
{
    const unsigned char *p = data;
    X509_CRL *crl;
    BIO    *bio;

    if (len > 10 && memmem(data, len, "-----BEGIN", 10) != NULL) {
	if ((bio = BIO_new_mem_buf(data, (int) len)) == NULL)
	    log_fatal("out of memory");
	crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL);
	BIO_free(bio);
	return (crl);
    }
    crl = d2i_X509_CRL(NULL, &p, (long) len);
    if (crl != NULL && p != data + len) {
	X509_CRL_free(crl);
	return (NULL);
    }
    return (crl);
}

/* crlcheck_load - fetch, parse and verify one source */
static void crlcheck_load(struct crlcheck *cc, struct crl_source *s)
{
    unsigned char *data;
    size_t  len;
    X509_CRL *crl;
    X509   *ca = NULL;
    char    reason[1024];
    long long this_update, next_update;
    int     i;

    if ((data = fetch_source(s->source, cc->max_size, cc->timeout, &len, s->why,
			     sizeof(s->why))) == NULL)
	return;
    crl = crlcheck_parse(data, len);
    free(data);
    if (crl == NULL) {
	snprintf(s->why, sizeof(s->why), "not a CRL: %s", log_ssl_reason(reason, sizeof(reason)));
	return;
    }
    for (i = 0; i < sk_X509_num(cc->cas) && ca == NULL; i++)
	if (X509_NAME_cmp(X509_get_subject_name(sk_X509_value(cc->cas, i)),
			  X509_CRL_get_issuer(crl)) == 0)
	    ca = sk_X509_value(cc->cas, i);
    this_update = crlcheck_time(X509_CRL_get0_lastUpdate(crl));
    next_update = crlcheck_time(X509_CRL_get0_nextUpdate(crl));
    if (ca == NULL)
	snprintf(s->why, sizeof(s->why), "the CRL's issuer is not in client_ca_file");
    else if (X509_CRL_verify(crl, X509_get0_pubkey(ca)) != 1)
	snprintf(s->why, sizeof(s->why), "bad CRL signature: %s",
		 log_ssl_reason(reason, sizeof(reason)));
    else if (this_update < 0 || this_update > cc->now + cc->skew)
	snprintf(s->why, sizeof(s->why), "the CRL's thisUpdate is in the future");
    else if (next_update < 0)
	snprintf(s->why, sizeof(s->why), "the CRL has no nextUpdate");
    else if (next_update + cc->skew < cc->now)
	snprintf(s->why, sizeof(s->why), "the CRL is stale (nextUpdate passed)");
    else {
	s->crl = crl;
	return;
    }
    X509_CRL_free(crl);
}

/* crlcheck_find - the cached source, fetched on first use */
static struct crl_source *crlcheck_find(struct crlcheck *cc, const char *source)
{
    struct crl_source *s;
    size_t  i;

    for (i = 0; i < cc->nsrc; i++)
	if (strcmp(cc->src[i].source, source) == 0)
	    return (cc->src + i);
    cc->src = mem_grow(cc->src, cc->nsrc, &cc->cap, sizeof(*cc->src));
    s = cc->src + cc->nsrc++;
    memset(s, 0, sizeof(*s));
    s->source = mem_strdup(source);
    crlcheck_load(cc, s);
    return (s);
}

/* crlcheck_status - look one certificate up */
int     crlcheck_status(struct crlcheck *cc, const char *source, X509 *cert,
			        struct statusrec *st, char *why, size_t why_len)
{
    struct crl_source *s = crlcheck_find(cc, source);
    X509_REVOKED *rev = NULL;
    ASN1_ENUMERATED *code;
    int     crit;

    if (s->crl == NULL) {
	snprintf(why, why_len, "%s", s->why);
	return (-1);
    }
    if (X509_NAME_cmp(X509_CRL_get_issuer(s->crl), X509_get_issuer_name(cert)) != 0)
	return (0);
    memset(st, 0, sizeof(*st));
    st->ocsp = 0;
    st->this_update = crlcheck_time(X509_CRL_get0_lastUpdate(s->crl));
    st->next_update = crlcheck_time(X509_CRL_get0_nextUpdate(s->crl));
    st->revoked_at = -1;
    if (X509_CRL_get0_by_cert(s->crl, &rev, cert) == 1 && rev != NULL) {
	st->state = STATUS_REVOKED;
	st->revoked_at = crlcheck_time(X509_REVOKED_get0_revocationDate(rev));
	if ((code = X509_REVOKED_get_ext_d2i(rev, NID_crl_reason, &crit, NULL)) != NULL) {
	    snprintf(st->reason, sizeof(st->reason), "%s",
		     OCSP_crl_reason_str(ASN1_ENUMERATED_get(code)));
	    ASN1_ENUMERATED_free(code);
	}
    } else {
	st->state = STATUS_GOOD;
    }
    return (1);
}
