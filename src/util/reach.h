/*
 * reach - can another user reach a file?
 *
 * spawn(8) runs certpolicyd as an unprivileged user (user=nobody), and a
 * directory made by root under umask 077 is closed to it. reach_others()
 * tells whether a user who is neither the owner nor in the group could
 * open path for reading: every directory from / down searchable by
 * others, the file (when it exists) readable by others. It only looks;
 * it prints nothing.
 */
#ifndef CERTPOLICY_REACH_H
#define CERTPOLICY_REACH_H

#include <stddef.h>

/*
 * reach_others - 1 reachable (or not there yet: nothing to judge), 0 not,
 * with the first obstacle in why[len] ("directory /var/lib/certpolicy is
 * not searchable by other users (mode 0700)").
 */
int     reach_others(const char *path, char *why, size_t len);

#endif
