/*
 * lint_ciphers - the cipher lists a mail host's servers are configured with
 *
 * Both commands run through postconf_run() (no shell, output bounded,
 * the reason of a failure from their standard error): doveconf prints
 * "name = value" lines as postconf does.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tool/lint_ciphers.h"
#include "util/postconf_run.h"

/* lint_ciphers_value - name's value from command args...; 0, or -1 with why */
static int lint_ciphers_value(const char *command, const char *const *args, const char *name,
			              char *value, size_t len, char *why, size_t why_len)
{
    struct postconf_list list;
    const char *found;

    if (postconf_run(command, args, 1, &list, why, why_len) < 0)
	return (-1);
    if ((found = postconf_get(&list, name)) == NULL)
	snprintf(why, why_len, "%s printed no %s", command, name);
    else
	snprintf(value, len, "%s", found);
    postconf_free(&list);
    return (found ? 0 : -1);
}

/*
 * lint_ciphers_postfix - smtpd's list, as Postfix builds it: at
 * smtpd_tls_security_level = encrypt the mandatory grade and both
 * exclusion lists, else the opportunistic grade and smtpd_tls_exclude_ciphers
 * (postconf(5)). master.cf overrides (-o) are not seen.
 */
static int lint_ciphers_postfix(char *list, size_t list_len, char *source, size_t source_len,
				        char *why, size_t why_len)
{
    const char *command = getenv("CERTPOLICY_POSTCONF");
    const char *args[] = {"smtpd_tls_security_level", "smtpd_tls_ciphers",
	"smtpd_tls_mandatory_ciphers", "smtpd_tls_exclude_ciphers",
    "smtpd_tls_mandatory_exclude_ciphers", NULL};
    const char *list_args[] = {NULL, NULL};
    struct postconf_list pc;
    const char *level, *grade, *exclude, *more;
    char    param[96], excluded[2048], *name, *save;
    int     mandatory;

    if (command == NULL || *command == 0 || strcmp(command, "none") == 0)
	command = "postconf";
    if (postconf_run(command, args, 1, &pc, why, why_len) < 0)
	return (-1);
    level = postconf_get(&pc, args[0]);
    mandatory = level != NULL && strcmp(level, "encrypt") == 0;
    grade = postconf_get(&pc, mandatory ? args[2] : args[1]);
    exclude = postconf_get(&pc, args[3]);
    more = mandatory ? postconf_get(&pc, args[4]) : NULL;
    snprintf(param, sizeof(param), "tls_%s_cipherlist", grade ? grade : "medium");
    snprintf(excluded, sizeof(excluded), "%s %s", exclude ? exclude : "", more ? more : "");
    snprintf(source, source_len, "Postfix's smtpd cipher list (%s%s = %s, %s, %s%s)",
	     mandatory ? "smtpd_tls_security_level = encrypt: " : "",
	     mandatory ? args[2] : args[1], grade ? grade : "medium", param, args[3],
	     mandatory ? " and smtpd_tls_mandatory_exclude_ciphers" : "");
    postconf_free(&pc);
    list_args[0] = param;
    if (lint_ciphers_value(command, list_args, param, list, list_len, why, why_len) < 0)
	return (-1);
    if (*list == 0) {
	snprintf(why, why_len, "%s: %s is empty", command, param);
	return (-1);
    }
    for (name = strtok_r(excluded, " ,:\t", &save); name != NULL;
	 name = strtok_r(NULL, " ,:\t", &save))
	snprintf(list + strlen(list), list_len - strlen(list), ":!%s", name);
    return (0);
}

/* lint_ciphers_dovecot - ssl_cipher_list, from doveconf */
static int lint_ciphers_dovecot(const char *config, char *list, size_t list_len,
				        char *source, size_t source_len, char *why, size_t why_len)
{
    const char *args[] = {"-c", config, "ssl_cipher_list", NULL};

    if (lint_ciphers_value("doveconf", config ? args : args + 2, "ssl_cipher_list", list,
			   list_len, why, why_len) < 0)
	return (-1);
    if (*list == 0) {
	snprintf(why, why_len, "doveconf: ssl_cipher_list is empty");
	return (-1);
    }
    snprintf(source, source_len, "Dovecot's ssl_cipher_list%s%s", config ? " in " : "",
	     config ? config : "");
    return (0);
}

/* lint_ciphers_resolve - a keyword or a list */
int     lint_ciphers_resolve(const char *spec, char *list, size_t list_len,
			             char *source, size_t source_len, char *why, size_t why_len)
{
    if (strcmp(spec, "postfix") == 0)
	return (lint_ciphers_postfix(list, list_len, source, source_len, why, why_len));
    if (strcmp(spec, "dovecot") == 0 || strncmp(spec, "dovecot:", 8) == 0)
	return (lint_ciphers_dovecot(spec[7] ? spec + 8 : NULL, list, list_len, source,
				     source_len, why, why_len));
    snprintf(list, list_len, "%s", spec);
    snprintf(source, source_len, "the cipher list");
    return (0);
}
