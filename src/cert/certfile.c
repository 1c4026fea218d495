/*
 * certfile - the certificate a file stands for, in the forms administrators have
 *
 * Every certificate of the file is collected into one stack first, whatever
 * the form; the choice of the end-entity certificate is then the same for
 * PEM, DER and PKCS#7. The "who issued whom" comparison is quadratic, so
 * the number of certificates is bounded (max_chain_certs) and each pair
 * is compared by the cheap tests first (CA flag, names, key identifiers);
 * a signature is checked only for a pair that passes them.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/pkcs7.h>
#include <openssl/provider.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cert/certfile.h"
#include "util/log.h"
#include "cert/log_ssl.h"
#include "util/mem.h"

#define CERTFILE_BOM "\xEF\xBB\xBF"		/* UTF-8 byte order mark */
#define CERTFILE_BOM_LEN 3
#define CERTFILE_REASON 512
#define CERTFILE_DER_SEQUENCE 0x30		/* how DER X.509, PKCS#7, PKCS#12 start */

static CRYPTO_ONCE certfile_once = CRYPTO_ONCE_STATIC_INIT;
static char certfile_legacy_why[CERTFILE_REASON];	/* "" when loaded */

static OSSL_PROVIDER *certfile_default, *certfile_legacy;

/* certfile_unload - the providers loaded, unloaded at exit */
static void certfile_unload(void)
{
    if (certfile_legacy != NULL)
	OSSL_PROVIDER_unload(certfile_legacy);
    if (certfile_default != NULL)
	OSSL_PROVIDER_unload(certfile_default);
    certfile_legacy = certfile_default = NULL;
}

/* certfile_providers - default and legacy, once (PKCS#12 RC2-40 and 3DES) */
static void certfile_providers(void)
{
    char    reason[CERTFILE_REASON];

    if ((certfile_default = OSSL_PROVIDER_load(NULL, "default")) == NULL)
	log_fatal("cannot load OpenSSL's default provider: %s",
		  log_ssl_reason(reason, sizeof(reason)));
    if ((certfile_legacy = OSSL_PROVIDER_load(NULL, "legacy")) == NULL)
	snprintf(certfile_legacy_why, sizeof(certfile_legacy_why), "%s",
		 *log_ssl_reason(reason, sizeof(reason)) ? reason : "not found");
    (void) atexit(certfile_unload);
}

/* certfile_push - add x509 (owned) to certs */
static void certfile_push(STACK_OF(X509) *certs, X509 *x509)
{
    if (!sk_X509_push(certs, x509))
	log_fatal("out of memory");
}

/* certfile_pkcs7 - the certificates of a PKCS#7 SignedData; 0 or -1 */
static int certfile_pkcs7(PKCS7 *p7, STACK_OF(X509) *certs)
{
    STACK_OF(X509) *in;
    int     i;

    if (!PKCS7_type_is_signed(p7) || p7->d.sign == NULL || (in = p7->d.sign->cert) == NULL)
	return (-1);
    for (i = 0; i < sk_X509_num(in); i++) {
	X509   *x509 = sk_X509_value(in, i);

	if (!X509_up_ref(x509))
	    log_fatal("out of memory");
	certfile_push(certs, x509);
    }
    return (0);
}

/* certfile_pem_pkcs7 - the certificates of a block's PKCS#7; 1, 0 (no PKCS#7) or -1 */
static int certfile_pem_pkcs7(int index, const char *name, const unsigned char *der, long len,
			              STACK_OF(X509) *certs, char *why, size_t why_len)
{
    const unsigned char *p = der;
    PKCS7  *p7;
    int     ret;

    if ((p7 = d2i_PKCS7(NULL, &p, len)) == NULL)
	return (0);
    ret = certfile_pkcs7(p7, certs);
    PKCS7_free(p7);
    if (ret < 0)
	snprintf(why, why_len, "PEM block %d (%s) holds no certificates", index, name);
    return (ret < 0 ? -1 : 1);
}

/*
 * certfile_pem_block - block number index's certificates; 0, or -1 with
 * why. A CERTIFICATE block that is a PKCS#7 SignedData is one too: it is
 * what Windows writes for a "certificate chain, Base 64" (.p7b) export.
 */
static int certfile_pem_block(int index, const char *name, const unsigned char *der, long len,
			              STACK_OF(X509) *certs, char *why, size_t why_len)
{
    const unsigned char *p = der;
    char    reason[CERTFILE_REASON];
    X509   *x509 = NULL;
    int     ret;

    if (strcmp(name, PEM_STRING_X509) == 0 || strcmp(name, PEM_STRING_X509_OLD) == 0) {
	if ((x509 = d2i_X509(NULL, &p, len)) == NULL) {
	    ERR_set_mark();			/* keep d2i_X509's reason only */
	    ret = certfile_pem_pkcs7(index, name, der, len, certs, why, why_len);
	    ERR_pop_to_mark();
	    if (ret != 0) {
		ERR_clear_error();
		return (ret < 0 ? -1 : 0);
	    }
	}
    } else if (strcmp(name, PEM_STRING_X509_TRUSTED) == 0) {
	x509 = d2i_X509_AUX(NULL, &p, len);
    } else if (strcmp(name, PEM_STRING_PKCS7) != 0 && strcmp(name, PEM_STRING_PKCS7_SIGNED) != 0
	       && strcmp(name, PEM_STRING_CMS) != 0) {
	return (0);				/* a key, parameters: not ours */
    } else if ((ret = certfile_pem_pkcs7(index, name, der, len, certs, why, why_len)) != 0) {
	return (ret < 0 ? -1 : 0);
    }
    if (x509 == NULL) {
	snprintf(why, why_len, "bad PEM %s block (block %d): %s", name, index,
		 log_ssl_reason(reason, sizeof(reason)));
	return (-1);
    }
    certfile_push(certs, x509);
    return (0);
}

/* certfile_pem_label - the label of the first BEGIN line in data[len] */
static void certfile_pem_label(const unsigned char *data, size_t len, char *buf, size_t size)
{
    const char *begin = memmem(data, len, "-----BEGIN ", 11);
    size_t  n = 0;

    if (begin != NULL) {
	begin += 11;
	while (begin + n < (const char *) data + len && n + 1 < size && begin[n] != '-'
	       && (unsigned char) begin[n] >= 0x20 && (unsigned char) begin[n] < 0x7f)
	    n++;
    }
    snprintf(buf, size, "%.*s", (int) n, n ? begin : "no label");
}

/*
 * certfile_pem - every certificate in the PEM blocks of data; 0 or -1.
 * The blocks end where PEM_read_bio() finds no further BEGIN line
 * (PEM_R_NO_START_LINE); any other failure is a corrupt or truncated
 * block, named by its number and label, never the silent end of the file.
 */
static int certfile_pem(const unsigned char *data, size_t len, STACK_OF(X509) *certs,
			        char *why, size_t why_len)
{
    char   *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    char    reason[CERTFILE_REASON], label[80];
    long    der_len;
    size_t  at;
    unsigned long err;
    int     ret = 0, index = 0;
    BIO    *bio;

    if ((bio = BIO_new_mem_buf(data, (int) len)) == NULL)
	log_fatal("out of memory");
    while (ret == 0) {
	at = len - (size_t) BIO_pending(bio);
	if (!PEM_read_bio(bio, &name, &header, &der, &der_len)) {
	    err = ERR_peek_last_error();
	    if (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE) {
		ERR_clear_error();		/* the end of the blocks */
		if (memmem(data + at, len - at, "-----BEGIN", 10) == NULL)
		    break;
		certfile_pem_label(data + at, len - at, label, sizeof(label));
		snprintf(why, why_len, "PEM block %d (%s): its BEGIN line is damaged or does "
			 "not start a line (indented text, or lines ended by CR alone)",
			 index + 1, label);
		ret = -1;
		break;
	    }
	    certfile_pem_label(data + at, len - at, label, sizeof(label));
	    snprintf(why, why_len, "PEM block %d (%s) is corrupt or truncated: %s",
		     index + 1, label, log_ssl_reason(reason, sizeof(reason)));
	    ret = -1;
	    break;
	}
	ret = certfile_pem_block(++index, name, der, der_len, certs, why, why_len);
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
    }
    BIO_free(bio);
    if (ret == 0 && sk_X509_num(certs) == 0) {
	snprintf(why, why_len, "no certificate in the PEM file (no CERTIFICATE or PKCS7 block)");
	ret = -1;
    }
    return (ret);
}

/* certfile_pkcs12 - the certificate of the private key; 0 or -1 */
static int certfile_pkcs12(PKCS12 *p12, const char *password, STACK_OF(X509) *certs,
			           char *why, size_t why_len)
{
    const char *pass = password ? password : "";
    char    reason[CERTFILE_REASON];
    STACK_OF(X509) *ca = NULL;
    EVP_PKEY *key = NULL;
    X509   *x509 = NULL;

    CRYPTO_THREAD_run_once(&certfile_once, certfile_providers);
    if (PKCS12_mac_present(p12) && !PKCS12_verify_mac(p12, pass, -1)) {
	if (password != NULL || !PKCS12_verify_mac(p12, NULL, 0)) {
	    log_ssl_reason(reason, sizeof(reason));
	    snprintf(why, why_len, "%s: %s", password ? "cannot open the PKCS#12 file with "
		     "that password" : CERTFILE_NO_PASSWORD, *reason ? reason : "mac verify failure");
	    return (-1);
	}
	pass = NULL;
    }
    if (!PKCS12_parse(p12, pass, &key, &x509, &ca)) {
	log_ssl_reason(reason, sizeof(reason));
	if (*certfile_legacy_why)
	    snprintf(why, why_len, "cannot decrypt the PKCS#12 file: OpenSSL's legacy provider, "
		     "needed for the RC2 and 3DES encryption of older exports, cannot be "
		     "loaded (%s): %s", certfile_legacy_why, reason);
	else
	    snprintf(why, why_len, "cannot decrypt the PKCS#12 file: %s", reason);
	return (-1);
    }
    EVP_PKEY_free(key);
    if (x509 != NULL) {
	certfile_push(certs, x509);
	sk_X509_pop_free(ca, X509_free);
	return (0);
    }
    while (sk_X509_num(ca) > 0)
	certfile_push(certs, sk_X509_shift(ca));
    sk_X509_free(ca);
    if (sk_X509_num(certs) > 0)
	return (0);
    snprintf(why, why_len, "the PKCS#12 file holds no certificate");
    return (-1);
}

/* certfile_der - one certificate, PKCS#7 or PKCS#12; 0 or -1 */
static int certfile_der(const unsigned char *data, size_t len, const char *password,
			        STACK_OF(X509) *certs, char *why, size_t why_len)
{
    const unsigned char *p = data;
    X509   *x509;
    PKCS7  *p7;
    PKCS12 *p12;
    int     ret;

    if ((x509 = d2i_X509(NULL, &p, (long) len)) != NULL) {
	if (p != data + len) {
	    X509_free(x509);
	    snprintf(why, why_len, "trailing data after the DER certificate");
	    return (-1);
	}
	certfile_push(certs, x509);
	return (0);
    }
    ERR_clear_error();
    p = data;
    if ((p7 = d2i_PKCS7(NULL, &p, (long) len)) != NULL) {
	ret = certfile_pkcs7(p7, certs);
	PKCS7_free(p7);
	if (ret < 0)
	    snprintf(why, why_len, "the PKCS#7 file holds no certificates");
	return (ret);
    }
    ERR_clear_error();
    p = data;
    if ((p12 = d2i_PKCS12(NULL, &p, (long) len)) != NULL) {
	ret = certfile_pkcs12(p12, password, certs, why, why_len);
	PKCS12_free(p12);
	return (ret);
    }
    ERR_clear_error();
    snprintf(why, why_len, "not a certificate (neither PEM, DER, PKCS#7 nor PKCS#12)");
    return (-1);
}

/*
 * certfile_issued - issuer is a CA (X509_check_ca(), basicConstraints
 * CA:TRUE, keyCertSign or a self-signed version 1 certificate: RFC 5280,
 * 4.2.1.9 and 6.1.4 (k)), its subject is subject's issuer and the key
 * identifiers agree (X509_check_issued(), which ignores basicConstraints),
 * and, last because dearest, its key verifies subject's signature.
 */
int     certfile_issued(X509 *issuer, X509 *subject)
{
    EVP_PKEY *key;
    int     ok;

    if (X509_check_ca(issuer) <= 0 || X509_cmp(issuer, subject) == 0
	|| X509_check_issued(issuer, subject) != X509_V_OK)
	return (0);
    ok = (key = X509_get0_pubkey(issuer)) != NULL && X509_verify(subject, key) > 0;
    ERR_clear_error();
    return (ok);
}

/* certfile_is_ca - a CA as X509_check_ca() has it (v1 self-signed too) */
int     certfile_is_ca(X509 *x509)
{
    return (X509_check_ca(x509) != 0);
}

/* certfile_ca_kind - what makes x509 a CA, in words; NULL for none */
const char *certfile_ca_kind(X509 *x509)
{
    switch (X509_check_ca(x509)) {
    case 0:
	return (NULL);
    case 1:
	return ("basicConstraints CA:TRUE");
    case 3:
	return ("a self-signed version 1 certificate, which OpenSSL takes for a CA");
    case 4:
	return ("keyUsage keyCertSign");
    default:
	return ("Netscape certificate type of a CA");
    }
}

/* certfile_subjects - "S1", "S2", ... (RFC 2253) of the chosen certificates */
static void certfile_subjects(STACK_OF(X509) *certs, const int *chosen, char *buf, size_t len)
{
    BIO    *bio;
    char   *text;
    long    n;
    int     i, first = 1;

    if ((bio = BIO_new(BIO_s_mem())) == NULL)
	log_fatal("out of memory");
    for (i = 0; i < sk_X509_num(certs); i++) {
	if (!chosen[i])
	    continue;
	BIO_printf(bio, "%s\"", first ? "" : ", ");
	X509_NAME_print_ex(bio, X509_get_subject_name(sk_X509_value(certs, i)), 0,
			   XN_FLAG_RFC2253);
	BIO_printf(bio, "\"");
	first = 0;
    }
    n = BIO_get_mem_data(bio, &text);
    snprintf(buf, len, "%.*s", (int) n, text);
    BIO_free(bio);
}

/* certfile_pick - the end-entity certificate of certs; NULL with why */
static X509 *certfile_pick(STACK_OF(X509) *certs, int max_chain, char *why, size_t why_len)
{
    int     n = sk_X509_num(certs);
    int    *leaf, i, j, leaves = 0, plain = 0, pick = -1;
    char    names[1024];
    X509   *x509 = NULL;

    if (n == 0) {
	snprintf(why, why_len, "the file holds no certificate");
	return (NULL);
    }
    if (n > max_chain) {
	snprintf(why, why_len, "holds %d certificates, more than max_chain_certs (%d)", n,
		 max_chain);
	return (NULL);
    }
    leaf = mem_calloc((size_t) n, sizeof(*leaf));
    for (i = 0; i < n; i++) {
	X509   *x509 = sk_X509_value(certs, i);

	for (leaf[i] = 1, j = 0; j < n && leaf[i]; j++)
	    if (certfile_issued(x509, sk_X509_value(certs, j))
		|| (j < i && X509_cmp(x509, sk_X509_value(certs, j)) == 0))
		leaf[i] = 0;			/* an issuer, or a copy */
	leaves += leaf[i];
	plain += leaf[i] && !certfile_is_ca(x509);
    }
    for (i = 0; i < n; i++) {
	if (leaf[i] && plain > 0 && certfile_is_ca(sk_X509_value(certs, i)))
	    leaf[i] = 0;			/* a CA gives way to a client */
	else if (leaf[i])
	    pick = i;
    }
    if (plain > 1 || (plain == 0 && leaves > 1)) {
	certfile_subjects(certs, leaf, names, sizeof(names));
	snprintf(why, why_len, "holds %d unrelated end-entity certificates (%s): "
		 "put each in a file of its own", plain ? plain : leaves, names);
    } else if (pick < 0) {
	snprintf(why, why_len, "no end-entity certificate: the certificates issued each other");
    } else if (!X509_up_ref(x509 = sk_X509_value(certs, pick))) {
	log_fatal("out of memory");
    }
    free(leaf);
    return (x509);
}

/* certfile_parse_all - every certificate of data[len], in the file's order */
STACK_OF(X509) *certfile_parse_all(const unsigned char *data, size_t len, const char *password,
				           int max_chain, char *why, size_t why_len)
{
    STACK_OF(X509) *certs;
    int     ret;

    if ((certs = sk_X509_new_null()) == NULL)
	log_fatal("out of memory");
    if (len >= CERTFILE_BOM_LEN && memcmp(data, CERTFILE_BOM, CERTFILE_BOM_LEN) == 0) {
	data += CERTFILE_BOM_LEN;
	len -= CERTFILE_BOM_LEN;
    }
    if (len > 0 && data[0] == CERTFILE_DER_SEQUENCE) {
	ret = certfile_der(data, len, password, certs, why, why_len);
	if (ret < 0 && memmem(data, len, "-----BEGIN", 10) != NULL) {
	    char    der_why[CERTFILE_REASON];

	    snprintf(der_why, sizeof(der_why), "%s", why);
	    sk_X509_pop_free(certs, X509_free);
	    if ((certs = sk_X509_new_null()) == NULL)
		log_fatal("out of memory");
	    if ((ret = certfile_pem(data, len, certs, why, why_len)) < 0)
		snprintf(why, why_len, "%s", der_why);
	}
    } else if (len > 0 && memmem(data, len, "-----BEGIN", 10) != NULL) {
	ret = certfile_pem(data, len, certs, why, why_len);
    } else {
	ret = certfile_der(data, len, password, certs, why, why_len);
    }
    if (ret == 0 && sk_X509_num(certs) > max_chain) {
	snprintf(why, why_len, "holds %d certificates, more than max_chain_certs (%d)",
		 sk_X509_num(certs), max_chain);
	ret = -1;
    }
    if (ret < 0) {
	sk_X509_pop_free(certs, X509_free);
	return (NULL);
    }
    return (certs);
}

/* certfile_parse - the certificate that data[len] stands for */
X509   *certfile_parse(const unsigned char *data, size_t len, const char *password,
			       int max_chain, char *why, size_t why_len)
{
    STACK_OF(X509) *certs;
    X509   *x509;

    if ((certs = certfile_parse_all(data, len, password, max_chain, why, why_len)) == NULL)
	return (NULL);
    x509 = certfile_pick(certs, max_chain, why, why_len);
    sk_X509_pop_free(certs, X509_free);
    return (x509);
}
