/*
 * srclock - one writer at a time for a source file
 *
 * compile, enroll, revoke and refresh hold an exclusive flock(2) for their
 * whole run, on the directory that holds the source file (the final
 * target's directory when the source is a symlink). Locking the directory
 * needs only read permission there, creates no file, and stays valid when
 * an edit replaces the source by rename. The lock goes with the process:
 * it is released at exit whatever happens.
 *
 * DIAGNOSTICS: srclock_take() returns -1 with the reason in why; the
 * caller reports it. Nothing here prints.
 */
#ifndef CERTPOLICY_SRCLOCK_H
#define CERTPOLICY_SRCLOCK_H

#include <stddef.h>

struct srclock {
    int     fd;				/* the locked directory, or -1 */
};

/*
 * srclock_take - lock the directory of source (a path; symlinks are
 * followed), waiting at most wait_seconds (0: try once). Returns 0, or -1
 * with why filled in: the lock is busy (errno EWOULDBLOCK) or the
 * directory cannot be opened (its errno).
 */
int     srclock_take(struct srclock *lock, const char *source, long long wait_seconds,
		             char *why, size_t why_len);

/* srclock_release - unlock (also done by exit) */
void    srclock_release(struct srclock *lock);

#endif
