/*
 * cert - what certpolicy needs to know about one certificate
 *
 * The file is read into memory first (at most max_size bytes), so that a
 * huge or endless file (a FIFO, /dev/zero) is refused rather than read.
 * Which certificate the file stands for is certfile's business.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <stdlib.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cert/asn1time.h"
#include "cert/cert.h"
#include "cert/certfile.h"
#include "util/file_read.h"
#include "util/log.h"
#include "cert/log_ssl.h"
#include "util/mem.h"

/* cert_fingerprints - every digest of the certificate and of its key */
static int cert_fingerprints(struct cert *cert, X509 *x509)
{
    unsigned char *spki = NULL;
    int     spki_len;
    int     i;

    if ((spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x509), &spki)) <= 0)
	return (-1);
    for (i = 0; i < FPRINT_DIGEST_COUNT; i++) {
	const EVP_MD *md = EVP_get_digestbyname(fprint_digest_name(i));
	unsigned int len;

	if (md == NULL
	    || !X509_digest(x509, md, cert->cert_fp[i].bytes, &len)
	    || len != fprint_digest_size(i)
	    || !EVP_Digest(spki, (size_t) spki_len, cert->pubkey_fp[i].bytes,
			   &len, md, NULL)
	    || len != fprint_digest_size(i)) {
	    OPENSSL_free(spki);
	    return (-1);
	}
	cert->cert_fp[i].digest = cert->pubkey_fp[i].digest = i;
	cert->cert_fp[i].len = cert->pubkey_fp[i].len = (unsigned char) len;
    }
    OPENSSL_free(spki);
    return (0);
}

/* cert_name - an X509_NAME as one RFC 2253 line */
static char *cert_name(const X509_NAME *name)
{
    BIO    *bio = BIO_new(BIO_s_mem());
    char   *text;
    long    len;
    char   *data;

    if (bio == NULL || X509_NAME_print_ex(bio, name, 0, XN_FLAG_RFC2253) < 0)
	log_fatal("cannot format a certificate name");
    len = BIO_get_mem_data(bio, &data);
    text = mem_strndup(data, (size_t) len);
    BIO_free(bio);
    return (text);
}

/* cert_time - ASN1_TIME to time_t */
static int cert_time(const ASN1_TIME *asn1, time_t *when)
{
    long long secs;

    if (asn1time_get(asn1, &secs) < 0)
	return (-1);
    *when = (time_t) secs;
    return (0);
}

/* cert_add_url - append to a NULL-terminated list */
static char **cert_add_url(char **list, const char *url, size_t len)
{
    size_t  n = 0;

    while (list && list[n])
	n++;
    list = mem_realloc(list, n + 2, sizeof(*list));
    list[n] = mem_strndup(url, len);
    list[n + 1] = NULL;
    return (list);
}

/* cert_urls - CRL distribution points and OCSP responders */
static void cert_urls(struct cert *cert, X509 *x509)
{
    STACK_OF(DIST_POINT) *dps;
    STACK_OF(OPENSSL_STRING) *ocsp;
    int     i, j;

    dps = X509_get_ext_d2i(x509, NID_crl_distribution_points, NULL, NULL);
    for (i = 0; i < sk_DIST_POINT_num(dps); i++) {
	DIST_POINT *dp = sk_DIST_POINT_value(dps, i);

	if (dp->distpoint == NULL || dp->distpoint->type != 0)
	    continue;
	for (j = 0; j < sk_GENERAL_NAME_num(dp->distpoint->name.fullname); j++) {
	    GENERAL_NAME *gn = sk_GENERAL_NAME_value(dp->distpoint->name.fullname, j);

	    if (gn->type == GEN_URI)
		cert->crl_urls = cert_add_url(cert->crl_urls,
				  (const char *) ASN1_STRING_get0_data(gn->d.ia5),
					      (size_t) ASN1_STRING_length(gn->d.ia5));
	}
    }
    CRL_DIST_POINTS_free(dps);
    ocsp = X509_get1_ocsp(x509);
    for (i = 0; i < sk_OPENSSL_STRING_num(ocsp); i++) {
	const char *url = sk_OPENSSL_STRING_value(ocsp, i);

	cert->ocsp_urls = cert_add_url(cert->ocsp_urls, url, strlen(url));
    }
    X509_email_free(ocsp);
    ERR_clear_error();
}

/* cert_load - read the certificate that path stands for */
struct cert *cert_load(const char *path, size_t max_size, int max_chain,
		               const char *password, char *why, size_t why_len)
{
    unsigned char *data;
    size_t  len;
    struct cert *cert;

    if ((data = (unsigned char *) file_read_all(path, max_size, "max_cert_size",
						&len, why, why_len)) == NULL)
	return (NULL);
    cert = cert_parse(data, len, max_chain, password, why, why_len);
    free(data);
    return (cert);
}

/* cert_parse - the certificate that a file's content stands for */
struct cert *cert_parse(const unsigned char *data, size_t len, int max_chain,
			        const char *password, char *why, size_t why_len)
{
    X509   *x509;
    struct cert *cert;
    BIGNUM *bn;
    char   *hex;
    char    reason[512];

    if ((x509 = certfile_parse(data, len, password, max_chain, why, why_len)) == NULL)
	return (NULL);

    cert = mem_calloc(1, sizeof(*cert));
    if (cert_fingerprints(cert, x509) < 0
	|| cert_time(X509_get0_notBefore(x509), &cert->not_before) < 0
	|| cert_time(X509_get0_notAfter(x509), &cert->not_after) < 0
	|| (bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(x509), NULL)) == NULL) {
	snprintf(why, why_len, "malformed certificate: %s",
		 log_ssl_reason(reason, sizeof(reason)));
	X509_free(x509);
	cert_free(cert);
	return (NULL);
    }
    if ((hex = BN_bn2hex(bn)) == NULL)
	log_fatal("out of memory");
    cert->serial = mem_strdup(hex);
    OPENSSL_free(hex);
    BN_free(bn);
    cert->issuer = cert_name(X509_get_issuer_name(x509));
    cert->subject = cert_name(X509_get_subject_name(x509));
    cert_urls(cert, x509);
    cert->is_ca = certfile_is_ca(x509);
    cert->ca_kind = certfile_ca_kind(x509);
    cert->x509 = x509;
    return (cert);
}

/* cert_free_list - release a NULL-terminated list */
static void cert_free_list(char **list)
{
    size_t  n;

    for (n = 0; list && list[n]; n++)
	free(list[n]);
    free(list);
}

/* cert_free - release a cert */
void    cert_free(struct cert *cert)
{
    if (cert == NULL)
	return;
    X509_free(cert->x509);
    free(cert->serial);
    free(cert->issuer);
    free(cert->subject);
    cert_free_list(cert->crl_urls);
    cert_free_list(cert->ocsp_urls);
    free(cert);
}
