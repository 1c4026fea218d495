/*
 * bounds - named limits, with defaults and ranges, set by "-o NAME=VALUE"
 *
 * Each program has its own table: the tool limits what it will read
 * (bounds_tool), the policy server what a client may send (bounds_daemon).
 * Every limit has a name, a default and a range in one place; a value out
 * of range is refused.
 *
 * DIAGNOSTICS
 *	Nothing is printed: bounds_set() returns -1 with the reason in the
 *	caller's why buffer. A table larger than BOUNDS_MAX is our bug
 *	(log_panic).
 */
#ifndef CERTPOLICY_BOUNDS_H
#define CERTPOLICY_BOUNDS_H

#include <stddef.h>

#include "util/log.h"

#define BOUNDS_MAX 12

enum bound_tool_id {
    BOUND_MAX_SOURCE_SIZE,
    BOUND_MAX_LINE_LENGTH,
    BOUND_MAX_CLIENTS,
    BOUND_MAX_CERT_SIZE,
    BOUND_MAX_CHAIN_CERTS,		/* certificates in one certificate file */
    BOUND_LOCK_WAIT,			/* seconds a writer waits for the lock */
    BOUND_PROBE_TIMEOUT,		/* seconds for each network step of probe */
    BOUND_PROBE_MAX_REPLY,		/* bytes of one SMTP reply probe reads */
    BOUND_TOOL_COUNT,
};

enum bound_daemon_id {
    BOUND_MAX_REQUEST_LINE,
    BOUND_MAX_REQUEST_SIZE,
    BOUND_MAX_REQUEST_ATTRIBUTES,
    BOUND_MAX_CONNECTIONS,
    BOUND_MAX_LISTEN_SOCKETS,		/* -l endpoints plus sockets from systemd */
    BOUND_DAEMON_COUNT,
};

struct bound_def {
    const char *name;
    long long defval;
    long long min;
    long long max;
};

struct bounds {
    const struct bound_def *table;
    int     count;
    long long value[BOUNDS_MAX];
};

extern const struct bound_def bounds_tool[BOUND_TOOL_COUNT];
extern const struct bound_def bounds_daemon[BOUND_DAEMON_COUNT];

/* bounds_init - every limit of the table at its default */
void    bounds_init(struct bounds *bounds, const struct bound_def *table, int count);

/*
 * bounds_set - "NAME=VALUE": 0, or -1 with the reason in why (why_len
 * bytes; the caller names the assignment). Nothing is printed.
 */
int     bounds_set(struct bounds *bounds, const char *assignment, char *why, size_t why_len);

#endif
