/*
 * privs - run as an unprivileged user
 *
 * certpolicyd needs no privilege to answer: it reads a database anyone
 * may read. Started as root (to open a socket where only root may, or to
 * open a log file), it changes to the user given with -u once those are
 * open, and refuses to go on as root unless that user is root itself.
 *
 * DIAGNOSTICS
 *	Nothing is printed: privs_settle() returns -1 with the reason in the
 *	caller's why buffer, for certpolicyd to log before it exits.
 */
#ifndef CERTPOLICY_PRIVS_H
#define CERTPOLICY_PRIVS_H

#include <stddef.h>

/*
 * privs_settle - become user (when given) and check the result: 0, or -1
 * with the reason in why (why_len bytes): no -u while root, an unknown
 * user, a change that did not happen or could be undone. Nothing is
 * printed.
 */
int     privs_settle(const char *user, char *why, size_t why_len);

#endif
