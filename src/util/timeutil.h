/*
 * timeutil - calendar arithmetic without the local time zone, and the
 * one monotonic clock
 *
 * Certificate times and source-file dates are UTC. These functions do the
 * conversion themselves (C11 has no timegm()). Deadlines, timeouts and
 * intervals are measured with time_monotonic_ms(), which setting the
 * system clock does not move.
 *
 * DIAGNOSTICS
 *	time_monotonic_ms() is fatal (log_fatal) when the system has no
 *	monotonic clock; nothing else here prints.
 */
#ifndef CERTPOLICY_TIMEUTIL_H
#define CERTPOLICY_TIMEUTIL_H

#include <time.h>

/* time_from_utc_tm - struct tm in UTC to seconds since the epoch */
time_t  time_from_utc_tm(const struct tm *tm);

/* time_parse_date - "YYYY-MM-DD" (a real date) to its midnight UTC; 0 or -1 */
int     time_parse_date(const char *text, time_t *when);

/* time_format_date - seconds to "YYYY-MM-DD" in buf[11] */
char   *time_format_date(time_t when, char *buf);

/*
 * time_now - the current time, from the system clock only: production
 * programs honour no environment clock (tests preload tests/tools/fakeclock)
 */
time_t  time_now(void);

/*
 * time_monotonic_ms - CLOCK_MONOTONIC in milliseconds (since an arbitrary
 * point, typically boot): for deadlines and intervals only, never a date
 */
long long time_monotonic_ms(void);

#endif
