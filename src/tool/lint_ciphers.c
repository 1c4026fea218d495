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

/* lint_ciphers_postfix - smtpd's list, as Postfix builds it */
static int lint_ciphers_postfix(char *list, size_t list_len, char *source, size_t source_len,
				        char *why, size_t why_len)
{
    const char *command = getenv("CERTPOLICY_POSTCONF");
    const char *grade_args[] = {"smtpd_tls_ciphers", NULL};
    const char *exclude_args[] = {"smtpd_tls_exclude_ciphers", NULL};
    const char *list_args[] = {NULL, NULL};
    char    grade[64], exclude[1024], param[96], *name, *save;

    if (command == NULL || *command == 0 || strcmp(command, "none") == 0)
	command = "postconf";
    if (lint_ciphers_value(command, grade_args, grade_args[0], grade, sizeof(grade), why,
			   why_len) < 0
	|| lint_ciphers_value(command, exclude_args, exclude_args[0], exclude, sizeof(exclude),
			      why, why_len) < 0)
	return (-1);
    snprintf(param, sizeof(param), "tls_%s_cipherlist", grade);
    list_args[0] = param;
    if (lint_ciphers_value(command, list_args, param, list, list_len, why, why_len) < 0)
	return (-1);
    if (*list == 0) {
	snprintf(why, why_len, "%s: %s is empty", command, param);
	return (-1);
    }
    for (name = strtok_r(exclude, " ,:\t", &save); name != NULL;
	 name = strtok_r(NULL, " ,:\t", &save))
	snprintf(list + strlen(list), list_len - strlen(list), ":!%s", name);
    snprintf(source, source_len, "Postfix's smtpd cipher list (smtpd_tls_ciphers = %s, "
	     "%s, smtpd_tls_exclude_ciphers)", grade, param);
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
