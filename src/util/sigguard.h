/*
 * sigguard - a writer's run is not cut short by SIGINT, SIGTERM or SIGHUP
 *
 * compile, enroll and revoke hold these signals blocked while they write
 * their outputs. The writer asks sigguard_pending() between its steps; a
 * signal that arrived makes it remove its temporary files (and put back
 * what it replaced) and stop, and sigguard_release() then lets the signal
 * end the process as it would have (the exit status shows it). A program
 * started meanwhile (postmap) gets the usual signal mask, so a Ctrl-C
 * that reaches the whole process group still stops it at once.
 *
 * DIAGNOSTICS: none; nothing here prints.
 */
#ifndef CERTPOLICY_SIGGUARD_H
#define CERTPOLICY_SIGGUARD_H

#include <spawn.h>

/*
 * sigguard_hold - block SIGINT, SIGTERM and SIGHUP (those not ignored)
 * until sigguard_release()
 */
void    sigguard_hold(void);

/* sigguard_pending - one of those that arrived meanwhile, or 0 */
int     sigguard_pending(void);

/*
 * sigguard_release - unblock them: one that arrived is delivered now (by
 * default, the process ends by it)
 */
void    sigguard_release(void);

/*
 * sigguard_spawnattr - attributes for posix_spawn() that give the child
 * the signal mask the process had before sigguard_hold() (call
 * posix_spawnattr_destroy() after); 0, or an errno value
 */
int     sigguard_spawnattr(posix_spawnattr_t *attr);

#endif
