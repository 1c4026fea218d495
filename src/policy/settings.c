/*
 * settings - the NAME = VALUE settings of certpolicy.conf
 *
 * settings_normalize() is the only place a setting's value is checked;
 * it returns new memory owned by the caller. The typed view, struct
 * settings, is in settings_bind.c.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/action.h"
#include "util/mem.h"
#include "policy/settings.h"

#ifndef CERTPOLICY_STATEDIR
#define CERTPOLICY_STATEDIR "/var/lib/certpolicy"
#endif

#define DAY (24LL * 3600)

/*
 * One row a setting, with designated initializers so that every field not
 * named is zero: (name, type, default) and what the type adds.
 */
#define SETTING_ROW(n, t, d)		{ .name = (n), .type = (t), .defval = (d) }
#define SETTING_CHOICE(n, t, d, c)	{ .name = (n), .type = (t), .defval = (d), .choices = (c) }
#define SETTING_OPTIONAL(n, t, d)	{ .name = (n), .type = (t), .defval = (d), .may_be_empty = 1 }
#define SETTING_RANGE(n, t, d, lo, hi)	{ .name = (n), .type = (t), .defval = (d), .min = (lo), .max = (hi) }
#define SETTING_NO_PERMIT(n, d)	{ .name = (n), .type = SETTING_ACTION, .defval = (d), .never_permits = 1 }
#define SETTINGS_TEXT_(x) #x
#define SETTINGS_TEXT(x) SETTINGS_TEXT_(x)	/* a number macro as a default */

const struct setting_def settings_table[SETTING_COUNT] = {
    [SET_FINGERPRINT_DIGEST] = SETTING_CHOICE("fingerprint_digest", SETTING_WORD, "sha256", "md5|sha1|sha256|sha512"),
    [SET_DATABASE] = SETTING_ROW("database", SETTING_PATH, CERTPOLICY_STATEDIR "/certpolicy.cdb"),
    [SET_STATUS_DATABASE] = SETTING_ROW("status_database", SETTING_PATH, CERTPOLICY_STATEDIR "/status.cdb"),
    [SET_RELAY_CLIENTCERTS] = SETTING_OPTIONAL("relay_clientcerts", SETTING_MAP, ""),
    [SET_TLS_POLICY_MAP] = SETTING_OPTIONAL("tls_policy_map", SETTING_MAP, ""),
    [SET_POSTMAP_COMMAND] = SETTING_ROW("postmap_command", SETTING_COMMAND, "postmap"),
    [SET_CLIENT_CA_FILE] = SETTING_OPTIONAL("client_ca_file", SETTING_PATH, ""),
    [SET_REVOCATION_CHECK] = SETTING_CHOICE("revocation_check", SETTING_WORDLIST, "none", "none|ocsp|crl"),
    [SET_REVOCATION_FAILURE] = SETTING_CHOICE("revocation_failure", SETTING_WORD, "defer", "defer|permit"),
    [SET_CRL_SOURCE] = SETTING_OPTIONAL("crl_source", SETTING_SOURCES, ""),
    [SET_OCSP_RESPONDER] = SETTING_OPTIONAL("ocsp_responder", SETTING_URL, ""),
    [SET_OCSP_NONCE] = SETTING_CHOICE("ocsp_nonce", SETTING_WORD, "yes", "yes|no"),
    [SET_FETCH_TIMEOUT] = SETTING_RANGE("fetch_timeout", SETTING_DURATION, "10s", 1, 3600),
    [SET_FETCH_REDIRECTS] = SETTING_RANGE("fetch_redirects", SETTING_SIZE,
					  SETTINGS_TEXT(FETCH_REDIRECTS_DEFAULT), 0, FETCH_REDIRECTS_MAX),
    [SET_FETCH_CONCURRENCY] = SETTING_RANGE("fetch_concurrency", SETTING_SIZE, "8", 1, 64),
    [SET_CRL_MAX_SIZE] = SETTING_RANGE("crl_max_size", SETTING_SIZE, "67108864", 1024, 1LL << 30),
    [SET_OCSP_MAX_SIZE] = SETTING_RANGE("ocsp_max_size", SETTING_SIZE, "65536", 1024, 1LL << 24),
    [SET_CLOCK_SKEW] = SETTING_RANGE("clock_skew", SETTING_DURATION, "300s", 0, DAY),
    [SET_EXPIRY_WARNING] = SETTING_RANGE("expiry_warning", SETTING_DURATION, "30d", 0, 3650 * DAY),
    [SET_IDLE_TIMEOUT] = SETTING_RANGE("idle_timeout", SETTING_DURATION, "1000s", 1, DAY),
    [SET_NOCERT_ACTION] = SETTING_ROW("nocert_action", SETTING_ACTION, "DUNNO"),
    [SET_UNKNOWN_ACTION] = SETTING_ROW("unknown_action", SETTING_ACTION, "DUNNO"),
    [SET_REVOKED_ACTION] = SETTING_NO_PERMIT("revoked_action", "REJECT 5.7.1 Client certificate revoked"),
    [SET_EXPIRED_ACTION] = SETTING_NO_PERMIT("expired_action", "REJECT 5.7.1 Client certificate expired"),
    [SET_UNAVAILABLE_ACTION] = SETTING_NO_PERMIT("unavailable_action", "DEFER 4.7.0 Client certificate status unavailable"),
    [SET_PERMIT_ACTION] = SETTING_ROW("permit_action", SETTING_ACTION, "OK"),
    [SET_ERROR_ACTION] = SETTING_NO_PERMIT("error_action", "DEFER 4.3.0 Client certificate service unavailable"),
};

/* settings_lookup - name to id */
int     settings_lookup(const char *name)
{
    int     i;

    for (i = 0; i < SETTING_COUNT; i++)
	if (strcmp(settings_table[i].name, name) == 0)
	    return (i);
    return (-1);
}

/* settings_parse_number - decimal with optional s/m/h/d suffix */
int     settings_parse_number(const char *text, int duration, long long *val)
{
    char   *end;
    long long num, unit = 1;

    if (!isdigit((unsigned char) *text))
	return (-1);
    errno = 0;
    num = strtoll(text, &end, 10);
    if (errno == ERANGE)
	return (-1);
    if (duration && *end) {
	switch (*end++) {
	case 's':
	    unit = 1;
	    break;
	case 'm':
	    unit = 60;
	    break;
	case 'h':
	    unit = 3600;
	    break;
	case 'd':
	    unit = DAY;
	    break;
	default:
	    return (-1);
	}
    }
    if (*end || num > (1LL << 50) / unit)
	return (-1);
    *val = num * unit;
    return (0);
}

/* settings_in_choices - is the word one of "a|b|c" */
static int settings_in_choices(const char *word, size_t len, const char *choices)
{
    const char *cp = choices;
    size_t  n;

    for (;;) {
	n = strcspn(cp, "|");
	if (n == len && strncasecmp(cp, word, len) == 0)
	    return (1);
	if (cp[n] == 0)
	    return (0);
	cp += n + 1;
    }
}

/* settings_word - one word from the choices, lowercased */
static char *settings_word(const struct setting_def *def, const char *value,
			           char *why, size_t why_len)
{
    char   *copy;
    char   *cp;

    if (!settings_in_choices(value, strlen(value), def->choices)) {
	snprintf(why, why_len, "must be one of: %s", def->choices);
	return (NULL);
    }
    copy = mem_strdup(value);
    for (cp = copy; *cp; cp++)
	*cp = (char) tolower((unsigned char) *cp);
    return (copy);
}

/*
 * settings_list - split on commas and white space, check each item with
 * check(), join with ", ". Items must be distinct, and there must be one:
 * separators alone (" , ") would leave an empty normal form that no
 * reader of the setting expects.
 */
static char *settings_list(const struct setting_def *def, const char *value,
			     int (*check) (const struct setting_def *, char *, char *, size_t),
			           char *why, size_t why_len)
{
    char   *copy = mem_strdup(value);
    char   *out;
    char  **items = NULL;
    size_t  count = 0, cap = 0, i;
    char   *item;
    char   *save = NULL;

    for (item = strtok_r(copy, ", \t", &save); item; item = strtok_r(NULL, ", \t", &save)) {
	if (check(def, item, why, why_len) < 0)
	    goto bad;
	for (i = 0; i < count; i++) {
	    if (strcmp(items[i], item) == 0) {
		snprintf(why, why_len, "\"%s\" is listed twice", item);
		goto bad;
	    }
	}
	items = mem_grow(items, count, &cap, sizeof(*items));
	items[count++] = item;
    }
    if (count == 0) {
	if (def->choices != NULL)
	    snprintf(why, why_len, "lists nothing; must be one of: %s", def->choices);
	else
	    snprintf(why, why_len, "lists nothing; leave it empty to use the certificates' "
		     "CRL distribution points");
	goto bad;
    }
    out = mem_join(items, count, ", ");
    free(items);
    free(copy);
    return (out);

bad:
    free(items);
    free(copy);
    return (NULL);
}

/* settings_check_choice - one WORDLIST item, lowercased in place */
static int settings_check_choice(const struct setting_def *def, char *item,
				         char *why, size_t why_len)
{
    char   *cp;

    for (cp = item; *cp; cp++)
	*cp = (char) tolower((unsigned char) *cp);
    if (!settings_in_choices(item, strlen(item), def->choices)) {
	snprintf(why, why_len, "\"%s\" is not one of: %s", item, def->choices);
	return (-1);
    }
    return (0);
}

/* settings_check_url - an http URL with a host */
static int settings_check_url(const char *item, char *why, size_t why_len)
{
    const char *host;

    if (strncmp(item, "http://", 7) != 0) {
	snprintf(why, why_len, "\"%s\" is not an http:// URL", item);
	return (-1);
    }
    host = item + 7;
    if (*host == 0 || *host == '/' || *host == ':') {
	snprintf(why, why_len, "\"%s\" has no host name", item);
	return (-1);
    }
    return (0);
}

/* settings_check_source - one crl_source item: absolute path or http URL */
static int settings_check_source(const struct setting_def *def, char *item,
				         char *why, size_t why_len)
{
    (void) def;
    if (item[0] == '/')
	return (0);
    if (strstr(item, "://") == NULL) {
	snprintf(why, why_len, "\"%s\" is neither an absolute path nor an http:// URL", item);
	return (-1);
    }
    return (settings_check_url(item, why, why_len));
}

/* settings_check_map - TYPE:PATH with a type postmap knows, or texthash */
static char *settings_check_map(const char *value, char *why, size_t why_len)
{
    const char *colon = strchr(value, ':');
    char   *type;

    if (colon == NULL) {
	snprintf(why, why_len, "expected TYPE:PATH, e.g. cdb:/etc/postfix/name");
	return (NULL);
    }
    type = mem_strndup(value, (size_t) (colon - value));
    if (strcmp(type, "texthash") != 0 && settings_map_suffix(type) == NULL) {
	snprintf(why, why_len, "unsupported map type \"%s\" (use cdb, hash, btree, lmdb or texthash)", type);
	free(type);
	return (NULL);
    }
    free(type);
    if (colon[1] != '/') {
	snprintf(why, why_len, "the map path must be absolute");
	return (NULL);
    }
    return (mem_strdup(value));
}

/* settings_map_suffix - file suffix postmap adds for a map type */
const char *settings_map_suffix(const char *type)
{
    static const char *const types[][2] = {
	{"cdb", ".cdb"}, {"hash", ".db"}, {"btree", ".db"}, {"lmdb", ".lmdb"},
    };
    size_t  i;

    for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
	if (strcmp(type, types[i][0]) == 0)
	    return (types[i][1]);
    return (NULL);
}

/*
 * settings_control - a control character in a value that names files or
 * a command (a newline there could end a line of a generated map, a
 * terminal escape would reach the screen): 0, or -1 with why. A tab
 * separates the words of a list or a command and is allowed there.
 */
static int settings_control(const struct setting_def *def, const char *value,
			            char *why, size_t why_len)
{
    int     tab_ok = def->type == SETTING_SOURCES || def->type == SETTING_COMMAND;
    const unsigned char *cp;

    if (def->type != SETTING_PATH && def->type != SETTING_MAP && def->type != SETTING_URL
	&& !tab_ok)
	return (0);
    for (cp = (const unsigned char *) value; *cp; cp++) {
	if ((*cp < 0x20 && !(tab_ok && *cp == '\t')) || *cp == 0x7f) {
	    snprintf(why, why_len, "contains a control character (0x%02x at byte %zu)",
		     *cp, (size_t) (cp - (const unsigned char *) value) + 1);
	    return (-1);
	}
    }
    return (0);
}

/* settings_normalize - validate a value and return its normal form */
char   *settings_normalize(const struct setting_def *def, const char *value,
			           char *why, size_t why_len)
{
    long long num;
    const char *reason;
    int     permits;
    char   *list;

    if (*value == 0 && def->type != SETTING_ACTION) {
	if (def->may_be_empty)
	    return (mem_strdup(""));
	snprintf(why, why_len, "must not be empty");
	return (NULL);
    }
    if (settings_control(def, value, why, why_len) < 0)
	return (NULL);
    switch (def->type) {
    case SETTING_WORD:
	return (settings_word(def, value, why, why_len));
    case SETTING_WORDLIST:
	if ((list = settings_list(def, value, settings_check_choice, why, why_len)) == NULL)
	    return (NULL);
	if (strcmp(list, "none") != 0 && strstr(list, "none") != NULL) {
	    snprintf(why, why_len, "\"none\" cannot be combined with other values");
	    free(list);
	    return (NULL);
	}
	return (list);
    case SETTING_PATH:
	if (value[0] != '/') {
	    snprintf(why, why_len, "must be an absolute path");
	    return (NULL);
	}
	return (mem_strdup(value));
    case SETTING_MAP:
	return (settings_check_map(value, why, why_len));
    case SETTING_COMMAND:
	return (mem_strdup(value));
    case SETTING_SOURCES:
	return (settings_list(def, value, settings_check_source, why, why_len));
    case SETTING_URL:
	return (settings_check_url(value, why, why_len) < 0 ? NULL : mem_strdup(value));
    case SETTING_DURATION:
    case SETTING_SIZE:
	if (settings_parse_number(value, def->type == SETTING_DURATION, &num) < 0) {
	    snprintf(why, why_len, def->type == SETTING_DURATION ?
		     "expected a number with an optional unit s, m, h or d" :
		     "expected a number");
	    return (NULL);
	}
	if (num < def->min || num > def->max) {
	    snprintf(why, why_len, "out of range (%lld..%lld%s)", def->min, def->max,
		     def->type == SETTING_DURATION ? " seconds" : "");
	    return (NULL);
	}
	list = mem_alloc(24);
	snprintf(list, 24, "%lld", num);
	return (list);
    case SETTING_ACTION:
	if (*value == 0) {
	    snprintf(why, why_len, "must not be empty");
	    return (NULL);
	}
	if (action_check(value, &permits, &reason) < 0) {
	    snprintf(why, why_len, "%s", reason);
	    return (NULL);
	}
	return (mem_strdup(value));
    }
    snprintf(why, why_len, "internal error: unknown setting type");
    return (NULL);
}
