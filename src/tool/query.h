/*
 * query - what certpolicyd would answer now for a certificate
 *
 * Reads the compiled database named by the source file's database
 * setting, with the policy server's own code (policy_db, policy_decide),
 * so the answer is the one Postfix would get. Prints the fingerprint
 * asked about, the outcome, the action, the client and the reason.
 */
#ifndef CERTPOLICY_QUERY_H
#define CERTPOLICY_QUERY_H

#include "policy/bounds.h"

/* query_run - certfile or fingerprint (one is NULL); 0, or -1 (logged) */
int     query_run(const char *config, const struct bounds *bounds,
		          const char *certfile, const char *fingerprint);

#endif
