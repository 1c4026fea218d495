/*
 * issuers - client_ca_file, and which of its keys issued what
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "revocation/issuers.h"
#include "cert/log_ssl.h"
#include "util/mem.h"

int     issuers_load(struct issuers *iss, const char *path, char *why, size_t why_len)
{
    STACK_OF(X509_INFO) *infos;
    X509_INFO *info;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen;
    char    reason[1024];
    BIO    *bio;
    int     i, n;

    memset(iss, 0, sizeof(*iss));
    if ((bio = BIO_new_file(path, "r")) == NULL
	|| (infos = PEM_X509_INFO_read_bio(bio, NULL, NULL, NULL)) == NULL) {
	snprintf(why, why_len, "%s", log_ssl_reason(reason, sizeof(reason)));
	BIO_free(bio);
	return (-1);
    }
    BIO_free(bio);
    iss->cas = sk_X509_new_null();
    iss->store = X509_STORE_new();
    X509_STORE_set_flags(iss->store, X509_V_FLAG_PARTIAL_CHAIN);
    for (i = 0; i < sk_X509_INFO_num(infos); i++) {
	info = sk_X509_INFO_value(infos, i);
	if (info->x509 != NULL) {
	    X509_up_ref(info->x509);
	    sk_X509_push(iss->cas, info->x509);
	    X509_STORE_add_cert(iss->store, info->x509);
	}
    }
    sk_X509_INFO_pop_free(infos, X509_INFO_free);
    if ((n = sk_X509_num(iss->cas)) == 0) {
	snprintf(why, why_len, "no certificate in it");
	return (-1);
    }
    iss->keyid = mem_calloc((size_t) n, sizeof(*iss->keyid));
    for (i = 0; i < n; i++)
	if (X509_pubkey_digest(sk_X509_value(iss->cas, i), EVP_sha256(), md, &mdlen) && mdlen >= CRLNUM_KEYID)
	    memcpy(iss->keyid[i], md, CRLNUM_KEYID);
    return (0);
}

void    issuers_free(struct issuers *iss)
{
    sk_X509_pop_free(iss->cas, X509_free);
    X509_STORE_free(iss->store);
    free(iss->keyid);
    memset(iss, 0, sizeof(*iss));
}

int     issuers_of_cert(const struct issuers *iss, X509 *cert)
{
    X509   *ca;
    int     i;

    for (i = 0; i < sk_X509_num(iss->cas); i++) {
	ca = sk_X509_value(iss->cas, i);
	if (X509_NAME_cmp(X509_get_subject_name(ca), X509_get_issuer_name(cert)) == 0
	    && X509_verify(cert, X509_get0_pubkey(ca)) == 1)
	    return (i);
    }
    ERR_clear_error();
    return (-1);
}

int     issuers_of_crl(const struct issuers *iss, X509_CRL *crl, char *why, size_t why_len)
{
    char    reason[1024] = "";
    X509   *ca;
    int     i, named = 0;

    for (i = 0; i < sk_X509_num(iss->cas); i++) {
	ca = sk_X509_value(iss->cas, i);
	if (X509_NAME_cmp(X509_get_subject_name(ca), X509_CRL_get_issuer(crl)) != 0)
	    continue;
	named = 1;
	if (X509_CRL_verify(crl, X509_get0_pubkey(ca)) == 1)
	    return (i);
	log_ssl_reason(reason, sizeof(reason));
    }
    if (!named)
	snprintf(why, why_len, "the CRL's issuer is not in client_ca_file");
    else
	snprintf(why, why_len, "bad CRL signature: no key of a CA of that name in "
		 "client_ca_file verifies it (%s)", reason);
    return (-1);
}
