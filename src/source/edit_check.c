/*
 * edit_check - what enroll and revoke must prove before they write
 *
 * The comparison works on parsed sources, so it holds whatever the bytes
 * look like: a value that smuggled a line break, a quote or another
 * attribute into the text shows up as a setting, a client or an
 * attribute that was not asked for.
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "source/edit_check.h"

/* edit_check_text - value has no control character */
int     edit_check_text(const char *what, const char *value, char *why, size_t why_len)
{
    const char *cp;

    for (cp = value; *cp; cp++) {
	if (iscntrl((unsigned char) *cp)) {
	    snprintf(why, why_len, "%s: contains a control character (0x%02x at byte %zu)",
		     what, (unsigned) (unsigned char) *cp, (size_t) (cp - value) + 1);
	    return (-1);
	}
    }
    return (0);
}

/* edit_same_str - equal strings, NULL equal only to NULL */
static int edit_same_str(const char *a, const char *b)
{
    return (a == NULL || b == NULL ? a == b : strcmp(a, b) == 0);
}

/* edit_same_certs - a's certificates, then extra's, are b's */
static int edit_same_certs(const struct conf_client *a, const struct conf_client *extra,
			           const struct conf_client *b)
{
    size_t  na = a ? a->ncerts : 0, ne = extra ? extra->ncerts : 0, i;

    if (b->ncerts != na + ne)
	return (0);
    for (i = 0; i < b->ncerts; i++)
	if (strcmp(b->certs[i], i < na ? a->certs[i] : extra->certs[i - na]) != 0)
	    return (0);
    return (1);
}

/* edit_same_fps - a's fingerprints, then extra's, are b's */
static int edit_same_fps(const struct conf_client *a, const struct conf_client *extra,
			         const struct conf_client *b)
{
    size_t  na = a ? a->nfps : 0, ne = extra ? extra->nfps : 0, i;

    if (b->nfps != na + ne)
	return (0);
    for (i = 0; i < b->nfps; i++)
	if (!fprint_equal(b->fps + i, i < na ? a->fps + i : extra->fps + i - na))
	    return (0);
    return (1);
}

/*
 * edit_same_client - b is a plus extra (extra may be NULL: b is a as it
 * was; a may be NULL: a new client)
 */
static int edit_same_client(const struct conf_client *a, const struct conf_client *extra,
			            const struct conf_client *b)
{
    const struct conf_client *pin = extra && extra->has_pin ? extra : a;
    const struct conf_client *rev = extra && extra->revoked ? extra : a;

    if (a != NULL && strcmp(a->name, b->name) != 0)
	return (0);
    if (!edit_same_certs(a, extra, b) || !edit_same_fps(a, extra, b))
	return (0);
    if ((pin ? pin->has_pin : 0) != b->has_pin
	|| (b->has_pin && !fprint_equal(&pin->pin, &b->pin)))
	return (0);
    if ((rev ? rev->revoked : 0) != b->revoked)
	return (0);
    return (!b->revoked || (rev->revoked_at == b->revoked_at
			    && edit_same_str(rev->reason, b->reason)));
}

/* edit_same_rest - settings and tls entries */
static int edit_same_rest(const struct conf *a, const struct conf *b, char *why, size_t why_len)
{
    size_t  i;

    for (i = 0; i < SETTING_COUNT; i++) {
	if (!settings_equal(&a->set, (enum setting_id) i, &b->set, (enum setting_id) i)) {
	    snprintf(why, why_len, "the setting %s would change", settings_table[i].name);
	    return (0);
	}
    }
    if (a->ntls != b->ntls) {
	snprintf(why, why_len, "the tls entries would change");
	return (0);
    }
    for (i = 0; i < a->ntls; i++) {
	if (strcmp(a->tls[i].nexthop, b->tls[i].nexthop) != 0
	    || strcmp(a->tls[i].policy, b->tls[i].policy) != 0) {
	    snprintf(why, why_len, "the tls entry for %s would change", a->tls[i].nexthop);
	    return (0);
	}
    }
    return (1);
}

/* edit_check_change - after is before plus added, and nothing else */
int     edit_check_change(const struct conf *before, const struct conf *after,
			          const struct conf *added, char *why, size_t why_len)
{
    const struct conf_client *extra = added->clients;
    const struct conf_client *old = NULL;
    size_t  i;

    if (added->nclients != 1) {
	snprintf(why, why_len, "the change is not one client's attributes");
	return (-1);
    }
    if (!edit_same_rest(before, after, why, why_len))
	return (-1);
    for (i = 0; i < before->nclients; i++)
	if (strcmp(before->clients[i].name, extra->name) == 0)
	    old = before->clients + i;
    if (after->nclients != before->nclients + (old == NULL)) {
	snprintf(why, why_len, "the number of clients would change from %zu to %zu",
		 before->nclients, after->nclients);
	return (-1);
    }
    for (i = 0; i < after->nclients; i++) {
	const struct conf_client *a = i < before->nclients ? before->clients + i : NULL;
	const struct conf_client *b = after->clients + i;
	int     target = a ? a == old : 1;

	if (!edit_same_client(a, target ? extra : NULL, b)
	    || (a == NULL && strcmp(b->name, extra->name) != 0)) {
	    snprintf(why, why_len, "client %s would change in a way that was not asked for",
		     a ? a->name : b->name);
	    return (-1);
	}
    }
    return (0);
}
