/*
 * pfconf - the Postfix settings that decide how smtp(8) uses TLS
 *
 * postconf runs through postconf_run (util), which bounds its output
 * (POSTCONF_MAX_OUTPUT) and keeps its "name = value" lines.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "util/postconf_run.h"
#include "tls/pfconf.h"

#define PFCONF_SBIN "/usr/sbin"		/* where Postfix's commands live */

static const char *const pfconf_names[PF_COUNT] = {
    [PF_CAFILE] = "smtp_tls_CAfile",
    [PF_CAPATH] = "smtp_tls_CApath",
    [PF_APPEND_DEFAULT_CA] = "tls_append_default_CA",
    [PF_VERIFY_DEPTH] = "smtp_tls_scert_verifydepth",
    [PF_FPT_DIGEST] = "smtp_tls_fingerprint_digest",
    [PF_FPT_MATCH] = "smtp_tls_fingerprint_cert_match",
    [PF_VERIFY_MATCH] = "smtp_tls_verify_cert_match",
    [PF_SECURE_MATCH] = "smtp_tls_secure_cert_match",
    [PF_TAFILE] = "smtp_tls_trust_anchor_file",
    [PF_PROTOCOLS] = "smtp_tls_protocols",
    [PF_MAND_PROTOCOLS] = "smtp_tls_mandatory_protocols",
    [PF_CIPHERS] = "smtp_tls_ciphers",
    [PF_MAND_CIPHERS] = "smtp_tls_mandatory_ciphers",
    [PF_EXCLUDE] = "smtp_tls_exclude_ciphers",
    [PF_MAND_EXCLUDE] = "smtp_tls_mandatory_exclude_ciphers",
    [PF_SERVERNAME] = "smtp_tls_servername",
    [PF_SECURITY_LEVEL] = "smtp_tls_security_level",
    [PF_USE_TLS] = "smtp_use_tls",
    [PF_ENFORCE_TLS] = "smtp_enforce_tls",
    [PF_ENFORCE_PEERNAME] = "smtp_tls_enforce_peername",
    [PF_DNS_SUPPORT] = "smtp_dns_support_level",
    [PF_DISABLE_DNS] = "disable_dns_lookups",
    [PF_INET_PROTOCOLS] = "inet_protocols",
    [PF_HIGH_CLIST] = "tls_high_cipherlist",
    [PF_MEDIUM_CLIST] = "tls_medium_cipherlist",
    [PF_LOW_CLIST] = "tls_low_cipherlist",
    [PF_EXPORT_CLIST] = "tls_export_cipherlist",
    [PF_NULL_CLIST] = "tls_null_cipherlist",
    [PF_MYHOSTNAME] = "myhostname",
    [PF_MX_ADDRESS_LIMIT] = "smtp_mx_address_limit",
};

/*
 * pfconf_read - every value, by postconf; the default command is tried
 * again from /usr/sbin when it is not on PATH (exit status 127)
 */
int     pfconf_read(struct pfconf *pf, const char *command, char *why, size_t why_len)
{
    const char *args[PF_COUNT + 2];
    struct postconf_list list;
    const char *value;
    int     i, ret;

    memset(pf, 0, sizeof(*pf));
    args[0] = "-x";
    for (i = 0; i < PF_COUNT; i++)
	args[i + 1] = pfconf_names[i];
    args[PF_COUNT + 1] = NULL;
    if ((ret = postconf_run(command, args, 1, &list, why, why_len)) < 0
	&& strchr(command, '/') == NULL && (strstr(why, "exit status 127") != NULL
					    || strstr(why, strerror(ENOENT)) != NULL)) {
	postconf_free(&list);
	ret = postconf_run(PFCONF_SBIN "/postconf", args, 1, &list, why, why_len);
    }
    if (ret < 0) {
	postconf_free(&list);
	return (-1);
    }
    for (i = 0; i < PF_COUNT; i++)
	pf->value[i] = mem_strdup((value = postconf_get(&list, pfconf_names[i])) ? value : "");
    postconf_free(&list);
    return (0);
}

/* pfconf_get - a value */
const char *pfconf_get(const struct pfconf *pf, enum pfconf_id id)
{
    return (pf->value[id] ? pf->value[id] : "");
}

/* pfconf_yes - a Postfix boolean */
int     pfconf_yes(const struct pfconf *pf, enum pfconf_id id)
{
    return (strcasecmp(pfconf_get(pf, id), "yes") == 0);
}

/* pfconf_free - release the values */
void    pfconf_free(struct pfconf *pf)
{
    int     i;

    for (i = 0; i < PF_COUNT; i++)
	free(pf->value[i]);
    memset(pf, 0, sizeof(*pf));
}
