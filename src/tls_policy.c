/*
 * tls_policy - check one smtp_tls_policy_maps entry by Postfix's rules
 *
 * Input is already split into words; nothing here allocates memory, so
 * the checker can run on any input without leaking.
 */
#include "config.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "fprint.h"
#include "tls_policy.h"

enum tls_match {
    MATCH_NONE,				/* match= not allowed */
    MATCH_FPRINT,			/* '|'-separated fingerprints */
    MATCH_NAMES,			/* ':'-separated patterns */
};

static const struct tls_level {
    const char *name;
    int     attrs;			/* ciphers= and friends allowed */
    enum tls_match match;
    int     tafile;
} tls_levels[] = {
    {"none", 0, MATCH_NONE, 0},
    {"may", 1, MATCH_NONE, 0},
    {"encrypt", 1, MATCH_NONE, 0},
    {"dane", 1, MATCH_NONE, 0},
    {"dane-only", 1, MATCH_NONE, 0},
    {"fingerprint", 1, MATCH_FPRINT, 0},
    {"verify", 1, MATCH_NAMES, 1},
    {"secure", 1, MATCH_NAMES, 1},
};

static const char *const tls_protocols[] = {
    "SSLv2", "SSLv3", "TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3",
};

#define TLS_PROTO_COUNT 6
#define TLS_PROTO_FIRST_GOOD 4		/* TLSv1.2; the rest: RFC 8996 */

/* tls_diag - format and report one problem */
static int LOG_PRINTF(3, 4) tls_diag(const struct tls_policy_diag *diag, int warning,
				             const char *fmt,...)
{
    char    text[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    diag->report(diag->ctx, warning, text);
    return (warning ? 0 : 1);
}

/* tls_hostname - letters, digits, '-', '_', dot-separated non-empty labels */
static int tls_hostname(const char *cp, size_t len)
{
    size_t  i, label = 0;

    if (len == 0)
	return (0);
    for (i = 0; i < len; i++) {
	if (cp[i] == '.') {
	    if (label == 0)
		return (0);
	    label = 0;
	} else if (isalnum((unsigned char) cp[i]) || cp[i] == '-' || cp[i] == '_') {
	    label++;
	} else {
	    return (0);
	}
    }
    return (label > 0);
}

/* tls_port - a number 1..65535 or a service name */
static int tls_port(const char *cp)
{
    unsigned long num = 0;
    const char *p;

    if (*cp == 0)
	return (0);
    if (isdigit((unsigned char) *cp)) {
	for (p = cp; *p; p++) {
	    if (!isdigit((unsigned char) *p) || (num = num * 10 + (unsigned) (*p - '0')) > 65535)
		return (0);
	}
	return (num > 0);
    }
    for (p = cp; *p; p++)
	if (!isalnum((unsigned char) *p) && *p != '-')
	    return (0);
    return (1);
}

/* tls_nexthop - domain, .domain, host:port, [host], [host]:port */
static int tls_nexthop(const char *nexthop)
{
    const char *close, *colon;

    if (nexthop[0] == '[') {
	if ((close = strchr(nexthop, ']')) == NULL || close == nexthop + 1)
	    return (0);
	if (strspn(nexthop + 1, "0123456789abcdefABCDEFghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ.-_:")
	    != (size_t) (close - nexthop - 1))
	    return (0);
	return (close[1] == 0 || (close[1] == ':' && tls_port(close + 2)));
    }
    if (nexthop[0] == '.')
	nexthop++;
    if ((colon = strchr(nexthop, ':')) != NULL)
	return (tls_hostname(nexthop, (size_t) (colon - nexthop)) && tls_port(colon + 1));
    return (tls_hostname(nexthop, strlen(nexthop)));
}

/* tls_proto_index - protocol name to index, or -1 */
static int tls_proto_index(const char *name, size_t len)
{
    int     i;

    for (i = 0; i < TLS_PROTO_COUNT; i++)
	if (strlen(tls_protocols[i]) == len && strncasecmp(name, tls_protocols[i], len) == 0)
	    return (i);
    return (-1);
}

/* tls_check_protocols - syntax, and warn about deprecated protocols allowed */
static int tls_check_protocols(const char *value, const struct tls_policy_diag *diag)
{
    int     include[TLS_PROTO_COUNT] = {0}, exclude[TLS_PROTO_COUNT] = {0};
    int     any_include = 0, min = 0, max = TLS_PROTO_COUNT - 1;
    const char *cp = value;
    char    deprecated[64] = "";
    int     i, idx;

    while (*cp) {
	size_t  len = strcspn(cp, ":");
	const char *name = cp;
	int     op = 0;

	if (len >= 2 && (strncmp(cp, ">=", 2) == 0 || strncmp(cp, "<=", 2) == 0))
	    op = cp[0], name += 2;
	else if (len >= 1 && cp[0] == '!')
	    op = '!', name += 1;
	if ((idx = tls_proto_index(name, len - (size_t) (name - cp))) < 0)
	    return (tls_diag(diag, 0, "protocols=%s: unknown protocol \"%.*s\" (expected "
			     "SSLv2, SSLv3, TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3, with !, >= or <=)",
			     value, (int) len, cp));
	if (op == '>')
	    min = idx;
	else if (op == '<')
	    max = idx;
	else if (op == '!')
	    exclude[idx] = 1;
	else
	    include[idx] = any_include = 1;
	cp += len;
	if (*cp == ':' && *++cp == 0)
	    return (tls_diag(diag, 0, "protocols=%s: empty protocol name", value));
    }
    for (idx = -1, i = 0; i < TLS_PROTO_COUNT; i++) {
	if ((any_include && !include[i]) || exclude[i] || i < min || i > max)
	    continue;
	idx = i;
	if (i < TLS_PROTO_FIRST_GOOD)
	    snprintf(deprecated + strlen(deprecated), sizeof(deprecated) - strlen(deprecated),
		     "%s%s", *deprecated ? ", " : "", tls_protocols[i]);
    }
    if (idx < 0)
	return (tls_diag(diag, 0, "protocols=%s allows no protocol at all", value));
    if (*deprecated)
	tls_diag(diag, 1, "protocols=%s allows deprecated %s (RFC 8996); use protocols=>=TLSv1.2",
		 value, deprecated);
    return (0);
}

/* tls_check_match - the elements of match= at this level */
static int tls_check_match(const struct tls_level *level, const char *value,
			           const struct tls_policy_diag *diag)
{
    const char *sep = level->match == MATCH_FPRINT ? "|" : ":";
    const char *cp = value;
    struct fprint fp;
    const char *why;
    char    elem[FPRINT_TEXT_MAX + 1];

    for (;;) {
	size_t  len = strcspn(cp, sep);

	if (len == 0)
	    return (tls_diag(diag, 0, "match=%s: empty element (separate %s with '%s')",
			     value, level->match == MATCH_FPRINT ? "fingerprints" :
			     "patterns", sep));
	if (level->match == MATCH_FPRINT) {
	    if (len >= sizeof(elem)) {
		why = "too long for any known digest";
	    } else {
		memcpy(elem, cp, len);
		elem[len] = 0;
		if (fprint_parse(elem, &fp, &why) == 0)
		    why = NULL;
	    }
	    if (why != NULL)
		return (tls_diag(diag, 0, "match=%s: \"%.*s\" is not a fingerprint: %s",
				 value, (int) len, cp, why));
	} else if (memchr(cp, '|', len) != NULL) {
	    return (tls_diag(diag, 0, "match=%s: at level %s patterns are separated by ':', not '|'",
			     value, level->name));
	} else if (!tls_hostname(cp[0] == '.' ? cp + 1 : cp, len - (cp[0] == '.'))) {
	    return (tls_diag(diag, 0, "match=%s: \"%.*s\" is not a host name, domain, "
			     "hostname, nexthop or dot-nexthop", value, (int) len, cp));
	}
	if (cp[len] == 0)
	    return (0);
	cp += len + 1;
    }
}

/* tls_cipher_list - a word of letters, digits and cipher punctuation */
static int tls_cipher_list(const char *value)
{
    return (*value && strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			     "0123456789-+_.!@=:") == strlen(value));
}

/* tls_check_attr - one ATTRIBUTE=VALUE at this level */
static int tls_check_attr(const struct tls_level *level, const char *name, const char *value,
			          const struct tls_policy_diag *diag)
{
    if (strcasecmp(name, "match") == 0) {
	if (level->match == MATCH_NONE)
	    return (tls_diag(diag, 0, "match= is not allowed at level %s "
			  "(only with fingerprint, verify or secure)", level->name));
	return (tls_check_match(level, value, diag));
    }
    if (strcasecmp(name, "tafile") == 0) {
	if (!level->tafile)
	    return (tls_diag(diag, 0, "tafile= is not allowed at level %s (only with verify or secure)",
			     level->name));
	if (value[0] != '/')
	    return (tls_diag(diag, 0, "tafile=%s: must be an absolute path", value));
	return (0);
    }
    if (strcasecmp(name, "ciphers") == 0 || strcasecmp(name, "protocols") == 0
	|| strcasecmp(name, "exclude") == 0 || strcasecmp(name, "servername") == 0
	|| strcasecmp(name, "connection_reuse") == 0) {
	if (!level->attrs)
	    return (tls_diag(diag, 0, "%s= is not allowed at level %s (level none takes no attributes)",
			     name, level->name));
    } else {
	return (tls_diag(diag, 0, "unknown attribute \"%s\" (expected match, tafile, ciphers, "
		   "protocols, exclude, servername or connection_reuse)", name));
    }
    if (strcasecmp(name, "ciphers") == 0) {
	if (strcasecmp(value, "high") && strcasecmp(value, "medium") && strcasecmp(value, "low")
	    && strcasecmp(value, "export") && strcasecmp(value, "null"))
	    return (tls_diag(diag, 0, "ciphers=%s: expected high, medium, low, export or null", value));
	if (strcasecmp(value, "export") == 0 || strcasecmp(value, "null") == 0)
	    tls_diag(diag, 1, "ciphers=%s offers no real protection", value);
	return (0);
    }
    if (strcasecmp(name, "protocols") == 0)
	return (tls_check_protocols(value, diag));
    if (strcasecmp(name, "exclude") == 0) {
	if (!tls_cipher_list(value))
	    return (tls_diag(diag, 0, "exclude=%s: expected ':'-separated cipher names", value));
	return (0);
    }
    if (strcasecmp(name, "servername") == 0) {
	if (strcasecmp(value, "hostname") != 0 && !tls_hostname(value, strlen(value)))
	    return (tls_diag(diag, 0, "servername=%s: expected a host name or \"hostname\"", value));
	return (0);
    }
    if (strcasecmp(value, "yes") != 0 && strcasecmp(value, "no") != 0)
	return (tls_diag(diag, 0, "connection_reuse=%s: expected yes or no", value));
    return (0);
}

/* tls_policy_check - check next-hop, level and attributes */
int     tls_policy_check(const char *nexthop, char **words, int count,
			         const struct tls_policy_diag *diag)
{
    const struct tls_level *level = NULL;
    char    seen[8][32];
    int     nseen = 0;
    int     errors = 0;
    size_t  i;
    int     w, k;

    if (!tls_nexthop(nexthop))
	errors += tls_diag(diag, 0, "\"%s\" is not a next-hop (expected domain, .domain, "
			   "host:port, [host] or [host]:port)", nexthop);
    if (count < 1)
	return (errors + tls_diag(diag, 0, "missing security level after \"%s\"", nexthop));
    for (i = 0; i < sizeof(tls_levels) / sizeof(tls_levels[0]); i++)
	if (strcasecmp(words[0], tls_levels[i].name) == 0)
	    level = tls_levels + i;
    if (level == NULL)
	return (errors + tls_diag(diag, 0, "unknown security level \"%s\" (expected none, may, "
			   "encrypt, dane, dane-only, fingerprint, verify or secure)", words[0]));
    for (w = 1; w < count; w++) {
	const char *eq = strchr(words[w], '=');
	char    name[32];

	if (eq == NULL || eq == words[w] || eq[1] == 0 || (size_t) (eq - words[w]) >= sizeof(name)) {
	    errors += tls_diag(diag, 0, "\"%s\": expected ATTRIBUTE=VALUE", words[w]);
	    continue;
	}
	memcpy(name, words[w], (size_t) (eq - words[w]));
	name[eq - words[w]] = 0;
	if (strcasecmp(name, "match") != 0 && strcasecmp(name, "tafile") != 0) {
	    for (k = 0; k < nseen && strcasecmp(seen[k], name) != 0; k++)
		 /* void */ ;
	    if (k < nseen) {
		errors += tls_diag(diag, 0, "%s= is given twice", name);
		continue;
	    }
	    if (nseen < (int) (sizeof(seen) / sizeof(seen[0])))
		strcpy(seen[nseen++], name);
	}
	errors += tls_check_attr(level, name, eq + 1, diag);
    }
    if (level->match == MATCH_FPRINT) {
	for (w = 1; w < count && strncasecmp(words[w], "match=", 6) != 0; w++)
	     /* void */ ;
	if (w == count)
	    errors += tls_diag(diag, 0, "level fingerprint needs at least one match=FINGERPRINT");
    }
    return (errors);
}
