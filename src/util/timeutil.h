/*
 * timeutil - calendar arithmetic without the local time zone
 *
 * Certificate times and source-file dates are UTC. These functions do the
 * conversion themselves (C11 has no timegm()).
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

#endif
