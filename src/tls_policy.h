/*
 * tls_policy - check one smtp_tls_policy_maps entry by Postfix's rules
 *
 * postmap stores any text, and Postfix then defers mail to that next-hop
 * with 4.7.5; so certpolicy refuses what Postfix would refuse and warns
 * about what is outdated. Rules (Postfix 3.7): the next-hop is a domain,
 * .domain, host:port or [host]:port; levels none, may, encrypt, dane,
 * dane-only, fingerprint, verify, secure; "none" takes no attributes;
 * ciphers, protocols, exclude, servername and connection_reuse need "may"
 * or above; match needs fingerprint ('|'-separated fingerprints, at least
 * one) or verify/secure (':'-separated patterns); tafile needs
 * verify/secure; match and tafile may repeat, others may not.
 */
#ifndef CERTPOLICY_TLS_POLICY_H
#define CERTPOLICY_TLS_POLICY_H

#include "log.h"

struct tls_policy_diag {
    void    (*report) (void *ctx, int warning, const char *text);
    void   *ctx;
};

/*
 * tls_policy_check - check next-hop and the words after it (level first).
 * Every problem goes to diag; returns the number of errors.
 */
int     tls_policy_check(const char *nexthop, char **words, int count,
			         const struct tls_policy_diag *diag);

#endif
