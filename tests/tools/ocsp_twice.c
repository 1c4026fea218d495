/*
 * ocsp_twice - an OCSP response with two SingleResponses for one certificate
 *
 *     ocsp_twice CERT ISSUER SIGNER_CERT SIGNER_KEY OUT
 *
 * RFC 6960 4.2.1 lets a response carry several SingleResponses; a
 * responder (or a cache in front of it) may answer the same certificate
 * twice. This writes a DER response, signed by SIGNER (the CA itself or a
 * responder it certified, as "openssl ocsp -rsigner" would), saying first
 * "good" and then "revoked (keyCompromise)" for CERT, both current, so a
 * test can see which one refresh believes. The openssl CLI cannot make
 * such a response; everything else in the tests comes from it. Exit 0,
 * or 1 with a message on stderr. A test program, never installed.
 */
#include "config.h"

#include <stdio.h>

#include <openssl/ocsp.h>
#include <openssl/pem.h>

/* load_cert - a PEM certificate, or NULL */
static X509 *load_cert(const char *path)
{
    FILE   *fp = fopen(path, "r");
    X509   *x = fp ? PEM_read_X509(fp, NULL, NULL, NULL) : NULL;

    if (fp)
	fclose(fp);
    return (x);
}

/* load_key - a PEM private key, or NULL */
static EVP_PKEY *load_key(const char *path)
{
    FILE   *fp = fopen(path, "r");
    EVP_PKEY *k = fp ? PEM_read_PrivateKey(fp, NULL, NULL, NULL) : NULL;

    if (fp)
	fclose(fp);
    return (k);
}

int     main(int argc, char **argv)
{
    X509   *cert = NULL, *issuer = NULL, *signer = NULL;
    EVP_PKEY *key = NULL;
    OCSP_BASICRESP *bs = NULL;
    OCSP_RESPONSE *resp = NULL;
    OCSP_CERTID *id_good = NULL, *id_revoked = NULL;
    ASN1_TIME *now = NULL, *next = NULL, *revoked = NULL;
    unsigned char *der = NULL;
    FILE   *out = NULL;
    int     ok, len = 0, status = 1;

    if (argc != 6) {
	fprintf(stderr, "usage: ocsp_twice CERT ISSUER SIGNER_CERT SIGNER_KEY OUT\n");
	return (1);
    }
    if ((cert = load_cert(argv[1])) == NULL || (issuer = load_cert(argv[2])) == NULL
	|| (signer = load_cert(argv[3])) == NULL || (key = load_key(argv[4])) == NULL) {
	fprintf(stderr, "ocsp_twice: cannot read a certificate or the key\n");
	goto done;
    }
    now = X509_gmtime_adj(NULL, 0);
    next = X509_gmtime_adj(NULL, 3600);
    revoked = X509_gmtime_adj(NULL, -60);
    bs = OCSP_BASICRESP_new();
    /* OCSP_basic_add1_status() keeps a copy of the id: ours are freed below */
    id_good = OCSP_cert_to_id(NULL, cert, issuer);
    id_revoked = OCSP_cert_to_id(NULL, cert, issuer);
    ok = now && next && revoked && bs && id_good && id_revoked
	&& OCSP_basic_add1_status(bs, id_good, V_OCSP_CERTSTATUS_GOOD, 0, NULL,
				  now, next) != NULL
	&& OCSP_basic_add1_status(bs, id_revoked, V_OCSP_CERTSTATUS_REVOKED,
				  OCSP_REVOKED_STATUS_KEYCOMPROMISE,
				  revoked, now, next) != NULL
	&& OCSP_basic_sign(bs, signer, key, EVP_sha256(), NULL, 0) == 1
	&& (resp = OCSP_response_create(OCSP_RESPONSE_STATUS_SUCCESSFUL, bs)) != NULL
	&& (len = i2d_OCSP_RESPONSE(resp, &der)) > 0
	&& (out = fopen(argv[5], "wb")) != NULL;
    if (!ok || fwrite(der, 1, (size_t) len, out) != (size_t) len) {
	fprintf(stderr, "ocsp_twice: cannot make the response\n");
	goto done;
    }
    status = 0;
done:
    if (out && fclose(out) != 0 && status == 0) {
	fprintf(stderr, "ocsp_twice: cannot write %s\n", argv[5]);
	status = 1;
    }
    OPENSSL_free(der);
    OCSP_RESPONSE_free(resp);
    OCSP_BASICRESP_free(bs);
    OCSP_CERTID_free(id_good);
    OCSP_CERTID_free(id_revoked);
    ASN1_TIME_free(now);
    ASN1_TIME_free(next);
    ASN1_TIME_free(revoked);
    EVP_PKEY_free(key);
    X509_free(cert);
    X509_free(issuer);
    X509_free(signer);
    return (status);
}
