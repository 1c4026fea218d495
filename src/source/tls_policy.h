/*
 * tls_policy - check one smtp_tls_policy_maps entry by Postfix's rules
 *
 * postmap stores any text, and Postfix then defers mail to that next-hop
 * with 4.7.5; so certpolicy refuses what Postfix would refuse and warns
 * about what is outdated. Rules (Postfix 3.7): the next-hop is a domain,
 * .domain, host:port or [host]:port; levels none, may, encrypt, dane,
 * dane-only, fingerprint, verify, secure; "none" ignores any attributes
 * (a warning, as Postfix warns and delivers); ciphers, protocols, exclude,
 * servername and connection_reuse need "may" or above; protocols= and
 * exclude= may be empty (Postfix then allows every protocol, excludes no
 * cipher: a warning); match needs fingerprint ('|'-separated fingerprints
 * of the site's digest, at least one) or verify/secure (':'-separated
 * patterns), where empty elements and "." are skipped as Postfix skips
 * them (a warning);
 * tafile needs verify/secure; exclude names ciphers (none starting with
 * '!', '+', '-' or '@'); match and tafile may repeat, and so may
 * connection_reuse (the last wins; a warning), others may not; servername
 * follows Postfix's host-name rules; protocols' >= and <= take the
 * versions Postfix knows for them (not SSLv2); a .domain:port next-hop,
 * which Postfix never looks up, is a warning.
 *
 * DIAGNOSTICS
 *	Nothing is printed: every problem is an error or a warning in the
 *	caller's FILE:LINE: collector (diag.h), the one conf and clientset
 *	report into.
 */
#ifndef CERTPOLICY_TLS_POLICY_H
#define CERTPOLICY_TLS_POLICY_H

#include "util/diag.h"

/*
 * tls_policy_check - check next-hop and the words after it (level first),
 * as Postfix 3.7's smtp judges them when it delivers (smtp_tls_policy.c,
 * tls_misc.c, valid_hostname.c). digest is the site's fingerprint digest
 * (enum fprint_digest; smtp_tls_fingerprint_digest), which every match=
 * fingerprint must have, or -1 to take any known digest. Every problem
 * goes to the collector diag as an error or a warning at line, its
 * message after prefix (e.g. "tls: "); returns the number of errors.
 * Duplicate next-hops are the caller's business: Postfix folds them to
 * lower case. Nothing is printed.
 */
int     tls_policy_check(const char *nexthop, char **words, int count, int digest,
			         struct diag *diag, int line, const char *prefix);

#endif
