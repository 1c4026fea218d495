/*
 * srclock - one writer at a time for a source file
 *
 * compile, enroll, revoke and refresh hold an exclusive flock(2) for their
 * whole run on a lock file beside the source (".NAME.lock" in the final
 * target's directory when the source is a symlink), created mode 0600 and
 * owned by the writer: no other user can open it, so no other user can
 * take the lock and keep every writer waiting. The file is removed when
 * the lock is released; a writer that got the lock on a file removed
 * meanwhile tries again. Only when the lock file cannot be created (a
 * directory the writer may not write in) is the directory itself locked
 * instead, which any user who can read the directory can also lock. The
 * lock goes with the process: it is released at exit whatever happens (a
 * lock file left by a killed writer is used and removed by the next one).
 *
 * DIAGNOSTICS: srclock_take() returns -1 with the reason in why; the
 * caller reports it. Nothing here prints.
 */
#ifndef CERTPOLICY_SRCLOCK_H
#define CERTPOLICY_SRCLOCK_H

#include <stddef.h>

struct srclock {
    int     fd;				/* the locked file or directory, or -1 */
    char   *path;			/* the lock file, removed on release */
    int     is_dir;			/* the directory fallback */
};

/*
 * srclock_take - lock source (a path; symlinks are followed), waiting at
 * most wait_seconds (0: try once). Returns 0, or -1 with why filled in:
 * the lock is busy (errno EWOULDBLOCK), the lock file is not the
 * writer's own regular file (EPERM), or neither it nor the directory can
 * be opened (its errno).
 */
int     srclock_take(struct srclock *lock, const char *source, long long wait_seconds,
		             char *why, size_t why_len);

/* srclock_release - remove the lock file and unlock (unlocking is also done by exit) */
void    srclock_release(struct srclock *lock);

#endif
