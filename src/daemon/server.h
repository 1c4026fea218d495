/*
 * server - answer policy requests on every connection, in one process
 *
 * One poll() loop serves the listening sockets and every connection, so a
 * slow or stuck client never holds up the others. In spawn mode the one
 * "connection" is stdin/stdout and the loop ends when it closes or has
 * been idle for idle_timeout. Connections idle longer than idle_timeout
 * are closed; at most max_connections are open at once (more wait in the
 * listen queue). A connection that crosses a request limit is logged once
 * and closed: Postfix then retries and applies its default action.
 */
#ifndef CERTPOLICY_SERVER_H
#define CERTPOLICY_SERVER_H

#include "policy/bounds.h"
#include "policy/policy_db.h"

struct server_config {
    struct policy_db *db;
    const struct bounds *bounds;
    int     verbose;
    const int *listen_fds;
    int     nlisten;
    int     spawn;			/* serve fds 0 and 1 */
    void    (*ready) (void);		/* called once the loop is ready, or NULL */
};

/* server_run - serve until stopped (SIGTERM, SIGINT) or, in spawn mode, done */
int     server_run(const struct server_config *cfg);

#endif
