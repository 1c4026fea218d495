/*
 * refresh - "certpolicy refresh": build status.cdb from CRLs and OCSP
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pthread.h>

#include <cdb.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "atomic_file.h"
#include "cdbfile.h"
#include "crlcheck.h"
#include "log_ssl.h"
#include "mem.h"
#include "ocspcheck.h"
#include "refresh.h"
#include "timeutil.h"

struct refresh_result {
    int     answered;			/* st is the new status */
    int     kept;			/* st is the previous status, still good to use */
};

struct refresh {
    const struct clientset *set;
    const struct conf *conf;
    STACK_OF(X509) *cas;
    X509_STORE *store;
    struct ocspcheck_opts ocsp;
    struct crlcheck *crl;
    struct cdbfile prev;
    struct cdb_make cdbm;
    time_t  now;
    long long skew;
    size_t  counts[3];			/* good, revoked, unknown */
    size_t  failed, kept;
    int     write_error;
    struct statusrec *st;		/* one per entry */
    struct refresh_result *res;
    size_t  next;			/* the next entry for a worker */
    size_t  done;
    size_t  total;
    int     progress;
    pthread_mutex_t lock;		/* next, done, and every CRL access */
};

/* refresh_load_cas - client_ca_file, every certificate in it */
static int refresh_load_cas(struct refresh *r)
{
    const char *path = r->conf->values[SET_CLIENT_CA_FILE];
    STACK_OF(X509_INFO) *infos;
    X509_INFO *info;
    char    reason[1024];
    BIO    *bio;
    int     i;

    if ((bio = BIO_new_file(path, "r")) == NULL
	|| (infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL)) == NULL) {
	log_error("client_ca_file %s: %s", path, log_ssl_reason(reason, sizeof(reason)));
	BIO_free(bio);
	return (-1);
    }
    BIO_free(bio);
    r->cas = sk_X509_new_null();
    r->store = X509_STORE_new();
    for (i = 0; i < sk_X509_INFO_num(infos); i++) {
	info = sk_X509_INFO_value(infos, i);
	if (info->x509 != NULL) {
	    X509_up_ref(info->x509);
	    sk_X509_push(r->cas, info->x509);
	    X509_STORE_add_cert(r->store, info->x509);
	}
    }
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    if (sk_X509_num(r->cas) == 0) {
	log_error("client_ca_file %s: no certificate in it", path);
	return (-1);
    }
    return (0);
}

/* refresh_issuer - the CA in client_ca_file that issued cert */
static X509 *refresh_issuer(const struct refresh *r, X509 *cert)
{
    int     i;

    for (i = 0; i < sk_X509_num(r->cas); i++)
	if (X509_check_issued(sk_X509_value(r->cas, i), cert) == X509_V_OK)
	    return (sk_X509_value(r->cas, i));
    return (NULL);
}

/* refresh_fail - report one failed source */
static void refresh_fail(const char *who, const char *method, const char *source, const char *why)
{
    log_error("%s: %s %s: %s", who, method, source, why);
}

/* refresh_crl - the status by CRL: 1 answered, 0 not */
static int refresh_crl(struct refresh *r, const struct cert *cert, const char *who,
		               struct statusrec *st)
{
    const char *configured = r->conf->values[SET_CRL_SOURCE];
    char   *list = mem_strdup(configured), *save = NULL, *src;
    char    why[1024];
    char  **url;
    int     ret = 0, any = 0, failed = 0, res;

    if (*configured) {
	for (src = strtok_r(list, ", ", &save); src && !ret; src = strtok_r(NULL, ", ", &save)) {
	    any = 1;
	    pthread_mutex_lock(&r->lock);
	    res = crlcheck_status(r->crl, src, cert->x509, st, why, sizeof(why));
	    pthread_mutex_unlock(&r->lock);
	    if (res < 0)
		refresh_fail(who, "crl", src, why);
	    ret = res > 0;
	    failed |= res < 0;
	}
    } else {
	for (url = cert->crl_urls; url && *url && !ret; url++) {
	    any = 1;
	    pthread_mutex_lock(&r->lock);
	    res = crlcheck_status(r->crl, *url, cert->x509, st, why, sizeof(why));
	    pthread_mutex_unlock(&r->lock);
	    if (res < 0)
		refresh_fail(who, "crl", *url, why);
	    ret = res > 0;
	    failed |= res < 0;
	}
    }
    if (!any)
	log_error("%s: crl: no crl_source and no CRL distribution point in the certificate", who);
    else if (!ret && !failed && !*configured)
	log_error("%s: crl: no CRL of its issuer among its distribution points", who);
    else if (!ret && !failed)
	log_error("%s: crl: no CRL of its issuer in crl_source", who);
    free(list);
    return (ret);
}

/* refresh_ocsp - the status by OCSP: 1 answered, 0 not */
static int refresh_ocsp(struct refresh *r, const struct cert *cert, X509 *issuer,
			        const char *who, struct statusrec *st)
{
    const char *url = *r->conf->values[SET_OCSP_RESPONDER] ? r->conf->values[SET_OCSP_RESPONDER]
    : cert->ocsp_urls ? cert->ocsp_urls[0] : NULL;
    char    why[1024];
    int     nonce_missing;

    if (url == NULL) {
	log_error("%s: ocsp: no ocsp_responder and no OCSP responder in the certificate", who);
	return (0);
    }
    if (ocspcheck_status(&r->ocsp, url, cert->x509, issuer, st, &nonce_missing,
			 why, sizeof(why)) < 0) {
	refresh_fail(who, "ocsp", url, why);
	return (0);
    }
    if (nonce_missing)
	log_warn("%s: ocsp %s: the response has no nonce (accepted)", who, url);
    return (1);
}

/* refresh_put - one status record */
static void refresh_put(struct refresh *r, const struct fprint *fp, const struct statusrec *st)
{
    char    key[STATUSREC_KEY_MAX], val[256];
    size_t  klen = statusrec_key(fp, key), vlen = statusrec_encode(st, val, sizeof(val));

    if (cdb_make_add(&r->cdbm, key, (unsigned) klen, val, (unsigned) vlen) < 0)
	r->write_error = 1;
}

/* refresh_previous - the old status, if still good to use */
static int refresh_previous(struct refresh *r, const struct fprint *fp, struct statusrec *st)
{
    if (!r->prev.usable || statusrec_lookup(&r->prev, fp, st) != 1)
	return (0);
    return (st->state == STATUS_REVOKED
	    || (st->state == STATUS_GOOD && st->next_update + r->skew >= r->now));
}

/* refresh_one - one certificate; the result goes to r->st[i], r->res[i] */
static void refresh_one(struct refresh *r, size_t i)
{
    const struct entry *e = r->set->entries + i;
    const struct cert *cert = e->cert;
    const char *methods = r->conf->values[SET_REVOCATION_CHECK];
    struct statusrec st, fallback;
    char    who[256];
    X509   *issuer;
    int     answered = 0, have_unknown = 0;
    const char *m;

    snprintf(who, sizeof(who), "client %s (serial %s)", r->conf->clients[e->client].name,
	     cert->serial);
    if ((issuer = refresh_issuer(r, cert->x509)) == NULL) {
	log_error("%s: its issuer is not in client_ca_file", who);
    } else {
	for (m = methods; *m && !answered; m += strcspn(m, ",") + (m[strcspn(m, ",")] ? 2 : 0)) {
	    answered = strncmp(m, "ocsp", 4) == 0 ? refresh_ocsp(r, cert, issuer, who, &st)
		: refresh_crl(r, cert, who, &st);
	    if (answered && st.state == STATUS_UNKNOWN) {
		fallback = st;			/* try the next method, keep this one */
		have_unknown = 1;
		answered = 0;
	    }
	}
    }
    if (!answered && have_unknown) {
	st = fallback;
	answered = 1;
    }
    if (answered) {
	r->st[i] = st;
	r->res[i].answered = 1;
    } else if (refresh_previous(r, &e->fp, &r->st[i])) {
	r->res[i].kept = 1;
	log_warn("%s: kept its previous status (%s, fresh until %lld)", who,
		 statusrec_state_name(r->st[i].state), r->st[i].next_update);
    }
}

/* refresh_wanted - does entry i get a status */
static int refresh_wanted(const struct refresh *r, size_t i)
{
    const struct entry *e = r->set->entries + i;

    return (e->cert != NULL && !r->conf->clients[e->client].revoked);
}

/* refresh_worker - take certificates until none is left */
static void *refresh_worker(void *arg)
{
    struct refresh *r = arg;
    size_t  i;

    for (;;) {
	pthread_mutex_lock(&r->lock);
	while (r->next < r->set->nentries && !refresh_wanted(r, r->next))
	    r->next++;
	i = r->next++;
	pthread_mutex_unlock(&r->lock);
	if (i >= r->set->nentries)
	    return (NULL);
	refresh_one(r, i);
	pthread_mutex_lock(&r->lock);
	r->done++;
	if (r->progress)
	    fprintf(stderr, "\rcertpolicy: refresh: %zu/%zu", r->done, r->total);
	pthread_mutex_unlock(&r->lock);
    }
}

/* refresh_all - every certificate, by at most fetch_concurrency workers */
static void refresh_all(struct refresh *r)
{
    size_t  nthreads = (size_t) conf_number(r->conf, SET_FETCH_CONCURRENCY), n = 0, i;
    pthread_t *threads;

    if (nthreads > r->total)
	nthreads = r->total ? r->total : 1;
    threads = mem_calloc(nthreads, sizeof(*threads));
    for (i = 0; i < nthreads; i++)
	if (pthread_create(threads + n, NULL, refresh_worker, r) == 0)
	    n++;
    if (n == 0)
	refresh_worker(r);			/* no thread: do it here */
    for (i = 0; i < n; i++)
	pthread_join(threads[i], NULL);
    free(threads);
    if (r->progress)
	fprintf(stderr, "\n");
}

/* refresh_run - build status.cdb */
int     refresh_run(const struct clientset *set)
{
    struct refresh r;
    struct atomic_file af;
    size_t  i;
    int     changed, ret = -1;

    memset(&r, 0, sizeof(r));
    r.set = set;
    r.conf = set->conf;
    if (strcmp(r.conf->values[SET_REVOCATION_CHECK], "none") == 0) {
	printf("certpolicy: revocation_check = none: nothing to refresh\n");
	return (0);
    }
    if (refresh_load_cas(&r) < 0)
	goto done;
    r.now = time_now();
    r.skew = conf_number(r.conf, SET_CLOCK_SKEW);
    r.ocsp.cas = r.cas;
    r.ocsp.store = r.store;
    r.ocsp.nonce = strcmp(r.conf->values[SET_OCSP_NONCE], "yes") == 0;
    r.ocsp.max_size = (size_t) conf_number(r.conf, SET_OCSP_MAX_SIZE);
    r.ocsp.timeout = (int) conf_number(r.conf, SET_FETCH_TIMEOUT);
    r.ocsp.skew = r.skew;
    r.crl = crlcheck_new(r.cas, (size_t) conf_number(r.conf, SET_CRL_MAX_SIZE),
			 r.ocsp.timeout, r.skew, r.now);
    cdbfile_init(&r.prev, r.conf->values[SET_STATUS_DATABASE], statusrec_file_check, NULL, NULL);
    cdbfile_refresh(&r.prev, &changed);
    if (atomic_open(&af, r.conf->values[SET_STATUS_DATABASE], 0644) < 0)
	goto done;
    if (cdb_make_start(&r.cdbm, af.fd) < 0
	|| cdb_make_add(&r.cdbm, STATUSREC_FORMAT_KEY, sizeof(STATUSREC_FORMAT_KEY) - 1,
			STATUSREC_FORMAT, sizeof(STATUSREC_FORMAT) - 1) < 0)
	r.write_error = 1;
    for (i = 0; i < set->nentries; i++)
	r.total += refresh_wanted(&r, i);
    r.progress = isatty(2) && r.total >= 20;
    r.st = mem_calloc(set->nentries, sizeof(*r.st));
    r.res = mem_calloc(set->nentries, sizeof(*r.res));
    pthread_mutex_init(&r.lock, NULL);
    refresh_all(&r);
    pthread_mutex_destroy(&r.lock);
    for (i = 0; i < set->nentries; i++) {
	if (!refresh_wanted(&r, i))
	    continue;
	if (r.res[i].answered)
	    r.counts[r.st[i].state]++;
	else
	    r.failed++;
	r.kept += r.res[i].kept;
	if (r.res[i].answered || r.res[i].kept)
	    refresh_put(&r, &set->entries[i].fp, r.st + i);
    }
    if (cdb_make_finish(&r.cdbm) < 0 || r.write_error) {
	log_error_errno("cannot write %s", af.temp);
	atomic_abort(&af);
	goto done;
    }
    if (atomic_close(&af) < 0 || atomic_commit(&af) < 0) {
	atomic_abort(&af);
	goto done;
    }
    atomic_release(&af);
    printf("certpolicy: refreshed %zu certificates: %zu good, %zu revoked, %zu unknown, "
	   "%zu failed (%zu kept their previous status); %zu CRLs fetched\n",
	   r.total, r.counts[STATUS_GOOD], r.counts[STATUS_REVOKED], r.counts[STATUS_UNKNOWN],
	   r.failed, r.kept, crlcheck_fetches(r.crl));
    ret = r.failed ? 1 : 0;

done:
    if (r.crl)
	crlcheck_free(r.crl);
    if (r.prev.path)
	cdbfile_free(&r.prev);
    sk_X509_pop_free(r.cas, X509_free);
    X509_STORE_free(r.store);
    free(r.st);
    free(r.res);
    return (ret);
}
