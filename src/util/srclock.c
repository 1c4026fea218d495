/*
 * srclock - one writer at a time for a source file
 *
 * The wait is a loop of non-blocking attempts with short pauses (1 ms,
 * doubling up to 50 ms) against a monotonic deadline: no signal handler,
 * no alarm left behind for the compile that follows. The lock file is
 * opened O_NOFOLLOW, so a symlink planted at its name is not followed;
 * after flock() succeeds, the name must still be that file (the previous
 * holder removes it before it unlocks), else the attempt starts again.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/mem.h"
#include "util/srclock.h"
#include "util/timeutil.h"

/* srclock_names - the directory of the file source names (symlinks followed) and the lock file */
static char *srclock_names(const char *source, char **lockfile)
{
    char   *real = realpath(source, NULL);
    const char *path = real ? real : source;
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    char   *dir;

    if (slash == NULL)
	dir = mem_strdup(".");
    else
	dir = mem_strndup(path, slash == path ? 1 : (size_t) (slash - path));
    *lockfile = mem_printf("%s/.%s.lock", dir, base);
    free(real);
    return (dir);
}

/*
 * srclock_open - the lock file, or the directory when the file cannot be
 * created there; -1 with why filled in
 */
static int srclock_open(struct srclock *lock, const char *dir, char *why, size_t why_len)
{
    struct stat st;

    lock->is_dir = 0;
    lock->fd = open(lock->path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (lock->fd < 0 && (errno == EACCES || errno == EROFS || errno == EPERM)) {
	lock->is_dir = 1;
	lock->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (lock->fd < 0) {
	    snprintf(why, why_len, "cannot open %s to lock it: %s", dir, strerror(errno));
	    return (-1);
	}
	return (0);
    }
    if (lock->fd < 0) {
	snprintf(why, why_len, "cannot open the lock file %s: %s", lock->path, strerror(errno));
	return (-1);
    }
    if (fstat(lock->fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
	snprintf(why, why_len, "the lock file %s is not a file of this user's: remove it",
		 lock->path);
	close(lock->fd);
	lock->fd = -1;
	errno = EPERM;
	return (-1);
    }
    return (0);
}

/* srclock_still_there - the lock file is still at its name (not removed by the last holder) */
static int srclock_still_there(const struct srclock *lock)
{
    struct stat held, named;

    if (lock->is_dir)
	return (1);
    return (fstat(lock->fd, &held) == 0 && lstat(lock->path, &named) == 0
	    && held.st_dev == named.st_dev && held.st_ino == named.st_ino);
}

/* srclock_take - lock the source, waiting at most wait_seconds */
int     srclock_take(struct srclock *lock, const char *source, long long wait_seconds,
		             char *why, size_t why_len)
{
    char   *dir = srclock_names(source, &lock->path);
    long long deadline = time_monotonic_ms() + wait_seconds * 1000;
    long    pause_ms = 1;
    struct timespec ts;

    lock->fd = -1;
    for (;;) {
	if (lock->fd < 0 && srclock_open(lock, dir, why, why_len) < 0)
	    break;
	if (flock(lock->fd, LOCK_EX | LOCK_NB) == 0) {
	    if (srclock_still_there(lock)) {
		free(dir);
		return (0);
	    }
	    close(lock->fd);			/* removed by the holder before us */
	    lock->fd = -1;
	    continue;
	}
	if (errno != EWOULDBLOCK && errno != EINTR) {
	    snprintf(why, why_len, "cannot lock: %s", strerror(errno));
	    break;
	}
	if (time_monotonic_ms() >= deadline) {
	    snprintf(why, why_len, "another compile, enroll, revoke or refresh is running "
		     "(waited %lld seconds; -o lock_wait=SECONDS waits longer)", wait_seconds);
	    errno = EWOULDBLOCK;
	    break;
	}
	ts.tv_sec = 0;
	ts.tv_nsec = pause_ms * 1000000L;
	nanosleep(&ts, NULL);
	if (pause_ms < 50)
	    pause_ms *= 2;
    }
    if (lock->fd >= 0)
	close(lock->fd);
    lock->fd = -1;
    free(lock->path);
    lock->path = NULL;
    free(dir);
    return (-1);
}

/* srclock_release - remove the lock file, then unlock */
void    srclock_release(struct srclock *lock)
{
    if (lock->fd >= 0) {
	if (!lock->is_dir && lock->path != NULL)
	    (void) unlink(lock->path);
	(void) flock(lock->fd, LOCK_UN);
	close(lock->fd);
	lock->fd = -1;
    }
    free(lock->path);
    lock->path = NULL;
}
