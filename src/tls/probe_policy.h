/*
 * probe_policy - the TLS policy Postfix's smtp(8) applies to one next-hop
 *
 * The effective policy is built as Postfix 3.7 builds it (smtp_tls_policy.c,
 * policy_create() and set_cipher_grade()): the level and attributes of the
 * tls entry, else smtp_tls_security_level; then, for what the entry does
 * not say, the main.cf values: smtp_tls_protocols (level may) or
 * smtp_tls_mandatory_protocols (encrypt and above), smtp_tls_ciphers or
 * smtp_tls_mandatory_ciphers, the exclusion lists plus eNULL (encrypt) or
 * aNULL (fingerprint and above), smtp_tls_servername,
 * smtp_tls_fingerprint_cert_match, smtp_tls_verify_cert_match or
 * smtp_tls_secure_cert_match, smtp_tls_trust_anchor_file.
 *
 * DIAGNOSTICS: probe_policy_build() returns -1 with the reason in why when
 * Postfix would find the entry invalid (and defer the mail).
 */
#ifndef CERTPOLICY_PROBE_POLICY_H
#define CERTPOLICY_PROBE_POLICY_H

#include <stddef.h>

#include "tls/pfconf.h"

/* The levels in Postfix's order (tls_level.c): stronger is larger. */
enum probe_level {
    PROBE_NONE,
    PROBE_MAY,
    PROBE_ENCRYPT,
    PROBE_DANE,
    PROBE_DANE_ONLY,
    PROBE_FPRINT,
    PROBE_VERIFY,
    PROBE_SECURE,
};

struct probe_list {
    char  **item;			/* new memory, each */
    size_t  count;
    size_t  cap;
};

struct probe_policy {
    enum probe_level level;
    char   *protocols;			/* Postfix syntax, never NULL */
    char   *grade;			/* high, medium, ... */
    char   *exclusions;			/* space-separated cipher names */
    char   *sni;			/* "" for none, hostname, nexthop, a name */
    struct probe_list match;		/* verify/secure patterns */
    struct probe_list fprint;		/* fingerprint level digests */
    struct probe_list tafile;		/* verify/secure trust anchor files */
};

/*
 * probe_policy_build - entry is the tls entry's value ("secure
 * match=example.com ..."), or NULL for a next-hop without one (the
 * global smtp_tls_security_level applies). 0, or -1 with why.
 */
int     probe_policy_build(struct probe_policy *pol, const char *entry, const struct pfconf *pf,
			           char *why, size_t why_len);

/* probe_policy_free - release what probe_policy_build() made */
void    probe_policy_free(struct probe_policy *pol);

/* probe_level_name - the level's name as Postfix spells it */
const char *probe_level_name(enum probe_level level);

#endif
