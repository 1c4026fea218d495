/*
 * asn1time - an ASN1_TIME as seconds
 */
#include "config.h"

#include <time.h>

#include "cert/asn1time.h"
#include "util/timeutil.h"

/* asn1time_get - t as seconds since the epoch */
int     asn1time_get(const ASN1_TIME *t, long long *secs)
{
    struct tm tm;

    if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
	return (-1);
    *secs = (long long) time_from_utc_tm(&tm);
    return (0);
}

/* asn1time_seconds - t as seconds, or -1 */
long long asn1time_seconds(const ASN1_TIME *t)
{
    long long secs;

    return (asn1time_get(t, &secs) < 0 ? -1 : secs);
}
