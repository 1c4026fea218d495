/*
 * mkcerts - many client certificates, fast, for the compile benchmark
 *
 * mkcerts CA.pem CA.key N DIR   writes DIR/cN.pem (one EC key shared by
 *                               all, distinct serials and names), and
 *                               prints "client cN cert=DIR/cN.pem" lines.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

int     main(int argc, char **argv)
{
    EVP_PKEY *cakey, *key;
    X509   *ca, *x;
    FILE   *fp;
    char    path[4096], cn[64];
    long    n, i;

    if (argc != 5)
	return (2);
    if ((fp = fopen(argv[1], "r")) == NULL || (ca = PEM_read_X509(fp, NULL, NULL, NULL)) == NULL)
	return (1);
    fclose(fp);
    if ((fp = fopen(argv[2], "r")) == NULL
	|| (cakey = PEM_read_PrivateKey(fp, NULL, NULL, NULL)) == NULL)
	return (1);
    fclose(fp);
    n = strtol(argv[3], NULL, 10);
    key = EVP_EC_gen("P-256");
    for (i = 0; i < n; i++) {
	x = X509_new();
	X509_set_version(x, 2);
	ASN1_INTEGER_set(X509_get_serialNumber(x), 100000 + i);
	X509_gmtime_adj(X509_getm_notBefore(x), -86400);
	X509_gmtime_adj(X509_getm_notAfter(x), 365L * 86400);
	X509_set_pubkey(x, key);
	snprintf(cn, sizeof(cn), "c%ld", i);
	X509_NAME_add_entry_by_txt(X509_get_subject_name(x), "CN", MBSTRING_ASC,
				   (unsigned char *) cn, -1, -1, 0);
	X509_set_issuer_name(x, X509_get_subject_name(ca));
	if (!X509_sign(x, cakey, EVP_sha256()))
	    return (1);
	snprintf(path, sizeof(path), "%s/c%ld.pem", argv[4], i);
	if ((fp = fopen(path, "w")) == NULL || !PEM_write_X509(fp, x))
	    return (1);
	fclose(fp);
	printf("client c%ld cert=%s\n", i, path);
	X509_free(x);
    }
    return (0);
}
