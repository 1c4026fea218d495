/*
 * refresh - "certpolicy refresh": build status.cdb from CRLs and OCSP
 *
 * For every certificate of an active client that came from a cert= file,
 * in the order of revocation_check: OCSP (responder from ocsp_responder or
 * the certificate's AIA), then, when OCSP gives no answer (or "unknown"),
 * CRLs (crl_source, or the certificate's distribution points). Each
 * distinct CRL is fetched and verified once. A certificate whose sources
 * all fail keeps its previous status while that is fresh (nextUpdate plus
 * clock_skew not passed; a revocation never goes stale); each failure is
 * reported with the client, the source and the reason. status.cdb is
 * written atomically. Returns 0 when every source answered, 1 when some
 * failed, -1 when nothing could be done (messages logged).
 */
#ifndef CERTPOLICY_REFRESH_H
#define CERTPOLICY_REFRESH_H

#include "clientset.h"

int     refresh_run(const struct clientset *set);

#endif
