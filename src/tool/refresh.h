/*
 * refresh - "certpolicy refresh": build status.cdb from CRLs and OCSP
 *
 * For every certificate of an active client that came from a cert= file:
 * its issuer is the CA of client_ca_file whose key verifies its signature
 * (issuers); then every method of revocation_check is asked, in order:
 * OCSP (responder from ocsp_responder or the certificate's AIA) and CRLs
 * (crl_source, or the certificate's distribution points; crlcheck). The
 * statuses recorded by the previous run are read before any worker starts;
 * the answers of this run and the recorded status give the new one by the
 * rules of statusmerge (revoked is final, a hold is lifted only by a newer
 * answer, older answers are replays, unknown never replaces a definite
 * status). Up to fetch_concurrency workers run at once, CRL fetches among
 * them. Each failure is reported with the client, the source and the
 * reason; each refused answer with what was kept and why. status.cdb gets
 * the certificates' statuses, the pinned keys' (pinstatus) and the
 * cRLNumbers seen (crlnum), written atomically. Returns 0 when every
 * certificate got an answer, 1 when some did not, -1 when nothing could
 * be done (messages logged).
 */
#ifndef CERTPOLICY_REFRESH_H
#define CERTPOLICY_REFRESH_H

#include "source/clientset.h"

int     refresh_run(const struct clientset *set);

#endif
