/*
 * probe_suite - the protocol and cipher limits of a TLS policy, on an SSL
 *
 * The lists are copied before they are split; nothing is kept.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>

#include "cert/log_ssl.h"
#include "util/mem.h"
#include "tls/probe_suite.h"

#define PROBE_SUITE_SEP " \t\r\n,:"	/* Postfix's CHARS_COMMA_SP ":" */

/* probe_suite_version - a >= or <= bound: name, None or hex; -1 if invalid */
static int probe_suite_version(const char *tok)
{
    static const struct {
	const char *name;
	int     version;
    } versions[] = {
	{"None", 0}, {"SSLv3", SSL3_VERSION}, {"TLSv1", TLS1_VERSION},
	{"TLSv1.1", TLS1_1_VERSION}, {"TLSv1.2", TLS1_2_VERSION}, {"TLSv1.3", TLS1_3_VERSION},
    };
    unsigned long val;
    char   *end;
    size_t  i;

    for (i = 0; i < sizeof(versions) / sizeof(versions[0]); i++)
	if (strcasecmp(tok, versions[i].name) == 0)
	    return (versions[i].version);
    val = strtoul(tok, &end, 16);
    return (*end != 0 || end == tok || val > 0x7fffffff ? -1 : (int) val);
}

/*
 * probe_suite_protocols - Postfix's protocol list on ssl: excluded names
 * (the complement of the named ones when any is named) and the bounds.
 * 0, or -1 when Postfix finds the list invalid.
 */
int     probe_suite_protocols(SSL *ssl, const char *list)
{
    static const struct {
	const char *name;
	long    op;
    } names[] = {
	{"SSLv2", SSL_OP_NO_SSLv2}, {"SSLv3", SSL_OP_NO_SSLv3}, {"TLSv1", SSL_OP_NO_TLSv1},
	{"TLSv1.1", SSL_OP_NO_TLSv1_1}, {"TLSv1.2", SSL_OP_NO_TLSv1_2},
	{"TLSv1.3", SSL_OP_NO_TLSv1_3},
    };
    long    include = 0, exclude = 0, known = 0, op;
    int     floor = 0, ceiling = 0, v;
    char   *copy = mem_strdup(list), *tok, *save = NULL;
    const char *name;
    size_t  i;

    for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
	known |= names[i].op;
    for (tok = strtok_r(copy, PROBE_SUITE_SEP, &save); tok; tok = strtok_r(NULL, PROBE_SUITE_SEP, &save)) {
	if (strncmp(tok, ">=", 2) == 0 || strncmp(tok, "<=", 2) == 0) {
	    if ((v = probe_suite_version(tok + 2)) < 0)
		break;
	    *(tok[0] == '>' ? &floor : &ceiling) = v;
	    continue;
	}
	name = tok + (*tok == '!');
	for (op = -1, i = 0; i < sizeof(names) / sizeof(names[0]); i++)
	    if (strcasecmp(name, names[i].name) == 0)
		op = names[i].op;
	if (op == -1)
	    break;
	*(*tok == '!' ? &exclude : &include) |= op;
    }
    free(copy);
    if (tok != NULL)
	return (-1);
    SSL_set_options(ssl, (uint64_t) (include ? exclude | (known & ~include) : exclude));
    (void) SSL_set_min_proto_version(ssl, floor);
    (void) SSL_set_max_proto_version(ssl, ceiling);
    return (0);
}

/* probe_suite_ciphers - the grade's list minus the exclusions; 0 or -1 with why */
int     probe_suite_ciphers(SSL *ssl, const char *grade, const char *exclusions,
			            const struct pfconf *pf, char *why, size_t why_len)
{
    static const struct {
	const char *grade;
	enum pfconf_id list;
    } grades[] = {
	{"high", PF_HIGH_CLIST}, {"medium", PF_MEDIUM_CLIST}, {"low", PF_LOW_CLIST},
	{"export", PF_EXPORT_CLIST}, {"null", PF_NULL_CLIST},
    };
    char   *list = NULL, *copy, *tok, *save = NULL, reason[512];
    size_t  i, len;
    int     ret = 0;

    for (i = 0; i < sizeof(grades) / sizeof(grades[0]); i++)
	if (strcasecmp(grade, grades[i].grade) == 0)
	    list = mem_strdup(pfconf_get(pf, grades[i].list));
    if (list == NULL) {
	snprintf(why, why_len, "invalid cipher grade: \"%s\"", grade);
	return (-1);
    }
    copy = mem_strdup(exclusions);
    for (tok = strtok_r(copy, PROBE_SUITE_SEP, &save); tok; tok = strtok_r(NULL, PROBE_SUITE_SEP, &save)) {
	if (strchr("!+-@", *tok) != NULL) {
	    snprintf(why, why_len, "invalid unary '!+-@' in cipher exclusion: %s", tok);
	    ret = -1;
	    break;
	}
	len = strlen(list) + strlen(tok) + 3;
	list = realloc(list, len);
	if (list == NULL)
	    log_fatal("out of memory");
	strcat(strcat(list, ":!"), tok);
    }
    ERR_clear_error();
    if (ret == 0 && SSL_set_cipher_list(ssl, list) == 0) {
	snprintf(why, why_len, "error setting cipher grade: \"%s\" (\"%s\": %s)", grade,
		 list, log_ssl_reason(reason, sizeof(reason)));
	ret = -1;
    }
    free(copy);
    free(list);
    return (ret);
}

