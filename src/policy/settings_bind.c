/*
 * settings_bind - the typed view of the settings (struct settings)
 *
 * settings_set() and settings_load() check a value with
 * settings_normalize() and then settings_bind() reads the normal form
 * back into its typed field: the only place a setting's text is
 * interpreted. Typed fields that hold memory (maps, crl_source) are
 * released when the setting is set again and by settings_free().
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/action.h"
#include "util/log.h"
#include "util/mem.h"
#include "policy/settings.h"

/* settings_free_bound - what settings_bind() allocated for id */
static void settings_free_bound(struct settings *set, enum setting_id id)
{
    size_t  i;

    switch (id) {
    case SET_RELAY_CLIENTCERTS:
    case SET_TLS_POLICY_MAP:
	free(id == SET_RELAY_CLIENTCERTS ? set->relay_clientcerts.type : set->tls_policy_map.type);
	memset(id == SET_RELAY_CLIENTCERTS ? &set->relay_clientcerts : &set->tls_policy_map, 0,
	       sizeof(struct setting_map));
	break;
    case SET_CRL_SOURCE:
	for (i = 0; i < set->ncrl_sources; i++)
	    free(set->crl_sources[i]);
	free(set->crl_sources);
	set->crl_sources = NULL;
	set->ncrl_sources = 0;
	break;
    default:
	break;
    }
}

/* settings_number_of - the field of a DURATION or SIZE setting, or NULL */
static long long *settings_number_of(struct settings *set, enum setting_id id)
{
    switch (id) {
    case SET_FETCH_TIMEOUT:
	return (&set->fetch_timeout);
    case SET_FETCH_REDIRECTS:
	return (&set->fetch_redirects);
    case SET_FETCH_CONCURRENCY:
	return (&set->fetch_concurrency);
    case SET_CRL_MAX_SIZE:
	return (&set->crl_max_size);
    case SET_OCSP_MAX_SIZE:
	return (&set->ocsp_max_size);
    case SET_CLOCK_SKEW:
	return (&set->clock_skew);
    case SET_EXPIRY_WARNING:
	return (&set->expiry_warning);
    case SET_IDLE_TIMEOUT:
	return (&set->idle_timeout);
    default:
	return (NULL);
    }
}

/* settings_action - the action of an *_ACTION setting */
const struct setting_action *settings_action(const struct settings *set, enum setting_id id)
{
    switch (id) {
    case SET_NOCERT_ACTION:
	return (&set->nocert_action);
    case SET_UNKNOWN_ACTION:
	return (&set->unknown_action);
    case SET_REVOKED_ACTION:
	return (&set->revoked_action);
    case SET_EXPIRED_ACTION:
	return (&set->expired_action);
    case SET_UNAVAILABLE_ACTION:
	return (&set->unavailable_action);
    case SET_PERMIT_ACTION:
	return (&set->permit_action);
    case SET_ERROR_ACTION:
	return (&set->error_action);
    default:
	return (NULL);
    }
}

/* settings_map - the map of a SETTING_MAP id */
const struct setting_map *settings_map(const struct settings *set, enum setting_id id)
{
    switch (id) {
    case SET_RELAY_CLIENTCERTS:
	return (&set->relay_clientcerts);
    case SET_TLS_POLICY_MAP:
	return (&set->tls_policy_map);
    default:
	return (NULL);
    }
}

/* settings_bind_methods - revocation_check's normal form, "none" or "ocsp, crl" */
static void settings_bind_methods(struct settings *set, const char *value)
{
    size_t  len;

    set->nmethods = 0;
    set->use_ocsp = set->use_crl = 0;
    for (; *value && strcmp(value, "none") != 0 && set->nmethods < REVOCATION_METHODS;
	 value += len + (value[len] ? 2 : 0)) {
	len = strcspn(value, ",");
	if (len == 4 && strncmp(value, "ocsp", len) == 0) {
	    set->methods[set->nmethods++] = REVOCATION_OCSP;
	    set->use_ocsp = 1;
	} else {
	    set->methods[set->nmethods++] = REVOCATION_CRL;
	    set->use_crl = 1;
	}
    }
    set->revocation_on = set->nmethods > 0;
}

/* settings_bind_list - a ", "-separated normal form, split into new memory */
static char **settings_bind_list(const char *value, size_t *count)
{
    char  **items = NULL;
    size_t  cap = 0, len;

    *count = 0;
    for (; *value; value += len + (value[len] ? 2 : 0)) {
	len = strcspn(value, ",");
	items = mem_grow(items, *count, &cap, sizeof(*items));
	items[(*count)++] = mem_strndup(value, len);
    }
    return (items);
}

/* settings_bind - fill the typed field of setting id from its normal form */
static void settings_bind(struct settings *set, enum setting_id id)
{
    const char *value = set->value[id];
    struct setting_action *act = (struct setting_action *) settings_action(set, id);
    struct setting_map *map = (struct setting_map *) settings_map(set, id);
    long long *num = settings_number_of(set, id);
    const char *colon, *why;

    settings_free_bound(set, id);
    if (num != NULL) {
	*num = strtoll(value, NULL, 10);
    } else if (act != NULL) {
	act->text = value;
	if (action_check(value, &act->permits, &why) < 0)
	    act->permits = 0;
    } else if (map != NULL) {
	if ((colon = strchr(value, ':')) != NULL) {
	    map->type = mem_strndup(value, (size_t) (colon - value));
	    map->path = colon + 1;
	    map->index_suffix = settings_map_suffix(map->type);
	}
    } else {
	switch (id) {
	case SET_FINGERPRINT_DIGEST:
	    set->digest = (enum fprint_digest) fprint_digest_lookup(value);
	    break;
	case SET_REVOCATION_CHECK:
	    settings_bind_methods(set, value);
	    break;
	case SET_REVOCATION_FAILURE:
	    set->failure_permits = strcmp(value, "permit") == 0;
	    break;
	case SET_CRL_SOURCE:
	    set->crl_sources = settings_bind_list(value, &set->ncrl_sources);
	    break;
	case SET_OCSP_NONCE:
	    set->ocsp_nonce = strcmp(value, "yes") == 0;
	    break;
	default:
	    break;				/* a path or a command: value[] is all */
	}
    }
}

/* settings_set - check a value and make it the setting's */
int     settings_set(struct settings *set, enum setting_id id, const char *value,
		             char *why, size_t why_len)
{
    char   *normal;

    if ((normal = settings_normalize(settings_table + id, value, why, why_len)) == NULL)
	return (-1);
    free(set->value[id]);
    set->value[id] = normal;
    settings_bind(set, id);
    return (0);
}

/* settings_load - a value read back from a database, in its normal form */
int     settings_load(struct settings *set, enum setting_id id, const char *value,
		              char *why, size_t why_len)
{
    char   *normal;
    const char *reason;
    int     permits = 0;

    if ((normal = settings_normalize(settings_table + id, value, why, why_len)) == NULL)
	return (-1);
    if (strcmp(normal, value) != 0) {
	snprintf(why, why_len, "not in its normal form");
	free(normal);
	return (-1);
    }
    /* The source refuses these too (conf_cross_check); a hand-made database must not get by. */
    if (settings_table[id].never_permits && action_check(normal, &permits, &reason) == 0 && permits) {
	snprintf(why, why_len, "must not permit (OK)");
	free(normal);
	return (-1);
    }
    free(set->value[id]);
    set->value[id] = normal;
    settings_bind(set, id);
    return (0);
}

/* settings_init - every setting at its default */
void    settings_init(struct settings *set)
{
    char    why[512];
    int     id;

    memset(set, 0, sizeof(*set));
    for (id = 0; id < SETTING_COUNT; id++)
	if (settings_set(set, (enum setting_id) id, settings_table[id].defval, why, sizeof(why)) < 0)
	    log_panic("default of %s: %s", settings_table[id].name, why);
}

/* settings_free - release the values */
void    settings_free(struct settings *set)
{
    int     id;

    for (id = 0; id < SETTING_COUNT; id++) {
	settings_free_bound(set, (enum setting_id) id);
	free(set->value[id]);
    }
    memset(set, 0, sizeof(*set));
}

/* settings_equal - the same normal form */
int     settings_equal(const struct settings *a, enum setting_id ida,
		               const struct settings *b, enum setting_id idb)
{
    return (strcmp(a->value[ida], b->value[idb]) == 0);
}
