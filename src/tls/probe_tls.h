/*
 * probe_tls - the TLS handshake of Postfix's smtp(8), and its verdict
 *
 * The SSL objects are set up with the same OpenSSL calls Postfix 3.7
 * makes (tls_client.c, tls_client_init(), tls_client_start(),
 * tls_auth_enable(), add_namechecks(); tls_dane.c; tls_misc.c,
 * tls_set_ciphers(), tls_proto_mask_lims()), so that OpenSSL reaches the
 * same verdict for both:
 *   - smtp_tls_CAfile and smtp_tls_CApath (plus OpenSSL's default paths
 *     with tls_append_default_CA = yes), verify depth
 *     smtp_tls_scert_verifydepth, OpenSSL security level 0, and 1 for
 *     levels that verify;
 *   - protocols: names (SSLv2 ... TLSv1.3, '!' to exclude) and >=/<=
 *     bounds (a name, None or a hex version);
 *   - ciphers: the grade's tls_GRADE_cipherlist, then ":!NAME" per
 *     exclusion (a name starting with one of "!+-@" is an error);
 *   - fingerprint: each match= value as DANE-EE(3) records for both the
 *     certificate (selector 0) and its public key (selector 1), with
 *     private matching type 255 bound to smtp_tls_fingerprint_digest; no
 *     name checks;
 *   - verify and secure: every match= pattern as an OpenSSL host name
 *     (SSL_add1_host, no partial wildcards), "hostname" the server's name,
 *     "nexthop" the next-hop domain, "dot-nexthop" and ".domain" any name
 *     below it; tafile= certificates and public keys as DANE-TA(2) and
 *     DANE-EE(3) records, and name checks still apply.
 *
 * DIAGNOSTICS: probe_tls_prepare() returns -1 with why when Postfix would
 * refuse the policy before connecting (a trust anchor file it cannot
 * read); probe_tls_start() returns -1 with why when the TLS session could
 * not start ("Cannot start TLS: handshake failure" in Postfix's log).
 */
#ifndef CERTPOLICY_PROBE_TLS_H
#define CERTPOLICY_PROBE_TLS_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "tls/pfconf.h"
#include "tls/probe_policy.h"
#include "tls/smtp_client.h"

struct probe_tls {
    SSL_CTX *ctx;
    const struct probe_policy *pol;
    const struct pfconf *pf;
    const EVP_MD *md;			/* smtp_tls_fingerprint_digest */
    struct probe_tlsa *tlsa;		/* fingerprints or trust anchors */
    size_t  ntlsa;
    size_t  tlsa_cap;
};

struct probe_tls_result {
    int     matched;			/* the level's authentication passed */
    char    protocol[32];		/* TLSv1.3 */
    char    cipher[128];		/* TLS_AES_256_GCM_SHA384 */
    char    detail[768];		/* why not matched, or what matched */
};

/*
 * probe_tls_prepare - an OpenSSL context for pol with Postfix's settings
 * pf; pol must outlive it. 0, or -1 with why.
 */
int     probe_tls_prepare(struct probe_tls *pt, const struct probe_policy *pol,
			          const struct pfconf *pf, char *why, size_t why_len);

/*
 * probe_tls_start - after a 2xx reply to STARTTLS on c: the handshake as
 * smtp(8) makes it with host (the server's name) and nexthop (the
 * next-hop domain), and its verdict in res. 0, or -1 with why when no
 * TLS session was made.
 */
int     probe_tls_start(struct probe_tls *pt, struct smtp_client *c, const char *host,
			        const char *nexthop, struct probe_tls_result *res,
			        char *why, size_t why_len);

/* probe_tls_free - release the context */
void    probe_tls_free(struct probe_tls *pt);

#endif
