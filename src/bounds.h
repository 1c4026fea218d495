/*
 * bounds - limits on what the command-line tool will read
 *
 * Each limit has a name, a default and a range, in one table, and can be
 * changed with "certpolicy -o NAME=VALUE". They protect the tool from
 * mistakes such as cert= naming a device or a huge file; the defaults are
 * far above what a real site needs.
 */
#ifndef CERTPOLICY_BOUNDS_H
#define CERTPOLICY_BOUNDS_H

#include <stddef.h>

#include "log.h"

enum bound_id {
    BOUND_MAX_SOURCE_SIZE,
    BOUND_MAX_LINE_LENGTH,
    BOUND_MAX_CLIENTS,
    BOUND_MAX_CERT_SIZE,
    BOUND_COUNT,
};

struct bounds {
    long long value[BOUND_COUNT];
};

struct bound_def {
    const char *name;
    long long defval;
    long long min;
    long long max;
};

extern const struct bound_def bounds_table[BOUND_COUNT];

/* bounds_init - every limit at its default */
void    bounds_init(struct bounds *bounds);

/* bounds_set - "NAME=VALUE"; 0, or -1 with a message logged */
int     bounds_set(struct bounds *bounds, const char *assignment);

#endif
