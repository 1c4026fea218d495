/*
 * bounds - limits on what the command-line tool will read
 */
#include "config.h"

#include <string.h>

#include "bounds.h"
#include "settings.h"

const struct bound_def bounds_table[BOUND_COUNT] = {
    [BOUND_MAX_SOURCE_SIZE] = {"max_source_size", 256LL << 20, 1024, 1LL << 40},
    [BOUND_MAX_LINE_LENGTH] = {"max_line_length", 16384, 80, 1LL << 24},
    [BOUND_MAX_CLIENTS] = {"max_clients", 2000000, 1, 1LL << 31},
    [BOUND_MAX_CERT_SIZE] = {"max_cert_size", 1LL << 20, 1024, 1LL << 30},
};

/* bounds_init - every limit at its default */
void    bounds_init(struct bounds *bounds)
{
    int     i;

    for (i = 0; i < BOUND_COUNT; i++)
	bounds->value[i] = bounds_table[i].defval;
}

/* bounds_set - "NAME=VALUE" */
int     bounds_set(struct bounds *bounds, const char *assignment)
{
    const char *eq = strchr(assignment, '=');
    long long val;
    int     i;

    for (i = 0; eq != NULL && i < BOUND_COUNT; i++) {
	if (strlen(bounds_table[i].name) != (size_t) (eq - assignment)
	    || strncmp(bounds_table[i].name, assignment, (size_t) (eq - assignment)) != 0)
	    continue;
	if (settings_parse_number(eq + 1, 0, &val) < 0
	    || val < bounds_table[i].min || val > bounds_table[i].max) {
	    log_error("-o %s: expected a number in %lld..%lld", assignment,
		      bounds_table[i].min, bounds_table[i].max);
	    return (-1);
	}
	bounds->value[i] = val;
	return (0);
    }
    log_error("-o %s: expected NAME=VALUE with NAME one of max_source_size, "
	      "max_line_length, max_clients, max_cert_size", assignment);
    return (-1);
}
