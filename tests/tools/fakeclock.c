/*
 * fakeclock - a test clock for certpolicy and certpolicyd, by LD_PRELOAD
 *
 * The programs read the real clock only; they honour no environment
 * variable for the time. A test that needs another "now" (a status past its
 * nextUpdate, a certificate that has expired) runs the program with this
 * library preloaded:
 *
 *     LD_PRELOAD=$BUILDDIR/tests/tools/fakeclock.so CERTPOLICY_TEST_CLOCK=1767225600 certpolicy ...
 *
 * CERTPOLICY_TEST_CLOCK is SECONDS (the wall clock reads SECONDS when the
 * process starts and runs on from there) or +SECONDS / -SECONDS (the wall
 * clock is shifted by that much). time(), gettimeofday() and
 * clock_gettime() for CLOCK_REALTIME (and its _COARSE variant) follow it,
 * in the program and in OpenSSL alike; monotonic clocks are left alone, so
 * timeouts still run. Unset or malformed, the real clock is used. tests/lib.sh
 * wraps this in at_clock SECONDS COMMAND...; under AddressSanitizer it also
 * sets verify_asan_link_order=0. Built only as a test program, never
 * installed.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long long fakeclock_offset;	/* seconds added to the real clock */
static int fakeclock_ready;

typedef int (*clock_gettime_fn) (clockid_t, struct timespec *);

/* fakeclock_real - the C library's clock_gettime */
static int fakeclock_real(clockid_t id, struct timespec *ts)
{
    static clock_gettime_fn real;

    if (real == NULL)
	real = (clock_gettime_fn) dlsym(RTLD_NEXT, "clock_gettime");
    if (real == NULL) {
	errno = ENOSYS;
	return (-1);
    }
    return (real(id, ts));
}

/* fakeclock_init - read CERTPOLICY_TEST_CLOCK once */
static void fakeclock_init(void)
{
    const char *text = getenv("CERTPOLICY_TEST_CLOCK");
    struct timespec ts;
    long long val;
    char   *end;

    fakeclock_ready = 1;
    if (text == NULL || *text == 0)
	return;
    errno = 0;
    val = strtoll(text, &end, 10);
    if (errno != 0 || *end != 0 || end == text)
	return;
    if (*text == '+' || *text == '-')
	fakeclock_offset = val;
    else if (fakeclock_real(CLOCK_REALTIME, &ts) == 0)
	fakeclock_offset = val - (long long) ts.tv_sec;
}

int     clock_gettime(clockid_t id, struct timespec *ts)
{
    int     ret = fakeclock_real(id, ts);

    if (!fakeclock_ready)
	fakeclock_init();
    if (ret == 0 && (id == CLOCK_REALTIME || id == CLOCK_REALTIME_COARSE))
	ts->tv_sec += (time_t) fakeclock_offset;
    return (ret);
}

time_t  time(time_t *out)
{
    struct timespec ts;
    time_t  now = clock_gettime(CLOCK_REALTIME, &ts) == 0 ? ts.tv_sec : (time_t) -1;

    if (out != NULL)
	*out = now;
    return (now);
}

int     gettimeofday(struct timeval *restrict tv, void *restrict tz)
{
    struct timespec ts;

    (void) tz;
    if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
	return (-1);
    tv->tv_sec = ts.tv_sec;			/* glibc declares tv nonnull */
    tv->tv_usec = (suseconds_t) (ts.tv_nsec / 1000);
    return (0);
}
