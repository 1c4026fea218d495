/*
 * refresh - "certpolicy refresh": build status.cdb from CRLs and OCSP
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <pthread.h>

#include <openssl/x509v3.h>

#include "util/atomic_file.h"
#include "revocation/castatus.h"
#include "policy/cdbfile.h"
#include "revocation/crlcheck.h"
#include "revocation/crlnum.h"
#include "revocation/fetch.h"
#include "util/htable.h"
#include "revocation/issuers.h"
#include "util/log.h"
#include "util/mem.h"
#include "revocation/ocspcheck.h"
#include "revocation/pinstatus.h"
#include "tool/refresh.h"
#include "revocation/statusmerge.h"
#include "revocation/statusprev.h"
#include "revocation/statuswrite.h"
#include "util/timeutil.h"


struct refresh_result {
    int     answered;			/* a source gave a verified answer */
    int     have;			/* st is to be recorded */
    int     partial;			/* a CA above had no status (refresh_chain) */
};

struct refresh {
    const struct clientset *set;
    const struct conf *conf;
    struct issuers iss;
    struct ocspcheck_opts ocsp;
    struct crlcheck *crl;
    struct castatus *chain;
    struct crlnum *nums;
    char  **crl_sources;		/* crl_source (the conf's); NULL: distribution points */
    size_t  ncrl_sources;
    struct statuswrite out;
    time_t  now;
    long long skew;
    size_t  counts[3];			/* good, revoked, unknown */
    size_t  failed, kept;
    size_t  partial;			/* recorded, but a CA above had no status */
    struct statusrec *st;		/* one per entry: what is recorded */
    struct statusprev prev;		/* what was recorded, read first */
    struct refresh_result *res;
    const char **fetch;			/* every distinct CRL source, fetched first */
    size_t  nfetch;
    size_t  next_fetch;			/* the next of them for a worker */
    size_t  next;			/* the next entry for a worker */
    struct htable skipped;		/* distribution points warned about */
    size_t  done;
    size_t  total;
    int     progress;
    size_t  no_responder;		/* certificates without an OCSP responder */
    char    no_responder_first[256];	/* the first of them */
    pthread_mutex_t lock;		/* next_fetch, next, done, progress output,
					 * no_responder */
};

/* refresh_report - one source's problem for one certificate (crlcheck) */
static void refresh_report(void *ctx, const char *source, const char *why)
{
    log_error("%s: crl %s: %s", (const char *) ctx, source, why);
}

/* refresh_is_http - a source refresh can fetch from a distribution point */
static int refresh_is_http(const char *url)
{
    return (strncmp(url, "http://", 7) == 0);
}

/* refresh_skipped - a point not http:// when another answered: one warning a run */
static void refresh_skipped(struct refresh *r, const char *url)
{
    int     first;

    pthread_mutex_lock(&r->lock);
    first = htable_insert(&r->skipped, url, strlen(url), r) == NULL;
    pthread_mutex_unlock(&r->lock);
    if (first)
	log_warn("crl distribution point %s skipped: only http:// is fetched (another point "
		 "of the same certificate answered)", url);
}

/* refresh_crl - the status by CRL: 1 answered, 0 not */
static int refresh_crl(struct refresh *r, const struct cert *cert, int issuer, const char *who,
		               struct statusrec *st)
{
    char  **points = cert->crl_urls, **http = NULL;
    size_t  n = 0, i, npoints = 0;
    int     res;

    if (r->crl_sources == NULL) {
	while (points && points[npoints])
	    npoints++;
	http = mem_calloc(npoints + 1, sizeof(*http));
	for (i = 0; i < npoints; i++)
	    if (refresh_is_http(points[i]))
		http[n++] = points[i];
    } else {
	n = r->ncrl_sources;
    }
    if (n == 0 && npoints > 0)
	log_error("%s: crl: no http:// CRL distribution point (%s%s): not fetched", who, points[0],
		  npoints > 1 ? ", ..." : "");
    else if (n == 0)
	log_error("%s: crl: no crl_source and no CRL distribution point in the certificate", who);
    res = n == 0 ? -1 : crlcheck_status(r->crl, r->crl_sources ? r->crl_sources : http, n,
					 cert->x509, issuer, 0, st, refresh_report, (void *) who);
    if (res == 0)
	log_error("%s: crl: no CRL of its issuer %s", who, r->crl_sources ? "in crl_source" :
		  "among its distribution points");
    for (i = 0; res > 0 && i < npoints; i++)
	if (!refresh_is_http(points[i]))
	    refresh_skipped(r, points[i]);
    free(http);
    return (res > 0);
}

/* refresh_ocsp - the status by OCSP: 1 answered, 0 not */
static int refresh_ocsp(struct refresh *r, const struct cert *cert, int issuer,
			        const char *who, struct statusrec *st)
{
    const char *url = *r->conf->set.value[SET_OCSP_RESPONDER] ? r->conf->set.value[SET_OCSP_RESPONDER]
    : cert->ocsp_urls ? cert->ocsp_urls[0] : NULL;
    char    why[1024];
    int     nonce_missing;

    if (url == NULL) {
	/* said once per run, after the workers (one line per cause) */
	pthread_mutex_lock(&r->lock);
	if (r->no_responder++ == 0)
	    snprintf(r->no_responder_first, sizeof(r->no_responder_first), "%s", who);
	pthread_mutex_unlock(&r->lock);
	return (0);
    }
    if (ocspcheck_status(&r->ocsp, url, cert->x509, sk_X509_value(r->iss.cas, issuer), st,
			 &nonce_missing, why, sizeof(why)) < 0) {
	log_error("%s: ocsp %s: %s", who, url, why);
	return (0);
    }
    if (nonce_missing)
	log_warn("%s: ocsp %s: the response has no nonce (accepted; a response older than "
		 "the recorded status is refused)", who, url);
    return (1);
}

/* refresh_report_ca - one problem with a CA's sources (castatus), once per CA */
static void refresh_report_ca(void *ctx, const char *ca, const char *method, const char *source,
			              const char *why)
{
    (void) ctx;
    log_error("CA %s: %s %s: %s", ca, method, source, why);
}

/*
 * refresh_chain - the CAs above the certificate (castatus): a revoked CA
 * revokes it; else its status is fresh no longer than theirs. A CA
 * without a status makes an otherwise good (or unknown) certificate
 * unavailable, but its own verified hold still counts: revoked comes
 * before unavailable, and a revocation by its own source was already
 * taken (refresh_answers). Returns the number of answers left (n, 1 or
 * 0); *partial is set when the chain left the certificate without a
 * complete status.
 */
static size_t refresh_chain(struct refresh *r, int issuer, const char *who,
			            struct statusrec *answers, size_t n, int *partial)
{
    struct statusrec ca, own;
    size_t  i;

    switch (castatus_chain(r->chain, issuer, &ca)) {
    case CASTATUS_REVOKED:
	if (statusrec_is_hold(&ca) && n > 0) {
	    statusmerge_combine(answers, n, &own);
	    if (statusrec_is_hold(&own))
		return (n);			/* held itself too: its own hold is recorded */
	}
	answers[0] = ca;
	return (1);
    case CASTATUS_UNAVAILABLE:
	log_error("%s: no status for its issuing CA at depth %d (the whole chain is checked)",
		  who, ca.depth);
	break;
    case CASTATUS_TOO_LONG:
	log_error("%s: more than %d CAs above it before the trust anchor (the limit): no status",
		  who, STATUSREC_DEPTH_MAX);
	break;
    case CASTATUS_GOOD:
	for (i = 0; i < n; i++)
	    if (answers[i].next_update > ca.next_update)
		answers[i].next_update = ca.next_update;
	return (n);
    }
    *partial = 1;
    if (n == 0)
	return (0);
    statusmerge_combine(answers, n, &own);
    if (own.state != STATUS_REVOKED)
	return (0);
    log_warn("%s: its own answer (on hold, by %s) is recorded without its CA's", who,
	      own.source == SOURCE_OCSP ? "ocsp" : "crl");
    answers[0] = own;
    return (1);
}

/*
 * refresh_answers - every method of revocation_check, then the chain: the
 * answers to combine (*partial: see refresh_chain)
 */
static size_t refresh_answers(struct refresh *r, const struct cert *cert, const char *who,
			              struct statusrec *answers, int *partial)
{
    const struct settings *set = &r->conf->set;
    size_t  n = 0, m, i;
    int     issuer;

    if ((issuer = issuers_of_cert(&r->iss, cert->x509)) < 0) {
	log_error("%s: its issuer is not in client_ca_file (no CA there of its issuer's name "
		  "whose key verifies its signature)", who);
	return (0);
    }
    for (m = 0; m < set->nmethods; m++)
	if (set->methods[m] == REVOCATION_OCSP ? refresh_ocsp(r, cert, issuer, who, answers + n)
	    : refresh_crl(r, cert, issuer, who, answers + n))
	    n++;
    for (i = 0; i < n; i++)
	if (answers[i].state == STATUS_REVOKED && !statusrec_is_hold(answers + i))
	    return (n);				/* revoked itself: the chain adds nothing */
    return (refresh_chain(r, issuer, who, answers, n, partial));
}

/* refresh_one - one certificate; the result goes to r->st[i], r->res[i] */
static void refresh_one(struct refresh *r, size_t i)
{
    const struct entry *e = r->set->entries + i;
    struct statusrec answers[REVOCATION_METHODS], verdict;
    struct refresh_result *res = r->res + i;
    const char *refused;
    char    who[256], was[256], said[256], until[32];
    size_t  n;

    snprintf(who, sizeof(who), "client %s (serial %s)", r->conf->clients[e->client].name,
	     e->cert->serial);
    if ((n = refresh_answers(r, e->cert, who, answers, &res->partial)) > 0) {
	statusmerge_combine(answers, n, &verdict);
	res->answered = 1;
    }
    res->have = statusmerge(n ? &verdict : NULL,
			    statusmerge_comparable(n ? &verdict : NULL,
						   r->prev.had[i] ? r->prev.rec + i : NULL),
			    (long long) r->now, r->skew, r->st + i, &refused);
    if (refused != NULL)
	log_warn("%s: refused \"%s\" and kept \"%s\": %s", who,
		 statusrec_describe(&verdict, (long long) r->now, r->skew, said, sizeof(said)),
		 statusrec_describe(r->prev.rec + i, (long long) r->now, r->skew, was, sizeof(was)),
		 refused);
    if (!n && res->have)
	log_warn("%s: kept its previous status (%s, fresh until %s)", who,
		 statusrec_state_name(r->st[i].state),
		 statusrec_iso(r->st[i].next_update, until, sizeof(until)));
}

/* refresh_wanted - does entry i get a status */
static int refresh_wanted(const struct refresh *r, size_t i)
{
    const struct entry *e = r->set->entries + i;

    return (e->cert != NULL && !r->conf->clients[e->client].revoked);
}

/*
 * refresh_worker - take CRL sources to fetch until none is left (so that
 * the sources of one certificate are fetched in parallel too), then
 * certificates until none is left
 */
static void *refresh_worker(void *arg)
{
    struct refresh *r = arg;
    size_t  i;

    for (;;) {
	pthread_mutex_lock(&r->lock);
	i = r->next_fetch++;
	pthread_mutex_unlock(&r->lock);
	if (i >= r->nfetch)
	    break;
	crlcheck_fetch(r->crl, r->fetch[i]);
    }
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

/* refresh_fetch_add - the http:// and file sources of a list, each once (seen) */
static void refresh_fetch_add(struct refresh *r, struct htable *seen, size_t *cap,
			              char **sources, size_t count, int http_only)
{
    size_t  i;

    for (i = 0; i < count; i++)
	if ((!http_only || refresh_is_http(sources[i]))
	    && htable_insert(seen, sources[i], strlen(sources[i]), r) == NULL) {
	    r->fetch = mem_grow(r->fetch, r->nfetch, cap, sizeof(*r->fetch));
	    r->fetch[r->nfetch++] = sources[i];
	}
}

/*
 * refresh_fetch_list - every distinct CRL source that refresh will read:
 * crl_source, or else the http:// distribution points of the
 * certificates that get a status
 */
static void refresh_fetch_list(struct refresh *r)
{
    struct htable seen;
    size_t  cap = 0, i, n;
    char  **urls;

    if (!r->conf->set.use_crl)
	return;
    htable_init(&seen);
    refresh_fetch_add(r, &seen, &cap, r->crl_sources, r->ncrl_sources, 0);
    for (i = 0; r->crl_sources == NULL && i < r->set->nentries; i++) {
	if (!refresh_wanted(r, i) || (urls = r->set->entries[i].cert->crl_urls) == NULL)
	    continue;
	for (n = 0; urls[n]; n++)
	     /* void */ ;
	refresh_fetch_add(r, &seen, &cap, urls, n, 1);
    }
    htable_free(&seen);
}

/* refresh_all - every certificate, by at most fetch_concurrency workers */
static void refresh_all(struct refresh *r)
{
    size_t  nthreads = (size_t) r->conf->set.fetch_concurrency, n = 0, i;
    pthread_t *threads;

    if (nthreads > r->total && nthreads > r->nfetch)
	nthreads = r->total > r->nfetch ? r->total : r->nfetch ? r->nfetch : 1;
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

/* refresh_carried - an entry revoked in the source: no answer asked, its record carried */
static int refresh_carried(const struct refresh *r, size_t i)
{
    const struct entry *e = r->set->entries + i;

    return (e->cert != NULL && r->conf->clients[e->client].revoked);
}

/*
 * refresh_previous - what the last run recorded (statusprev), read before
 * any worker starts (struct cdb keeps the last find in itself): 0, or -1
 * (reported) when the database is there but cannot be read.
 */
static int refresh_previous(struct refresh *r)
{
    const char *path = r->conf->set.value[SET_STATUS_DATABASE];
    int    *want = mem_calloc(r->set->nentries + 1, sizeof(*want));
    char    why[256];
    size_t  i;
    int     ret;

    for (i = 0; i < r->set->nentries; i++)
	want[i] = refresh_wanted(r, i) || refresh_carried(r, i);
    ret = statusprev_read(&r->prev, path, r->set, want, r->iss.cas, r->nums, why, sizeof(why));
    free(want);
    if (ret < 0)
	log_error("status database %s: %s: not refreshed (the revocations and cRLNumbers it "
		  "records cannot be read, and a new database would forget them); put back an "
		  "intact copy, or move it away to start a new history", path, why);
    return (ret);
}

/* refresh_write_cas - the own status of each CA of client_ca_file (castatus_record) */
static void refresh_write_cas(struct refresh *r)
{
    struct statusrec st;
    int     i;

    for (i = 0; i < sk_X509_num(r->iss.cas); i++)
	if (r->prev.ca_fp[i].len > 0 && castatus_record(r->chain, i, &st))
	    statuswrite_ca(&r->out, r->prev.ca_fp + i, &st);
}

/* refresh_write - every record, into the open cdb_make */
static void refresh_write(struct refresh *r)
{
    const struct clientset *set = r->set;
    char   *nums = crlnum_value(r->nums);
    int    *have = mem_calloc(set->nentries ? set->nentries : 1, sizeof(*have));
    struct htable written;		/* keys of carried records */
    size_t  i;

    htable_init(&written);
    for (i = 0; i < set->nentries; i++)
	if (refresh_wanted(r, i))
	    htable_insert(&written, set->entries[i].fp.bytes, set->entries[i].fp.len, r);
    statuswrite_value(&r->out, CRLNUM_KEY, nums);
    free(nums);
    for (i = 0; i < set->nentries; i++) {
	if (refresh_carried(r, i) && r->prev.had[i]
	    && htable_insert(&written, set->entries[i].fp.bytes, set->entries[i].fp.len, r) == NULL)
	    statuswrite_cert(&r->out, &set->entries[i].fp, r->prev.rec + i);
	if (!refresh_wanted(r, i))
	    continue;
	if (r->res[i].answered && r->res[i].have)
	    r->counts[r->st[i].state]++;
	if (r->res[i].answered && r->res[i].partial)
	    r->partial++;
	if (!r->res[i].answered) {
	    r->failed++;
	    r->kept += r->res[i].have;
	}
	if ((have[i] = r->res[i].have) != 0)
	    statuswrite_cert(&r->out, &set->entries[i].fp, r->st + i);
    }
    pinstatus_each(set, r->st, have, statuswrite_pin, &r->out);
    free(have);
    htable_free(&written);
    refresh_write_cas(r);
}

/* refresh_setup - client_ca_file, the checkers, the previous statuses */
static int refresh_setup(struct refresh *r)
{
    struct crlcheck_opts co;
    struct castatus_opts cso;
    char    why[1024];

    if (issuers_load(&r->iss, r->conf->set.value[SET_CLIENT_CA_FILE], why, sizeof(why)) < 0) {
	log_error("client_ca_file %s: %s", r->conf->set.value[SET_CLIENT_CA_FILE], why);
	return (-1);
    }
    r->now = time_now();
    r->skew = r->conf->set.clock_skew;
    r->ocsp.cas = r->iss.cas;
    r->ocsp.store = r->iss.store;
    r->ocsp.nonce = r->conf->set.ocsp_nonce;
    r->ocsp.max_size = (size_t) r->conf->set.ocsp_max_size;
    r->ocsp.timeout = (int) r->conf->set.fetch_timeout;
    fetch_set_redirects((int) r->conf->set.fetch_redirects);
    r->ocsp.skew = r->skew;
    r->ocsp.now = (long long) r->now;
    r->nums = crlnum_new();
    memset(&co, 0, sizeof(co));
    co.iss = &r->iss;
    co.nums = r->nums;
    co.max_size = (size_t) r->conf->set.crl_max_size;
    co.timeout = r->ocsp.timeout;
    co.skew = r->skew;
    co.now = r->now;
    r->crl = crlcheck_new(&co);
    r->crl_sources = r->conf->set.crl_sources;
    r->ncrl_sources = r->conf->set.ncrl_sources;
    memset(&cso, 0, sizeof(cso));
    cso.iss = &r->iss;
    cso.crl = r->crl;
    cso.ocsp = &r->ocsp;
    cso.crl_sources = r->crl_sources;
    cso.ncrl_sources = r->ncrl_sources;
    cso.use_ocsp = r->conf->set.use_ocsp;
    cso.use_crl = r->conf->set.use_crl;
    cso.report = refresh_report_ca;
    r->st = mem_calloc(r->set->nentries + 1, sizeof(*r->st));
    r->res = mem_calloc(r->set->nentries + 1, sizeof(*r->res));
    if (refresh_previous(r) < 0)
	return (-1);
    cso.recorded = r->prev.ca_rec;
    cso.had = r->prev.ca_had;
    cso.now = (long long) r->now;
    cso.skew = r->skew;
    r->chain = castatus_new(&cso);
    return (0);
}

/* refresh_cleanup - release what refresh_setup made */
static void refresh_cleanup(struct refresh *r)
{
    if (r->chain)
	castatus_free(r->chain);
    if (r->crl)
	crlcheck_free(r->crl);
    if (r->nums)
	crlnum_free(r->nums);
    free(r->fetch);
    issuers_free(&r->iss);
    free(r->st);
    statusprev_free(&r->prev);
    free(r->res);
}

/* refresh_run - build status.cdb */
int     refresh_run(const struct clientset *set)
{
    struct refresh r;
    struct atomic_file af;
    size_t  i;
    int     ret = -1;

    for (i = 0; i < set->nentries; i++)
	if (set->entries[i].cert != NULL && set->entries[i].cert->x509 == NULL)
	    log_panic("refresh: a set built from the certificate cache (no certificates)");
    memset(&r, 0, sizeof(r));
    r.set = set;
    r.conf = set->conf;
    if (!r.conf->set.revocation_on) {
	printf("certpolicy: revocation_check = none: nothing to refresh\n");
	return (0);
    }
    if (refresh_setup(&r) < 0)
	goto done;
    for (i = 0; i < set->nentries; i++)
	r.total += refresh_wanted(&r, i);
    r.progress = isatty(2) && r.total >= 20;
    refresh_fetch_list(&r);
    htable_init(&r.skipped);
    pthread_mutex_init(&r.lock, NULL);
    refresh_all(&r);
    pthread_mutex_destroy(&r.lock);
    htable_free(&r.skipped);
    if (atomic_open(&af, r.conf->set.value[SET_STATUS_DATABASE], 0644) < 0) {
	log_error("%s", af.why);
	goto done;
    }
    statuswrite_start(&r.out, af.fd);
    refresh_write(&r);
    if (statuswrite_finish(&r.out) < 0) {
	log_error_errno("cannot write %s", af.temp);
	atomic_abort(&af);
	goto done;
    }
    if (atomic_close(&af) < 0 || atomic_commit(&af) < 0) {
	log_error("%s", af.why);
	atomic_abort(&af);
	goto done;
    }
    atomic_release(&af);
    if (r.no_responder > 0)
	log_warn("ocsp: %zu certificate%s (%s%s) have no OCSP responder: no ocsp_responder "
		 "setting and none in the certificate (AIA)%s", r.no_responder,
		 r.no_responder == 1 ? "" : "s", r.no_responder_first,
		 r.no_responder > 1 ? " and others" : "",
		 r.conf->set.use_crl ? "; their CRLs answer for them" : "");
    printf("certpolicy: refreshed %zu certificates: %zu good, %zu revoked, %zu unknown, "
	   "%zu failed (%zu kept their previous status); %zu CRLs fetched\n",
	   r.total, r.counts[STATUS_GOOD], r.counts[STATUS_REVOKED], r.counts[STATUS_UNKNOWN],
	   r.failed, r.kept, crlcheck_fetches(r.crl));
    ret = r.failed || r.partial ? 1 : 0;

done:
    refresh_cleanup(&r);
    return (ret);
}
