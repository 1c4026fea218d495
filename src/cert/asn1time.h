/*
 * asn1time - an ASN1_TIME (UTCTime or GeneralizedTime) as seconds
 *
 * The one conversion of certificate, CRL and OCSP times, in UTC and
 * without the local time zone (timeutil).
 *
 * DIAGNOSTICS
 *	Nothing is printed: an absent or unreadable time is a return
 *	value, and the caller says what it was for.
 */
#ifndef CERTPOLICY_ASN1TIME_H
#define CERTPOLICY_ASN1TIME_H

#include <openssl/asn1.h>

/*
 * asn1time_get - t as seconds since the epoch (negative before 1970) in
 * *secs: 0, or -1 when t is NULL or not a valid time.
 */
int     asn1time_get(const ASN1_TIME *t, long long *secs);

/*
 * asn1time_seconds - t as seconds since the epoch, or -1 when t is NULL
 * or not a valid time (for optional fields such as nextUpdate).
 */
long long asn1time_seconds(const ASN1_TIME *t);

#endif
