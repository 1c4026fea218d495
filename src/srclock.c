/*
 * srclock - one writer at a time for a source file
 *
 * The wait is a loop of non-blocking attempts with short pauses (1 ms,
 * doubling up to 50 ms) against a monotonic deadline: no signal handler,
 * no alarm left behind for the compile that follows.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <time.h>
#include <unistd.h>

#include "mem.h"
#include "srclock.h"

/* srclock_dir - the directory of the file source names, symlinks followed */
static char *srclock_dir(const char *source)
{
    char   *real = realpath(source, NULL);
    const char *path = real ? real : source;
    const char *slash = strrchr(path, '/');
    char   *dir;

    if (slash == NULL)
	dir = mem_strdup(".");
    else
	dir = mem_strndup(path, slash == path ? 1 : (size_t) (slash - path));
    free(real);
    return (dir);
}

/* srclock_now_ms - monotonic milliseconds */
static long long srclock_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}

/* srclock_take - lock the source's directory, waiting at most wait_seconds */
int     srclock_take(struct srclock *lock, const char *source, long long wait_seconds,
		             char *why, size_t why_len)
{
    char   *dir = srclock_dir(source);
    long long deadline = srclock_now_ms() + wait_seconds * 1000;
    long    pause_ms = 1;
    struct timespec ts;

    lock->fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (lock->fd < 0) {
	snprintf(why, why_len, "cannot open %s to lock it: %s", dir, strerror(errno));
	free(dir);
	return (-1);
    }
    free(dir);
    for (;;) {
	if (flock(lock->fd, LOCK_EX | LOCK_NB) == 0)
	    return (0);
	if (errno != EWOULDBLOCK && errno != EINTR) {
	    snprintf(why, why_len, "cannot lock: %s", strerror(errno));
	    break;
	}
	if (srclock_now_ms() >= deadline) {
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
    close(lock->fd);
    lock->fd = -1;
    return (-1);
}

/* srclock_release - unlock */
void    srclock_release(struct srclock *lock)
{
    if (lock->fd >= 0) {
	(void) flock(lock->fd, LOCK_UN);
	close(lock->fd);
	lock->fd = -1;
    }
}
