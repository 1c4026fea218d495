/*
 * bounds - named limits, with defaults and ranges, set by "-o NAME=VALUE"
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policy/bounds.h"
#include "policy/settings.h"

const struct bound_def bounds_tool[BOUND_TOOL_COUNT] = {
    [BOUND_MAX_SOURCE_SIZE] = {"max_source_size", 256LL << 20, 1024, 1LL << 40},
    [BOUND_MAX_LINE_LENGTH] = {"max_line_length", 16384, 80, 1LL << 24},
    [BOUND_MAX_CLIENTS] = {"max_clients", 2000000, 1, 1LL << 31},
    [BOUND_MAX_CERT_SIZE] = {"max_cert_size", 1LL << 20, 1024, 1LL << 30},
    [BOUND_MAX_CHAIN_CERTS] = {"max_chain_certs", 32, 1, 4096},
    [BOUND_LOCK_WAIT] = {"lock_wait", 10, 0, 86400},
    [BOUND_PROBE_TIMEOUT] = {"probe_timeout", 30, 1, 3600},
    [BOUND_PROBE_MAX_REPLY] = {"probe_max_reply", 65536, 512, 1LL << 24},
};

const struct bound_def bounds_daemon[BOUND_DAEMON_COUNT] = {
    [BOUND_MAX_REQUEST_LINE] = {"max_request_line", 4096, 128, 1LL << 20},
    [BOUND_MAX_REQUEST_SIZE] = {"max_request_size", 65536, 1024, 1LL << 24},
    [BOUND_MAX_REQUEST_ATTRIBUTES] = {"max_request_attributes", 128, 8, 100000},
    [BOUND_MAX_CONNECTIONS] = {"max_connections", 1024, 1, 65536},
    [BOUND_MAX_LISTEN_SOCKETS] = {"max_listen_sockets", 64, 1, 1024},
};

/* bounds_init - every limit at its default */
void    bounds_init(struct bounds *bounds, const struct bound_def *table, int count)
{
    int     i;

    if (count > BOUNDS_MAX)
	log_panic("bounds_init: %d limits, room for %d", count, BOUNDS_MAX);
    bounds->table = table;
    bounds->count = count;
    for (i = 0; i < count; i++)
	bounds->value[i] = table[i].defval;
}

/* bounds_set - "NAME=VALUE" */
int     bounds_set(struct bounds *bounds, const char *assignment, char *why, size_t why_len)
{
    const char *eq = strchr(assignment, '=');
    char    names[256] = "";
    long long val;
    int     i;

    for (i = 0; i < bounds->count; i++) {
	const struct bound_def *def = bounds->table + i;

	snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
		 i ? ", " : "", def->name);
	if (eq == NULL || strlen(def->name) != (size_t) (eq - assignment)
	    || strncmp(def->name, assignment, (size_t) (eq - assignment)) != 0)
	    continue;
	if (settings_parse_number(eq + 1, 0, &val) < 0 || val < def->min || val > def->max) {
	    snprintf(why, why_len, "expected a number in %lld..%lld", def->min, def->max);
	    return (-1);
	}
	bounds->value[i] = val;
	return (0);
    }
    snprintf(why, why_len, "expected NAME=VALUE with NAME one of %s", names);
    return (-1);
}
