/*
 * sigguard - a writer's run is not cut short by SIGINT, SIGTERM or SIGHUP
 *
 * The mask before sigguard_hold() is kept for the programs the writer
 * starts. sigguard_release() restores it; a pending signal whose action
 * is the default then ends the process before sigprocmask() returns.
 */
#include "config.h"

#include <signal.h>
#include <stddef.h>

#include "util/sigguard.h"

static const int sigguard_signals[] = {SIGINT, SIGTERM, SIGHUP};

#define SIGGUARD_COUNT (sizeof(sigguard_signals) / sizeof(sigguard_signals[0]))

static sigset_t sigguard_saved;
static sigset_t sigguard_guarded;
static int sigguard_held;

/*
 * sigguard_set - the guarded signals: those not ignored (a blocked signal
 * is kept pending even when its action is to ignore it, as for the
 * SIGINT of a command started in the background by a script)
 */
static void sigguard_set(sigset_t *set)
{
    struct sigaction sa;
    size_t  i;

    sigemptyset(set);
    for (i = 0; i < SIGGUARD_COUNT; i++)
	if (sigaction(sigguard_signals[i], NULL, &sa) == 0 && sa.sa_handler != SIG_IGN)
	    sigaddset(set, sigguard_signals[i]);
}

/* sigguard_hold - block them */
void    sigguard_hold(void)
{
    sigset_t set;

    if (sigguard_held)
	return;
    sigguard_set(&set);
    if (sigprocmask(SIG_BLOCK, &set, &sigguard_saved) == 0) {
	sigguard_guarded = set;
	sigguard_held = 1;
    }
}

/* sigguard_pending - one that arrived, or 0 */
int     sigguard_pending(void)
{
    sigset_t pending;
    size_t  i;

    if (!sigguard_held || sigpending(&pending) < 0)
	return (0);
    for (i = 0; i < SIGGUARD_COUNT; i++)
	if (sigismember(&sigguard_guarded, sigguard_signals[i]) == 1
	    && sigismember(&pending, sigguard_signals[i]) == 1)
	    return (sigguard_signals[i]);
    return (0);
}

/* sigguard_release - unblock them */
void    sigguard_release(void)
{
    if (!sigguard_held)
	return;
    sigguard_held = 0;
    (void) sigprocmask(SIG_SETMASK, &sigguard_saved, NULL);
}

/* sigguard_spawnattr - the child gets the mask from before sigguard_hold() */
int     sigguard_spawnattr(posix_spawnattr_t *attr)
{
    sigset_t mask;
    int     err;

    if ((err = posix_spawnattr_init(attr)) != 0)
	return (err);
    if (sigguard_held)
	mask = sigguard_saved;
    else
	(void) sigprocmask(SIG_SETMASK, NULL, &mask);
    if ((err = posix_spawnattr_setsigmask(attr, &mask)) != 0
	|| (err = posix_spawnattr_setflags(attr, POSIX_SPAWN_SETSIGMASK)) != 0)
	posix_spawnattr_destroy(attr);
    return (err);
}
