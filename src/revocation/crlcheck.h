/*
 * crlcheck - certificate status from CRLs, each source fetched once
 *
 * A crlcheck caches every CRL source it was asked about during one
 * refresh. The first worker that needs a source fetches it (fetch_source)
 * without holding any lock shared with other sources, so CRL fetches run
 * in parallel (as many as there are workers: fetch_concurrency) and a slow
 * source stalls only the certificates that need it; other workers wanting
 * the same source wait for it. A source may hold several CRLs (PEM); each
 * is parsed and judged once (crlinfo), its signer found by key in
 * client_ca_file (issuers), its thisUpdate not in the future and its
 * nextUpdate not past (both with clock_skew), its cRLNumber not lower than
 * one seen before for the same CA key and scope (crlnum).
 *
 * crlcheck_status() then decides one certificate from every CRL of its
 * issuer's key at hand in the sources given: the newest complete CRL that
 * covers it (highest cRLNumber, then thisUpdate; RFC 5280 6.3.3), with the
 * newest delta CRL that applies to that base (5.2.4: base number <= the
 * complete CRL's < the delta's), removeFromCRL included (5.3.1). A delta
 * CRL without its base, or a CRL whose scope leaves the certificate out,
 * is refused with its reason. Problems are handed to the caller's report
 * function; nothing here prints.
 */
#ifndef CERTPOLICY_CRLCHECK_H
#define CERTPOLICY_CRLCHECK_H

#include <stddef.h>
#include <time.h>

#include <openssl/x509.h>

#include "revocation/crlnum.h"
#include "revocation/issuers.h"
#include "policy/statusrec.h"

#define CRLCHECK_MAX_PER_SOURCE	64	/* CRLs in one source (a PEM file) */

struct crlcheck_opts {
    const struct issuers *iss;		/* not owned */
    struct crlnum *nums;		/* not owned; shared, locked inside */
    size_t  max_size;			/* crl_max_size, bytes */
    int     timeout;			/* fetch_timeout, seconds */
    long long skew;			/* clock_skew, seconds */
    time_t  now;
};

/* crlcheck_report_fn - one source's problem for one certificate */
typedef void (*crlcheck_report_fn) (void *ctx, const char *source, const char *why);

struct crlcheck;

/* crlcheck_new - an empty cache for one refresh; opts is copied */
struct crlcheck *crlcheck_new(const struct crlcheck_opts *opts);
void    crlcheck_free(struct crlcheck *cc);

/*
 * crlcheck_status - the status of cert (signed by CA index issuer; is_ca
 * when cert is a CA certificate) from the CRLs in sources[0..nsources-1]:
 * 1 answered (*st filled, source crl, depth 0), 0 no CRL of that issuer
 * in them and no problem, -1 none usable (each problem reported). Safe
 * to call from several threads.
 */
int     crlcheck_status(struct crlcheck *cc, char *const *sources, size_t nsources,
			        X509 *cert, int issuer, int is_ca, struct statusrec *st,
			        crlcheck_report_fn report, void *ctx);

/* crlcheck_fetch - fetch and judge source now, if no thread did (thread-safe) */
void    crlcheck_fetch(struct crlcheck *cc, const char *source);

/* crlcheck_fetches - how many CRL sources were fetched and parsed */
size_t  crlcheck_fetches(const struct crlcheck *cc);

#endif
