/*
 * certlint - a server's certificate chain judged as mail clients judge it
 *
 * Each certificate of the file is checked (dates, key, signature); the
 * leaf also for what clients ask of a server certificate (names, usage,
 * lifetime, its private key). Times are compared in seconds since the
 * epoch, UTC, against in->now, so the tests can move the clock.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cert/certlint.h"
#include "cert/chainlint.h"
#include "util/log.h"
#include "util/timeutil.h"

#define DAY 86400

/* certlint_time - an ASN1_TIME in seconds since the epoch; 0 if unreadable */
time_t  certlint_time(const void *asn1_time)
{
    struct tm tm;

    if (asn1_time == NULL || !ASN1_TIME_to_tm(asn1_time, &tm)) {
	ERR_clear_error();
	return (0);
    }
    return (time_from_utc_tm(&tm));
}

/* certlint_name_text - RFC 2253 text of a name */
const char *certlint_name_text(const void *x509_name, char *buf, size_t len)
{
    BIO    *bio;
    char   *text;
    long    n;

    if ((bio = BIO_new(BIO_s_mem())) == NULL)
	log_fatal("out of memory");
    X509_NAME_print_ex(bio, x509_name, 0, XN_FLAG_RFC2253);
    n = BIO_get_mem_data(bio, &text);
    snprintf(buf, len, "%.*s", (int) n, text);
    BIO_free(bio);
    return (buf);
}

/* certlint_curve - the NIST name of an EC key's curve, else its own name */
static const char *certlint_curve(EVP_PKEY *key, char *buf, size_t len, int *nid)
{
    const char *nist;

    *nid = NID_undef;
    if (!EVP_PKEY_get_group_name(key, buf, len, NULL)) {
	ERR_clear_error();
	snprintf(buf, len, "unknown curve");
	return (buf);
    }
    if ((*nid = OBJ_sn2nid(buf)) == NID_undef)
	*nid = EC_curve_nist2nid(buf);
    if (*nid != NID_undef && (nist = EC_curve_nid2nist(*nid)) != NULL)
	snprintf(buf, len, "%s", nist);
    return (buf);
}

/* certlint_key_text - the key's type and size */
const char *certlint_key_text(X509 *x509, char *buf, size_t len)
{
    EVP_PKEY *key = X509_get0_pubkey(x509);
    char    curve[64];
    int     nid;

    if (key == NULL) {
	ERR_clear_error();
	snprintf(buf, len, "unreadable key");
    } else if (EVP_PKEY_is_a(key, "EC")) {
	snprintf(buf, len, "EC %s", certlint_curve(key, curve, sizeof(curve), &nid));
    } else if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "DSA")
	       || EVP_PKEY_is_a(key, "RSA-PSS")) {
	snprintf(buf, len, "%s %d", EVP_PKEY_get0_type_name(key), EVP_PKEY_get_bits(key));
    } else {
	snprintf(buf, len, "%s", EVP_PKEY_get0_type_name(key));
    }
    return (buf);
}

/* certlint_signature_text - the signature algorithm's name */
const char *certlint_signature_text(X509 *x509)
{
    const char *name = OBJ_nid2ln(X509_get_signature_nid(x509));

    return (name ? name : "unknown");
}

/* certlint_self_signed - x509's own key verifies its signature */
int     certlint_self_signed(X509 *x509)
{
    EVP_PKEY *key = X509_get0_pubkey(x509);
    int     ok;

    ok = key != NULL && X509_check_issued(x509, x509) == X509_V_OK && X509_verify(x509, key) > 0;
    ERR_clear_error();
    return (ok);
}

/* certlint_dates - expired, not-yet-valid, expiring */
static void certlint_dates(const struct certlint_input *in, X509 *x509, int depth,
			           struct lint_report *report)
{
    time_t  not_before = certlint_time(X509_get0_notBefore(x509));
    time_t  not_after = certlint_time(X509_get0_notAfter(x509));
    char    date[11], subject[256];

    certlint_name_text(X509_get_subject_name(x509), subject, sizeof(subject));
    if (not_after < in->now)
	lint_report_add(report, "expired", LINT_ERROR, depth, "\"%s\" expired on %s: %s",
			subject, time_format_date(not_after, date), depth == 0 ?
			"install a renewed certificate" : "replace it with the issuer's current "
			"certificate (the CA publishes it), or drop it from the chain");
    else if (not_after <= in->now + (time_t) in->days * DAY)
	lint_report_add(report, "expiring", LINT_WARNING, depth,
			"\"%s\" expires on %s, within %lld days: renew it", subject,
			time_format_date(not_after, date), in->days);
    if (not_before > in->now)
	lint_report_add(report, "not-yet-valid", LINT_ERROR, depth,
			"\"%s\" is valid only from %s: check the clock of the machine that "
			"issued it, or wait before installing it", subject,
			time_format_date(not_before, date));
}

/* certlint_key - RSA below 2048 bits, EC curves other than P-256 and P-384 */
static void certlint_key(X509 *x509, int depth, struct lint_report *report)
{
    EVP_PKEY *key = X509_get0_pubkey(x509);
    char    curve[64];
    int     nid;

    if (key == NULL) {
	ERR_clear_error();
	lint_report_add(report, "weak-key", LINT_ERROR, depth, "the public key cannot be read: "
			"issue a certificate with an RSA (2048 bits or more) or P-256 key");
    } else if ((EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS"))
	       && EVP_PKEY_get_bits(key) < CERTLINT_MIN_RSA_BITS) {
	lint_report_add(report, "weak-key", LINT_ERROR, depth, "RSA key of %d bits: clients "
			"(Apple since iOS 13, OpenSSL at security level 2) refuse keys below %d "
			"bits: issue a certificate with a new key of 2048 bits or more",
			EVP_PKEY_get_bits(key), CERTLINT_MIN_RSA_BITS);
    } else if (EVP_PKEY_is_a(key, "EC")) {
	certlint_curve(key, curve, sizeof(curve), &nid);
	if (nid != NID_X9_62_prime256v1 && nid != NID_secp384r1)
	    lint_report_add(report, "weak-key", LINT_ERROR, depth, "EC key on curve %s: "
			    "mail clients support P-256 and P-384: issue a certificate with a "
			    "key on one of them", curve);
    } else if (EVP_PKEY_is_a(key, "DSA")) {
	lint_report_add(report, "weak-key", LINT_ERROR, depth, "DSA key: TLS clients no "
			"longer accept DSA: issue a certificate with an RSA or P-256 key");
    }
}

/* certlint_signature - SHA-1 and MD5 signatures, but on self-signed roots */
static void certlint_signature(X509 *x509, int depth, struct lint_report *report)
{
    int     md = NID_undef, pk = NID_undef;

    if (certlint_self_signed(x509))
	return;					/* nobody checks a root's own signature */
    if (!OBJ_find_sigid_algs(X509_get_signature_nid(x509), &md, &pk))
	return;
    if (md == NID_sha1 || md == NID_md5 || md == NID_md4 || md == NID_md2
	|| md == NID_md5_sha1 || md == NID_mdc2)
	lint_report_add(report, "weak-signature", LINT_ERROR, depth, "signed with %s (%s): "
			"clients refuse SHA-1 and MD5 signatures (Apple since iOS 13): have "
			"it issued again with SHA-256", OBJ_nid2sn(md),
			certlint_signature_text(x509));
}

/* certlint_cn_matches - name is in the subject's CN (which Apple ignores) */
static int certlint_cn_matches(X509 *x509, const char *name)
{
    int     ret = X509_check_host(x509, name, 0, X509_CHECK_FLAG_ALWAYS_CHECK_SUBJECT, NULL);

    ERR_clear_error();
    return (ret == 1);
}

/* certlint_names - no-san, name-mismatch */
static void certlint_names(const struct certlint_input *in, X509 *leaf, int depth,
			           struct lint_report *report)
{
    GENERAL_NAMES *san = X509_get_ext_d2i(leaf, NID_subject_alt_name, NULL, NULL);
    int     usable = 0, i, ret;
    size_t  n;

    for (i = 0; san != NULL && i < sk_GENERAL_NAME_num(san); i++) {
	int     type = sk_GENERAL_NAME_value(san, i)->type;

	usable += type == GEN_DNS || type == GEN_IPADD;
    }
    GENERAL_NAMES_free(san);
    ERR_clear_error();
    if (!usable)
	lint_report_add(report, "no-san", LINT_ERROR, depth, "no host name in subjectAltName: "
			"clients (Apple since iOS 13, browsers, many MTAs) ignore the CN: have "
			"the certificate issued again with subjectAltName DNS:%s",
			in->nnames ? in->names[0] : "<the host name clients use>");
    for (n = 0; n < in->nnames; n++) {
	if ((ret = X509_check_ip_asc(leaf, in->names[n], 0)) == -2 || ret < 0)
	    ret = X509_check_host(leaf, in->names[n], 0,
				  X509_CHECK_FLAG_NEVER_CHECK_SUBJECT
				  | X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS, NULL);
	ERR_clear_error();
	if (ret != 1)
	    lint_report_add(report, "name-mismatch", LINT_ERROR, depth, "%s is not in the "
			    "subjectAltName%s: add it (DNS:%s) when the certificate is issued "
			    "again, or have clients use a name that is there", in->names[n],
			    certlint_cn_matches(leaf, in->names[n]) ?
			    " (only in the CN, which clients ignore)" : "", in->names[n]);
    }
}

/* certlint_usage - id-kp-serverAuth, required by Apple since 2019-07-01 */
static void certlint_usage(X509 *leaf, int depth, struct lint_report *report)
{
    uint32_t flags = X509_get_extension_flags(leaf);
    time_t  not_before = certlint_time(X509_get0_notBefore(leaf));

    if ((flags & EXFLAG_XKUSAGE) != 0) {
	if ((X509_get_extended_key_usage(leaf) & XKU_SSL_SERVER) == 0)
	    lint_report_add(report, "no-serverauth", LINT_ERROR, depth, "extendedKeyUsage does not "
			    "allow a TLS server (id-kp-serverAuth): clients refuse it: have it "
			    "issued again with extendedKeyUsage serverAuth");
    } else if (not_before >= CERTLINT_APPLE_SINCE) {
	lint_report_add(report, "no-serverauth", LINT_ERROR, depth, "no extendedKeyUsage: Apple "
			"requires id-kp-serverAuth in certificates issued since 2019-07-01: "
			"have it issued again with extendedKeyUsage serverAuth");
    }
}

/* certlint_lifetime - 825 days (Apple), 398 days (public CAs) */
static void certlint_lifetime(X509 *leaf, int depth, int public, struct lint_report *report)
{
    time_t  not_before = certlint_time(X509_get0_notBefore(leaf));
    time_t  not_after = certlint_time(X509_get0_notAfter(leaf));
    long long days = ((long long) not_after - (long long) not_before + DAY - 1) / DAY;

    if (not_before >= CERTLINT_APPLE_SINCE
	&& (long long) not_after - not_before > (long long) CERTLINT_APPLE_MAX_DAYS * DAY)
	lint_report_add(report, "validity-too-long", LINT_ERROR, depth, "valid for %lld days: Apple "
			"refuses server certificates issued since 2019-07-01 that are valid for "
			"more than %d days: issue it again for %d days or less", days,
			CERTLINT_APPLE_MAX_DAYS, CERTLINT_CABF_MAX_DAYS);
    else if (public && not_before >= CERTLINT_CABF_SINCE
	     && (long long) not_after - not_before > (long long) CERTLINT_CABF_MAX_DAYS * DAY)
	lint_report_add(report, "validity-too-long", LINT_WARNING, depth, "valid for %lld days, "
			"issued under a publicly trusted root since 2020-09-01: clients "
			"refuse such certificates valid for more than %d days: issue it again "
			"for %d days or less", days, CERTLINT_CABF_MAX_DAYS, CERTLINT_CABF_MAX_DAYS);
}

/* certlint_key_match - the private key belongs to the leaf */
static void certlint_key_match(const struct certlint_input *in, X509 *leaf, int depth,
			               struct lint_report *report)
{
    if (in->key == NULL)
	return;
    if (X509_check_private_key(leaf, in->key) != 1)
	lint_report_add(report, "key-mismatch", LINT_ERROR, depth, "the private key is not the "
			"certificate's: the server cannot complete a handshake: install the key "
			"the certificate was issued for (a renewal makes a new key)");
    ERR_clear_error();
}

/* certlint_run - every check */
void    certlint_run(const struct certlint_input *in, struct lint_report *report)
{
    struct chainlint_result chain;
    X509   *leaf;
    int     i;

    chainlint_run(in, report, &chain);
    leaf = sk_X509_value(in->chain, chain.leaf);
    for (i = 0; i < sk_X509_num(in->chain); i++) {
	certlint_dates(in, sk_X509_value(in->chain, i), i, report);
	certlint_key(sk_X509_value(in->chain, i), i, report);
	certlint_signature(sk_X509_value(in->chain, i), i, report);
    }
    certlint_names(in, leaf, chain.leaf, report);
    certlint_usage(leaf, chain.leaf, report);
    certlint_lifetime(leaf, chain.leaf, chain.public, report);
    certlint_key_match(in, leaf, chain.leaf, report);
}
