/*
 * timeutil - calendar arithmetic without the local time zone
 *
 * Days from the civil date use the proleptic Gregorian calendar.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/timeutil.h"

/* time_days_from_civil - days since 1970-01-01 */
static long long time_days_from_civil(long long y, unsigned m, unsigned d)
{
    long long era;
    unsigned yoe, doy, doe;

    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = (unsigned) (y - era * 400);
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (era * 146097 + (long long) doe - 719468);
}

/* time_from_utc_tm - struct tm in UTC to seconds since the epoch */
time_t  time_from_utc_tm(const struct tm *tm)
{
    long long days = time_days_from_civil(tm->tm_year + 1900LL,
					  (unsigned) tm->tm_mon + 1,
					  (unsigned) tm->tm_mday);

    return ((time_t) (days * 86400 + tm->tm_hour * 3600
		      + tm->tm_min * 60 + tm->tm_sec));
}

/* time_digits - value of n digits already known to be digits */
static unsigned time_digits(const char *cp, int n)
{
    unsigned val = 0;

    while (n-- > 0)
	val = val * 10 + (unsigned) (*cp++ - '0');
    return (val);
}

/* time_parse_date - "YYYY-MM-DD" to its midnight UTC */
int     time_parse_date(const char *text, time_t *when)
{
    static const unsigned char mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned y, m, d;
    int     leap;
    int     i;

    if (strlen(text) != 10 || text[4] != '-' || text[7] != '-')
	return (-1);
    for (i = 0; i < 10; i++)
	if (i != 4 && i != 7 && (text[i] < '0' || text[i] > '9'))
	    return (-1);
    y = time_digits(text, 4);
    m = time_digits(text + 5, 2);
    d = time_digits(text + 8, 2);
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > mdays[m - 1]
	|| (m == 2 && d == 29 && !leap))
	return (-1);
    *when = (time_t) (time_days_from_civil(y, m, d) * 86400);
    return (0);
}

/* time_format_date - seconds to "YYYY-MM-DD" (years outside 0..9999 clamp) */
char   *time_format_date(time_t when, char *buf)
{
    struct tm tm;
    int     year;

    if (gmtime_r(&when, &tm) == NULL) {
	tm.tm_year = 70;
	tm.tm_mon = 0;
	tm.tm_mday = 1;
    }
    year = tm.tm_year + 1900;
    year = year < 0 ? 0 : year > 9999 ? 9999 : year;
    buf[0] = (char) ('0' + year / 1000);
    buf[1] = (char) ('0' + year / 100 % 10);
    buf[2] = (char) ('0' + year / 10 % 10);
    buf[3] = (char) ('0' + year % 10);
    buf[4] = '-';
    buf[5] = (char) ('0' + (tm.tm_mon + 1) / 10);
    buf[6] = (char) ('0' + (tm.tm_mon + 1) % 10);
    buf[7] = '-';
    buf[8] = (char) ('0' + tm.tm_mday / 10);
    buf[9] = (char) ('0' + tm.tm_mday % 10);
    buf[10] = 0;
    return (buf);
}

/* time_now - the system's wall clock; no environment variable changes it */
time_t  time_now(void)
{
    return (time(NULL));
}

/* time_monotonic_ms - CLOCK_MONOTONIC in milliseconds */
long long time_monotonic_ms(void)
{
    struct timespec ts;

    if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
	log_fatal("clock_gettime: %s", strerror(errno));
    return ((long long) ts.tv_sec * 1000 + ts.tv_nsec / 1000000);
}
