/*
 * statusmerge - what a certificate's status may become
 *
 * The rules of DESIGN "What a status may become", in one place, without
 * I/O: refresh hands over the answers verified in this run (one per
 * source that answered, in the order of revocation_check) and the status
 * recorded by the previous run, and gets the status to record.
 *
 * Combining the answers of one run: a revoked answer from any source wins
 * (certificateHold, RFC 5280 5.3.1, only when no good answer is newer
 * than it: a hold may be released); otherwise good beats unknown (unknown
 * never replaces a definite status); among equals the newest thisUpdate.
 * A good verdict is fresh until the latest nextUpdate of this run's good
 * answers (each verified and fresh: the certificate is good while any of
 * them is).
 *
 * Against the recorded status: revoked is final (no answer and no failure
 * erases it); a hold is lifted only by a definite answer whose thisUpdate
 * is later than the hold's; unknown never replaces a definite status
 * (good, a hold or a revocation), so an unknown record never hides the
 * thisUpdate of an earlier definite answer; an answer older than the
 * recorded status is a replay and refused (a revocation excepted: it
 * always wins; and a definite answer replaces a recorded unknown, which
 * is no definite status, as within one run). A good answer older than
 * a recorded good status that is no longer fresh (nextUpdate + clock_skew
 * passed), itself fresh, keeps that status (source, thisUpdate) and gives
 * it its nextUpdate: with "ocsp, crl", a CRL older than the responder's
 * last answer keeps a certificate good once that answer has expired.
 * With no answer at all, a revocation (a hold included) is kept for ever
 * and a good status while it is fresh (nextUpdate + clock_skew).
 *
 * The same rules serve a CA certificate's own status (castatus), compared
 * only with what was recorded for that CA certificate.
 */
#ifndef CERTPOLICY_STATUSMERGE_H
#define CERTPOLICY_STATUSMERGE_H

#include <stddef.h>

#include "policy/statusrec.h"

/*
 * statusmerge_combine - one verdict from n >= 1 answers of this run, into
 * *out
 */
void    statusmerge_combine(const struct statusrec *answers, size_t n, struct statusrec *out);

/*
 * statusmerge - the status to record from this run's verdict (NULL: no
 * source answered) and the recorded one (NULL: none; it is trusted to be
 * ours). Returns 1 with *out filled, 0 when nothing is to be recorded. When
 * the verdict was refused, *refused says why (static text), else NULL.
 * now and skew (seconds) judge the freshness of a kept good status.
 */
int     statusmerge(const struct statusrec *verdict, const struct statusrec *recorded,
		            long long now, long long skew, struct statusrec *out,
		            const char **refused);

/*
 * statusmerge_comparable - the record (recorded, or NULL: none) that a
 * certificate's verdict (NULL: no answer) is judged against. A verdict
 * about a CA above it (depth > 0) was judged against that CA's own record
 * already, and a record made from such a verdict says nothing of the
 * certificate's own answers: thisUpdates of different lists are never
 * compared, so across depths only a final revocation counts (revoked is
 * final), and a certificate's own recorded hold stays on record while a
 * CA above it is held too (statusmerge keeps it: both reject, and only an
 * answer of its own, newer than its hold, may lift it). Returns recorded
 * or NULL.
 */
const struct statusrec *statusmerge_comparable(const struct statusrec *verdict,
					               const struct statusrec *recorded);

#endif
