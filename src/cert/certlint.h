/*
 * certlint - a server's certificate chain judged as mail clients judge it
 *
 * The checks "certpolicy lint" makes on a chain as a server presents it
 * (leaf first), with the rules' sources:
 *
 *   Apple, "Requirements for trusted certificates in iOS 13 and macOS
 *   10.15" (HT210176): the host name in subjectAltName (the CN is
 *   ignored), extendedKeyUsage with id-kp-serverAuth, SHA-2 signatures,
 *   RSA keys of 2048 bits or more, at most 825 days of validity for
 *   certificates issued on or after 2019-07-01;
 *   CA/Browser Forum Baseline Requirements (ballot SC31): at most 398 days
 *   for certificates from publicly trusted CAs issued on or after
 *   2020-09-01;
 *   RFC 5280: validity (4.1.2.5), subjectAltName (4.2.1.6),
 *   extendedKeyUsage (4.2.1.12), path building (6.1);
 *   RFC 5246, 7.4.2: the server sends its chain leaf first, each
 *   certificate certifying the one before it.
 *
 * The chain checks (order, completeness, trust, cross-signs) are in
 * chainlint; this module checks each certificate and the leaf. Findings
 * go into a lint_report; nothing is printed.
 */
#ifndef CERTPOLICY_CERTLINT_H
#define CERTPOLICY_CERTLINT_H

#include <stddef.h>
#include <time.h>

#include "cert/lintreport.h"

struct x509_st;
struct stack_st_X509;
struct evp_pkey_st;
struct x509_store_st;

/* Apple HT210176: rules for certificates issued on or after this date */
#define CERTLINT_APPLE_SINCE	1561939200	/* 2019-07-01T00:00:00Z */
#define CERTLINT_APPLE_MAX_DAYS	825
/* CA/Browser Forum, ballot SC31: publicly trusted CAs, issued since */
#define CERTLINT_CABF_SINCE	1598918400	/* 2020-09-01T00:00:00Z */
#define CERTLINT_CABF_MAX_DAYS	398
#define CERTLINT_MIN_RSA_BITS	2048		/* Apple HT210176 */

struct certlint_input {
    struct stack_st_X509 *chain;	/* as served: the leaf first */
    struct evp_pkey_st *key;		/* the leaf's private key, or NULL */
    const char *const *names;		/* host names clients use (--name) */
    size_t  nnames;
    long long days;			/* "expiring" within this many days */
    time_t  now;
    struct x509_store_st *system;	/* the system's trust roots */
    struct x509_store_st *trust;	/* those and the site's own (--trust) */
};

/*
 * certlint_run - every check of certlint and chainlint on in->chain (at
 * least one certificate), findings added to report. The ids and their
 * severities are those of certpolicy(8).
 */
void    certlint_run(const struct certlint_input *in, struct lint_report *report);

/*
 * certlint_time - an X.509 time (ASN1_TIME) as seconds since the epoch,
 * UTC; 0 when it cannot be read
 */
time_t  certlint_time(const void *asn1_time);

/* certlint_key_text - "RSA 2048", "EC P-256", "Ed25519" ... into buf */
const char *certlint_key_text(struct x509_st *x509, char *buf, size_t len);

/* certlint_name_text - a name (X509_NAME) in RFC 2253 form into buf */
const char *certlint_name_text(const void *x509_name, char *buf, size_t len);

/* certlint_signature_text - "sha256WithRSAEncryption" ... */
const char *certlint_signature_text(struct x509_st *x509);

/* certlint_self_signed - 1 when x509's own key verifies it, else 0 */
int     certlint_self_signed(struct x509_st *x509);

#endif
