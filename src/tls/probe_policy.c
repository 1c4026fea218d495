/*
 * probe_policy - the TLS policy Postfix's smtp(8) applies to one next-hop
 *
 * Words are split as Postfix splits them: the entry at white space and
 * commas, match= patterns at ':' (fingerprints at '|'), main.cf lists at
 * white space, commas and (for match lists) ':', into lists that grow as
 * needed (an entry is at most a source line long).
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/mem.h"
#include "tls/probe_policy.h"

#define PROBE_SEP_ENTRY " \t\r\n,"	/* Postfix's CHARS_COMMA_SP */

static const char *const probe_level_names[] = {
    [PROBE_NONE] = "none",
    [PROBE_MAY] = "may",
    [PROBE_ENCRYPT] = "encrypt",
    [PROBE_DANE] = "dane",
    [PROBE_DANE_ONLY] = "dane-only",
    [PROBE_FPRINT] = "fingerprint",
    [PROBE_VERIFY] = "verify",
    [PROBE_SECURE] = "secure",
};

/* probe_level_name - the level's name */
const char *probe_level_name(enum probe_level level)
{
    return (probe_level_names[level]);
}

/* probe_level_lookup - a level by name (any case), or -1 */
static int probe_level_lookup(const char *name)
{
    int     i;

    for (i = 0; i <= PROBE_SECURE; i++)
	if (strcasecmp(name, probe_level_names[i]) == 0)
	    return (i);
    return (-1);
}

/* probe_split - append the elements of value, split at sep, to list */
static void probe_split(struct probe_list *list, const char *value, const char *sep)
{
    const char *cp;
    size_t  len;

    for (cp = value; *cp; cp += len) {
	cp += strspn(cp, sep);
	if ((len = strcspn(cp, sep)) == 0)
	    break;
	list->item = mem_grow(list->item, list->count, &list->cap, sizeof(*list->item));
	list->item[list->count++] = mem_strndup(cp, len);
    }
}

/* probe_list_free - release a list */
static void probe_list_free(struct probe_list *list)
{
    size_t  i;

    for (i = 0; i < list->count; i++)
	free(list->item[i]);
    free(list->item);
}

/* probe_global_level - smtp_tls_security_level, or the older booleans */
static enum probe_level probe_global_level(const struct pfconf *pf, char *why, size_t why_len)
{
    const char *level = pfconf_get(pf, PF_SECURITY_LEVEL);
    int     l;

    if (*level) {
	if ((l = probe_level_lookup(level)) < 0)
	    snprintf(why, why_len, "invalid tls security level: \"%s\" (smtp_tls_security_level)",
		     level);
	return ((enum probe_level) l);
    }
    if (pfconf_yes(pf, PF_ENFORCE_TLS))
	return (pfconf_yes(pf, PF_ENFORCE_PEERNAME) ? PROBE_VERIFY : PROBE_ENCRYPT);
    return (pfconf_yes(pf, PF_USE_TLS) ? PROBE_MAY : PROBE_NONE);
}

/* probe_once - an attribute that may be given once */
static int probe_once(char **slot, const char *name, const char *val, char *why, size_t why_len)
{
    if (*slot != NULL) {
	snprintf(why, why_len, "attribute \"%s\" is specified multiple times", name);
	return (-1);
    }
    *slot = mem_strdup(val);
    return (0);
}

/* probe_attribute - one NAME=VALUE of the entry, as policy_create() takes it */
static int probe_attribute(struct probe_policy *pol, const char *tok, char *why, size_t why_len)
{
    const char *eq = strchr(tok, '=');
    char    name[32];
    const char *val;

    if (eq == NULL || eq == tok || (size_t) (eq - tok) >= sizeof(name)) {
	snprintf(why, why_len, "malformed attribute/value pair \"%s\"", tok);
	return (-1);
    }
    memcpy(name, tok, (size_t) (eq - tok));
    name[eq - tok] = 0;
    val = eq + 1;
    if ((strcasecmp(name, "ciphers") == 0 || strcasecmp(name, "match") == 0
	 || strcasecmp(name, "tafile") == 0) && *val == 0) {
	snprintf(why, why_len, "attribute \"%s\" has empty value", name);
	return (-1);
    }
    if (strcasecmp(name, "ciphers") == 0)
	return (probe_once(&pol->grade, name, val, why, why_len));
    if (strcasecmp(name, "protocols") == 0)
	return (probe_once(&pol->protocols, name, val, why, why_len));
    if (strcasecmp(name, "servername") == 0)
	return (probe_once(&pol->sni, name, val, why, why_len));
    if (strcasecmp(name, "exclude") == 0)
	return (probe_once(&pol->exclusions, name, val, why, why_len));
    if (strcasecmp(name, "connection_reuse") == 0)
	return (0);
    if (strcasecmp(name, "match") == 0) {
	if (pol->level == PROBE_FPRINT || pol->level == PROBE_VERIFY
	    || pol->level == PROBE_SECURE) {
	    probe_split(pol->level == PROBE_FPRINT ? &pol->fprint : &pol->match, val,
			pol->level == PROBE_FPRINT ? "|" : ":");
	    return (0);
	}
    } else if (strcasecmp(name, "tafile") == 0) {
	if (pol->level == PROBE_VERIFY || pol->level == PROBE_SECURE) {
	    probe_split(&pol->tafile, val, "");
	    return (0);
	}
    } else {
	snprintf(why, why_len, "invalid attribute name: \"%s\"", name);
	return (-1);
    }
    snprintf(why, why_len, "attribute \"%s\" invalid at security level \"%s\"", name,
	     probe_level_name(pol->level));
    return (-1);
}

/* probe_add_exclude - append words to the exclusion list */
static void probe_add_exclude(char **list, const char *words)
{
    char   *cat;
    size_t  len;

    if (*words == 0)
	return;
    if (*list == NULL) {
	*list = mem_strdup(words);
	return;
    }
    len = strlen(*list) + strlen(words) + 2;
    cat = mem_alloc(len);
    snprintf(cat, len, "%s%s%s", *list, **list ? " " : "", words);
    free(*list);
    *list = cat;
}

/* probe_defaults - main.cf values for what the entry left out */
static int probe_defaults(struct probe_policy *pol, const struct pfconf *pf, int had_exclude,
			          char *why, size_t why_len)
{
    int     mand = pol->level > PROBE_MAY;

    if (pol->protocols == NULL)
	pol->protocols = mem_strdup(pfconf_get(pf, mand ? PF_MAND_PROTOCOLS : PF_PROTOCOLS));
    if (pol->sni == NULL)
	pol->sni = mem_strdup(pfconf_get(pf, PF_SERVERNAME));
    if (pol->grade == NULL)
	pol->grade = mem_strdup(pfconf_get(pf, mand ? PF_MAND_CIPHERS : PF_CIPHERS));
    if (!had_exclude) {
	probe_add_exclude(&pol->exclusions, pfconf_get(pf, PF_EXCLUDE));
	if (mand)
	    probe_add_exclude(&pol->exclusions, pfconf_get(pf, PF_MAND_EXCLUDE));
    }
    if (pol->level == PROBE_ENCRYPT)
	probe_add_exclude(&pol->exclusions, "eNULL");
    else if (mand)
	probe_add_exclude(&pol->exclusions, "aNULL");
    if (pol->exclusions == NULL)
	pol->exclusions = mem_strdup("");
    if (pol->level == PROBE_FPRINT && pol->fprint.count == 0) {
	probe_split(&pol->fprint, pfconf_get(pf, PF_FPT_MATCH), PROBE_SEP_ENTRY);
	if (pol->fprint.count == 0) {
	    snprintf(why, why_len, "configured at fingerprint security level, but with no "
		     "fingerprints to match");
	    return (-1);
	}
    }
    if (pol->level == PROBE_VERIFY || pol->level == PROBE_SECURE) {
	if (pol->match.count == 0)
	    probe_split(&pol->match, pfconf_get(pf, pol->level == PROBE_VERIFY ?
						PF_VERIFY_MATCH : PF_SECURE_MATCH),
			PROBE_SEP_ENTRY ":");
	if (pol->tafile.count == 0)
	    probe_split(&pol->tafile, pfconf_get(pf, PF_TAFILE), PROBE_SEP_ENTRY);
    }
    return (0);
}

/* probe_policy_build - the effective policy */
int     probe_policy_build(struct probe_policy *pol, const char *entry, const struct pfconf *pf,
			           char *why, size_t why_len)
{
    char   *copy = NULL, *tok, *save = NULL;
    int     level, ret = 0;

    memset(pol, 0, sizeof(*pol));
    *why = 0;
    if (entry == NULL) {
	if ((level = (int) probe_global_level(pf, why, why_len)) < 0)
	    return (-1);
	pol->level = (enum probe_level) level;
    } else {
	copy = mem_strdup(entry);
	if ((tok = strtok_r(copy, PROBE_SEP_ENTRY, &save)) == NULL) {
	    snprintf(why, why_len, "invalid empty policy");
	    free(copy);
	    return (-1);
	}
	if ((level = probe_level_lookup(tok)) < 0) {
	    snprintf(why, why_len, "invalid security level \"%s\"", tok);
	    free(copy);
	    return (-1);
	}
	pol->level = (enum probe_level) level;
	/* With TLS off Postfix ignores the attributes (and warns). */
	while (ret == 0 && pol->level > PROBE_NONE
	       && (tok = strtok_r(NULL, PROBE_SEP_ENTRY, &save)) != NULL)
	    ret = probe_attribute(pol, tok, why, why_len);
	free(copy);
    }
    if (ret == 0 && pol->level > PROBE_NONE)
	ret = probe_defaults(pol, pf, pol->exclusions != NULL, why, why_len);
    return (ret);
}

/* probe_policy_free - release the policy */
void    probe_policy_free(struct probe_policy *pol)
{
    free(pol->protocols);
    free(pol->grade);
    free(pol->exclusions);
    free(pol->sni);
    probe_list_free(&pol->match);
    probe_list_free(&pol->fprint);
    probe_list_free(&pol->tafile);
    memset(pol, 0, sizeof(*pol));
}
