/*
 * tls_policy - check one smtp_tls_policy_maps entry by Postfix's rules
 *
 * Input is already split into words; nothing here allocates memory, so
 * the checker can run on any input without leaking.
 */
#include "config.h"

#include <ctype.h>
#include <limits.h>
#include <stdlib.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "policy/fprint.h"
#include "source/tls_policy.h"

enum tls_match {
    MATCH_NONE,				/* match= not allowed */
    MATCH_FPRINT,			/* '|'-separated fingerprints */
    MATCH_NAMES,			/* ':'-separated patterns */
};

static const struct tls_level {
    const char *name;
    int     attrs;			/* TLS on: attributes are read (not none) */
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
#define TLS_PROTO_NO_BOUND (-2)		/* >=None, <=None */
#define TLS_VERSION_SSL3 0x0300		/* the wire version of SSLv3 (index 1) */
#define TLS_LABEL_MAX 63		/* RFC 1035; Postfix VALID_LABEL_LEN */
#define TLS_HOSTNAME_MAX 255		/* RFC 1035; Postfix VALID_HOSTNAME_LEN */

/* Where the problems of one entry go (tls_policy_check's arguments). */
struct tls_report {
    struct diag *diag;
    int     line;
    const char *prefix;
};

/* tls_diag - format one problem into the collector; 1 for an error, 0 for a warning */
static int LOG_PRINTF(3, 4) tls_diag(const struct tls_report *diag, int warning,
				             const char *fmt,...)
{
    char    text[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    if (warning)
	diag_warn(diag->diag, diag->line, "%s%s", diag->prefix, text);
    else
	diag_error(diag->diag, diag->line, "%s%s", diag->prefix, text);
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

/*
 * tls_valid_hostname - Postfix's valid_hostname() rules (src/util/
 * valid_hostname.c, 3.7): labels of letters, digits, '_' and inner '-',
 * 1 to 63 characters, no empty label, at most 255 characters, and not all
 * digits and dots. Returns NULL, or why not.
 */
static const char *tls_valid_hostname(const char *name)
{
    size_t  label = 0, len = 0;
    int     non_numeric = 0;
    const char *cp;

    if (*name == 0)
	return ("empty");
    for (cp = name; *cp; cp++, len++) {
	if (isalnum((unsigned char) *cp) || *cp == '_') {
	    if (++label > TLS_LABEL_MAX)
		return ("a label longer than 63 characters");
	    non_numeric |= !isdigit((unsigned char) *cp);
	} else if (*cp == '.') {
	    if (label == 0 || cp[1] == 0)
		return ("an empty label");
	    label = 0;
	} else if (*cp == '-') {
	    non_numeric = 1;
	    if (label++ == 0 || cp[1] == 0 || cp[1] == '.')
		return ("a hyphen at the start or end of a label");
	} else {
	    return ("a character other than letters, digits, '.', '-' and '_'");
	}
    }
    if (!non_numeric)
	return ("all digits and dots (an address is not a host name)");
    if (len > TLS_HOSTNAME_MAX)
	return ("longer than 255 characters");
    return (NULL);
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

/*
 * tls_nexthop - domain, .domain, host:port, [host], [host]:port; 1 when
 * valid, and *never_looked_up when it is a .domain:port, which Postfix
 * never looks up (parent domains are tried only for a bare domain:
 * smtp_tls_policy.c, tls_policy_lookup())
 */
static int tls_nexthop(const char *nexthop, int *never_looked_up)
{
    const char *close, *colon;

    int     dot = nexthop[0] == '.';

    *never_looked_up = 0;
    if (nexthop[0] == '[') {
	if ((close = strchr(nexthop, ']')) == NULL || close == nexthop + 1)
	    return (0);
	if (strspn(nexthop + 1, "0123456789abcdefABCDEFghijklmnopqrstuvwxyzGHIJKLMNOPQRSTUVWXYZ.-_:")
	    != (size_t) (close - nexthop - 1))
	    return (0);
	return (close[1] == 0 || (close[1] == ':' && tls_port(close + 2)));
    }
    nexthop += dot;
    if ((colon = strchr(nexthop, ':')) != NULL) {
	*never_looked_up = dot;
	return (tls_hostname(nexthop, (size_t) (colon - nexthop)) && tls_port(colon + 1));
    }
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

/*
 * tls_proto_bound - the version after >= or <=: an index, TLS_PROTO_NO_BOUND
 * ("None", or a hex version this checker does not know), or -1. Postfix
 * takes None, SSLv3 to TLSv1.3 or a hex number there (tls_misc.c,
 * parse_tls_version()): not SSLv2.
 */
static int tls_proto_bound(const char *name, size_t len)
{
    char    hex[16], *end;
    unsigned long version;
    int     idx;

    if (len == 4 && strncasecmp(name, "None", 4) == 0)
	return (TLS_PROTO_NO_BOUND);
    if ((idx = tls_proto_index(name, len)) > 0)
	return (idx);
    if (idx == 0 || len == 0 || len >= sizeof(hex) || !isxdigit((unsigned char) *name))
	return (-1);
    memcpy(hex, name, len);
    hex[len] = 0;
    version = strtoul(hex, &end, 16);
    if (*end != 0 || version > INT_MAX)
	return (-1);
    if (version >= TLS_VERSION_SSL3 && version <= TLS_VERSION_SSL3 + TLS_PROTO_COUNT - 2)
	return ((int) (version - TLS_VERSION_SSL3) + 1);
    return (TLS_PROTO_NO_BOUND);
}

/* tls_check_protocols - syntax, and warn about deprecated protocols allowed */
static int tls_check_protocols(const char *value, const struct tls_report *diag)
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

	if (len == 0) {				/* Postfix skips empty names */
	    cp++;
	    continue;
	}
	if (len >= 2 && (strncmp(cp, ">=", 2) == 0 || strncmp(cp, "<=", 2) == 0))
	    op = cp[0], name += 2;
	else if (len >= 1 && cp[0] == '!')
	    op = '!', name += 1;
	if (op == '>' || op == '<') {
	    if ((idx = tls_proto_bound(name, len - 2)) == -1)
		return (tls_diag(diag, 0, "protocols=%s: \"%.*s\": after %c= Postfix takes only "
				 "None, SSLv3, TLSv1, TLSv1.1, TLSv1.2, TLSv1.3 or a hex "
				 "version", value, (int) len, cp, op));
	    if (idx == TLS_PROTO_NO_BOUND)
		idx = op == '>' ? 0 : TLS_PROTO_COUNT - 1;
	} else if ((idx = tls_proto_index(name, len - (size_t) (name - cp))) < 0) {
	    return (tls_diag(diag, 0, "protocols=%s: unknown protocol \"%.*s\" (expected "
			     "SSLv2, SSLv3, TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3, with !, >= or <=)",
			     value, (int) len, cp));
	}
	if (op == '>')
	    min = idx;
	else if (op == '<')
	    max = idx;
	else if (op == '!')
	    exclude[idx] = 1;
	else
	    include[idx] = any_include = 1;
	cp += len;
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

/*
 * tls_check_match - the elements of match= at this level. At level
 * fingerprint each must be a digest of the site's fingerprint_digest
 * (digest; -1: any): Postfix's smtp hands them to OpenSSL as digests of
 * smtp_tls_fingerprint_digest, which drops one of another length, and
 * with none left defers ("all fingerprints unusable": tls_client.c).
 */
static int tls_check_match(const struct tls_level *level, const char *value, int digest,
			           const struct tls_report *diag)
{
    const char *sep = level->match == MATCH_FPRINT ? "|" : ":";
    const char *cp;
    struct fprint fp;
    const char *why;
    char    elem[FPRINT_TEXT_MAX + 1];
    size_t  len;
    int     used = 0, ignored = 0;

    for (cp = value;; cp += len + 1) {
	len = strcspn(cp, sep);
	if (len == 0 || (level->match == MATCH_NAMES && len == 1 && *cp == '.')) {
	    ignored = 1;			/* Postfix skips both */
	} else if (level->match == MATCH_FPRINT) {
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
	    if (digest >= 0 && fp.digest != (enum fprint_digest) digest)
		return (tls_diag(diag, 0, "match=%s: \"%.*s\" is a %s fingerprint, but "
				 "fingerprint_digest = %s: Postfix (smtp_tls_fingerprint_digest) "
				 "ignores it, and defers the mail when it ignores them all", value, (int) len, cp,
				 fprint_digest_name(fp.digest),
				 fprint_digest_name((enum fprint_digest) digest)));
	    used++;
	} else if (memchr(cp, '|', len) != NULL) {
	    return (tls_diag(diag, 0, "match=%s: at level %s patterns are separated by ':', not '|'",
			     value, level->name));
	} else if (!tls_hostname(cp[0] == '.' ? cp + 1 : cp, len - (cp[0] == '.'))) {
	    return (tls_diag(diag, 0, "match=%s: \"%.*s\" is not a host name, domain, "
			     "hostname, nexthop or dot-nexthop", value, (int) len, cp));
	} else {
	    used++;
	}
	if (cp[len] == 0)
	    break;
    }
    if (used == 0)
	return (tls_diag(diag, 0, "match=%s: no %s in it (Postfix defers the mail)", value,
			 level->match == MATCH_FPRINT ? "fingerprint" : "pattern"));
    if (ignored)
	tls_diag(diag, 1, "match=%s: Postfix ignores empty elements%s", value,
		 level->match == MATCH_NAMES ? " and \".\"" : "");
    return (0);
}

/* tls_cipher_list - a word of letters, digits and cipher punctuation */
static int tls_cipher_list(const char *value)
{
    return (*value && strspn(value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			     "0123456789-+_.!@=:") == strlen(value));
}

/*
 * tls_check_exclude - exclude= names ciphers only: Postfix appends
 * ":!NAME" for each ':'-separated name itself and refuses a name that
 * starts with one of '!', '+', '-', '@' ("invalid unary '!+-@' in cipher
 * exclusion": tls_misc.c, tls_set_ciphers()), deferring the mail.
 */
static int tls_check_exclude(const char *value, const struct tls_report *diag)
{
    const char *cp;
    size_t  len;

    if (*value == 0)
	return (tls_diag(diag, 1, "exclude= is empty: Postfix then excludes no cipher, not even "
			 "those of smtp_tls_exclude_ciphers and smtp_tls_mandatory_exclude_ciphers"));
    if (!tls_cipher_list(value))
	return (tls_diag(diag, 0, "exclude=%s: expected ':'-separated cipher names", value));
    for (cp = value; *cp; cp += len + (cp[len] == ':')) {
	len = strcspn(cp, ":");
	if (len > 0 && strchr("!+-@", *cp) != NULL)
	    return (tls_diag(diag, 0, "exclude=%s: \"%.*s\" starts with '%c': exclude= takes "
			     "cipher names only (Postfix adds the '!' itself, and defers the mail "
			     "on \"invalid unary '!+-@' in cipher exclusion\")", value, (int) len,
			     cp, *cp));
    }
    return (0);
}

/* tls_check_attr - one ATTRIBUTE=VALUE at this level */
static int tls_check_attr(const struct tls_level *level, const char *name, const char *value,
			          int digest, const struct tls_report *diag)
{
    const char *why;

    if (strcasecmp(name, "match") == 0) {
	if (level->match == MATCH_NONE)
	    return (tls_diag(diag, 0, "match= is not allowed at level %s "
			  "(only with fingerprint, verify or secure)", level->name));
	return (tls_check_match(level, value, digest, diag));
    }
    if (strcasecmp(name, "tafile") == 0) {
	if (!level->tafile)
	    return (tls_diag(diag, 0, "tafile= is not allowed at level %s (only with verify or secure)",
			     level->name));
	if (value[0] != '/')
	    return (tls_diag(diag, 0, "tafile=%s: must be an absolute path", value));
	return (0);
    }
    if (strcasecmp(name, "ciphers") != 0 && strcasecmp(name, "protocols") != 0
	&& strcasecmp(name, "exclude") != 0 && strcasecmp(name, "servername") != 0
	&& strcasecmp(name, "connection_reuse") != 0)
	return (tls_diag(diag, 0, "unknown attribute \"%s\" (expected match, tafile, ciphers, "
		   "protocols, exclude, servername or connection_reuse)", name));
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
    if (strcasecmp(name, "exclude") == 0)
	return (tls_check_exclude(value, diag));
    if (strcasecmp(name, "servername") == 0) {
	if ((why = tls_valid_hostname(value)) != NULL)
	    return (tls_diag(diag, 0, "servername=%s: expected a host name, \"hostname\" or "
			     "\"nexthop\" (Postfix defers the mail): %s", value, why));
	return (0);
    }
    if (strcasecmp(value, "yes") != 0 && strcasecmp(value, "no") != 0)
	return (tls_diag(diag, 0, "connection_reuse=%s: expected yes or no", value));
    return (0);
}

/* tls_policy_check - check next-hop, level and attributes */
int     tls_policy_check(const char *nexthop, char **words, int count, int digest,
			         struct diag *collector, int line, const char *prefix)
{
    struct tls_report report = {collector, line, prefix};
    const struct tls_report *diag = &report;
    const struct tls_level *level = NULL;
    char    seen[8][32];
    int     nseen = 0;
    int     errors = 0;
    int     never_looked_up;
    size_t  i;
    int     w, k;

    if (!tls_nexthop(nexthop, &never_looked_up))
	errors += tls_diag(diag, 0, "\"%s\" is not a next-hop (expected domain, .domain, "
			   "host:port, [host] or [host]:port)", nexthop);
    else if (never_looked_up)
	tls_diag(diag, 1, "\"%s\": Postfix never looks up a .domain with a port "
		 "(use %s or [host]:port)", nexthop, nexthop + 1);
    if (count < 1)
	return (errors + tls_diag(diag, 0, "missing security level after \"%s\"", nexthop));
    for (i = 0; i < sizeof(tls_levels) / sizeof(tls_levels[0]); i++)
	if (strcasecmp(words[0], tls_levels[i].name) == 0)
	    level = tls_levels + i;
    if (level == NULL)
	return (errors + tls_diag(diag, 0, "unknown security level \"%s\" (expected none, may, "
			   "encrypt, dane, dane-only, fingerprint, verify or secure)", words[0]));
    if (!level->attrs) {
	for (w = 1; w < count; w++)
	    tls_diag(diag, 1, "\"%s\": Postfix ignores attributes at level %s (TLS is off)",
		     words[w], level->name);
	return (errors);
    }
    for (w = 1; w < count; w++) {
	const char *eq = strchr(words[w], '=');
	char    name[32];

	if (eq == NULL || eq == words[w] || (size_t) (eq - words[w]) >= sizeof(name)) {
	    errors += tls_diag(diag, 0, "\"%s\": expected ATTRIBUTE=VALUE", words[w]);
	    continue;
	}
	memcpy(name, words[w], (size_t) (eq - words[w]));
	name[eq - words[w]] = 0;
	/* Postfix takes an empty protocols= (every protocol) and exclude= */
	if (eq[1] == 0 && strcasecmp(name, "protocols") != 0 && strcasecmp(name, "exclude") != 0) {
	    errors += tls_diag(diag, 0, "\"%s\": expected ATTRIBUTE=VALUE", words[w]);
	    continue;
	}
	if (strcasecmp(name, "match") != 0 && strcasecmp(name, "tafile") != 0) {
	    for (k = 0; k < nseen && strcasecmp(seen[k], name) != 0; k++)
		 /* void */ ;
	    if (k < nseen && strcasecmp(name, "connection_reuse") == 0) {
		tls_diag(diag, 1, "%s= is given twice; Postfix uses the last", name);
	    } else if (k < nseen) {
		errors += tls_diag(diag, 0, "%s= is given twice", name);
		continue;
	    }
	    if (k == nseen && nseen < (int) (sizeof(seen) / sizeof(seen[0])))
		strcpy(seen[nseen++], name);
	}
	errors += tls_check_attr(level, name, eq + 1, digest, diag);
    }
    if (level->match == MATCH_FPRINT) {
	for (w = 1; w < count && strncasecmp(words[w], "match=", 6) != 0; w++)
	     /* void */ ;
	if (w == count)
	    errors += tls_diag(diag, 0, "level fingerprint needs at least one match=FINGERPRINT");
    }
    return (errors);
}
