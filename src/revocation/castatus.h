/*
 * castatus - the whole chain: the status of each CA certificate between a
 * client's certificate and its trust anchor
 *
 * As openssl verify -crl_check_all and Apache's SSLCARevocationCheck chain
 * do (RFC 5280 6.3: every certificate of the path is checked), refresh
 * checks each CA certificate of client_ca_file that issued a client's
 * certificate, and each CA above it, up to (not including) the anchor: a
 * self-signed certificate, or one whose issuer is not in client_ca_file.
 * Each CA is checked once per refresh, however many clients it issued, by
 * the methods of revocation_check: OCSP at the responder of its own AIA,
 * CRLs from crl_source or its own http distribution points (a CRL that
 * covers only CA certificates, an ARL, counts here). The first thread
 * that needs a CA's status makes it; the others wait for it.
 *
 * A CA's answers are judged against what the previous refresh recorded
 * for that CA certificate (opts.recorded, by index in client_ca_file),
 * by the rules of statusmerge: a revoked CA stays revoked, a hold is
 * lifted only by a newer definite answer, an older answer is a replay.
 * Without an answer in this run, a CA's recorded revocation (or hold)
 * stands; a recorded good status is kept for the next run but gives no
 * verdict (its clients keep their own fresh earlier status, then become
 * unavailable). A CA's answers are never compared with a client's own
 * record: the root's CRL and the intermediate's CRL are different lists
 * with different clocks. castatus_record() gives what to record for each
 * CA.
 *
 * castatus_chain() gives the verdict of the chain above one issuer:
 * revoked (the first revoked CA, with its depth: 1 is the client's issuer),
 * good (fresh until the earliest nextUpdate of the CAs checked), or
 * unavailable. Problems with a CA's sources are handed to the report
 * function once, by the thread that checks that CA; nothing here prints.
 */
#ifndef CERTPOLICY_CASTATUS_H
#define CERTPOLICY_CASTATUS_H

#include <stddef.h>

#include "revocation/crlcheck.h"
#include "revocation/issuers.h"
#include "revocation/ocspcheck.h"
#include "policy/statusrec.h"

/* castatus_report_fn - one problem of one CA's sources */
typedef void (*castatus_report_fn) (void *ctx, const char *ca, const char *method,
				            const char *source, const char *why);

struct castatus_opts {
    const struct issuers *iss;		/* not owned */
    struct crlcheck *crl;		/* not owned */
    const struct ocspcheck_opts *ocsp;	/* not owned */
    char   *const *crl_sources;		/* crl_source, or NULL: each CA's own points */
    size_t  ncrl_sources;
    int     use_ocsp, use_crl;		/* from revocation_check, in that order */
    castatus_report_fn report;
    void   *ctx;
    const struct statusrec *recorded;	/* one per CA of iss, or NULL; not owned */
    const int *had;			/* recorded[i] is valid */
    long long now, skew;		/* seconds: the freshness of a kept good status */
};

struct castatus;

/* castatus_new - for one refresh; opts is copied */
struct castatus *castatus_new(const struct castatus_opts *opts);
void    castatus_free(struct castatus *cs);

enum castatus_verdict {
    CASTATUS_GOOD,			/* every CA checked is good (or none to check) */
    CASTATUS_REVOKED,			/* *st: the revocation, its depth set */
    CASTATUS_UNAVAILABLE,		/* *st: depth of the CA without a status */
    CASTATUS_TOO_LONG,			/* more than STATUSREC_DEPTH_MAX CAs to check */
};

/*
 * castatus_chain - the verdict of the CAs from index issuer (the client's
 * issuer, depth 1) up to the anchor. For GOOD, st->next_update is the
 * earliest nextUpdate among them (LLONG_MAX when none was checked).
 * Safe to call from several threads.
 */
enum castatus_verdict castatus_chain(struct castatus *cs, int issuer, struct statusrec *st);

/*
 * castatus_record - what status.cdb keeps for CA index i after the run:
 * its status as judged in this run, else (not checked, or no answer) what
 * was recorded before, whatever its age, so that the next answer is
 * judged against it. Returns 1 with *st, 0 for nothing to record. Call
 * when no castatus_chain() is running.
 */
int     castatus_record(struct castatus *cs, int i, struct statusrec *st);

#endif
