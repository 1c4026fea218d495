/*
 * pfconf - the Postfix settings that decide how smtp(8) uses TLS
 *
 * probe judges a tls entry as this host's Postfix would, so it reads
 * Postfix's own values with "postconf -x NAME..." (postconf honours
 * MAIL_CONFIG, and -x expands $name references and the defaults that
 * depend on compatibility_level). A name the installed Postfix does not
 * know is left empty, as postconf leaves it out.
 *
 * DIAGNOSTICS: pfconf_read() returns -1 with the reason in why (with
 * postconf's own first error line); it prints nothing.
 */
#ifndef CERTPOLICY_PFCONF_H
#define CERTPOLICY_PFCONF_H

#include <stddef.h>

enum pfconf_id {
    PF_CAFILE,				/* smtp_tls_CAfile */
    PF_CAPATH,				/* smtp_tls_CApath */
    PF_APPEND_DEFAULT_CA,		/* tls_append_default_CA */
    PF_VERIFY_DEPTH,			/* smtp_tls_scert_verifydepth */
    PF_FPT_DIGEST,			/* smtp_tls_fingerprint_digest */
    PF_FPT_MATCH,			/* smtp_tls_fingerprint_cert_match */
    PF_VERIFY_MATCH,			/* smtp_tls_verify_cert_match */
    PF_SECURE_MATCH,			/* smtp_tls_secure_cert_match */
    PF_TAFILE,				/* smtp_tls_trust_anchor_file */
    PF_PROTOCOLS,			/* smtp_tls_protocols */
    PF_MAND_PROTOCOLS,			/* smtp_tls_mandatory_protocols */
    PF_CIPHERS,				/* smtp_tls_ciphers */
    PF_MAND_CIPHERS,			/* smtp_tls_mandatory_ciphers */
    PF_EXCLUDE,				/* smtp_tls_exclude_ciphers */
    PF_MAND_EXCLUDE,			/* smtp_tls_mandatory_exclude_ciphers */
    PF_SERVERNAME,			/* smtp_tls_servername */
    PF_SECURITY_LEVEL,			/* smtp_tls_security_level */
    PF_USE_TLS,				/* smtp_use_tls (before levels) */
    PF_ENFORCE_TLS,			/* smtp_enforce_tls */
    PF_ENFORCE_PEERNAME,		/* smtp_tls_enforce_peername */
    PF_DNS_SUPPORT,			/* smtp_dns_support_level */
    PF_DISABLE_DNS,			/* disable_dns_lookups */
    PF_INET_PROTOCOLS,			/* inet_protocols */
    PF_HIGH_CLIST,			/* tls_high_cipherlist */
    PF_MEDIUM_CLIST,			/* tls_medium_cipherlist */
    PF_LOW_CLIST,			/* tls_low_cipherlist */
    PF_EXPORT_CLIST,			/* tls_export_cipherlist */
    PF_NULL_CLIST,			/* tls_null_cipherlist */
    PF_MYHOSTNAME,			/* myhostname, for EHLO */
    PF_MX_ADDRESS_LIMIT,		/* smtp_mx_address_limit */
    PF_COUNT,
};

struct pfconf {
    char   *value[PF_COUNT];		/* never NULL once read */
};

/*
 * pfconf_read - run command (normally "postconf", from PATH or else
 * /usr/sbin, which a user's PATH may lack) with -x and the names above,
 * and keep each value (empty when postconf did not print it). Output
 * beyond POSTCONF_MAX_OUTPUT bytes (util/postconf_run.h), a failed start
 * or a non-zero exit is an error: -1 with why.
 */
int     pfconf_read(struct pfconf *pf, const char *command, char *why, size_t why_len);

/* pfconf_get - a value ("" when unknown) */
const char *pfconf_get(const struct pfconf *pf, enum pfconf_id id);

/* pfconf_yes - a Postfix boolean is "yes" */
int     pfconf_yes(const struct pfconf *pf, enum pfconf_id id);

/* pfconf_free - release the values */
void    pfconf_free(struct pfconf *pf);

#endif
