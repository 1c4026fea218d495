/*
 * keyfile - a private key as servers are given it
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "cert/keyfile.h"
#include "cert/log_ssl.h"

/* keyfile_no_password - the PEM password callback: none, never a prompt */
static int keyfile_no_password(char *buf, int size, int rwflag, void *arg)
{
    (void) buf;
    (void) size;
    (void) rwflag;
    (void) arg;
    return (-1);
}

/* keyfile_parse - the first private key of data[len] */
EVP_PKEY *keyfile_parse(const unsigned char *data, size_t len, int *found,
			        char *why, size_t why_len)
{
    const unsigned char *p = data;
    char    reason[512];
    EVP_PKEY *key = NULL;
    BIO    *bio;

    *found = 0;
    ERR_clear_error();
    if (memmem(data, len, "-----BEGIN", 10) != NULL) {
	if (memmem(data, len, "PRIVATE KEY-----", 16) == NULL)
	    return (NULL);
	*found = 1;
	if ((bio = BIO_new_mem_buf(data, (int) len)) == NULL)
	    log_fatal("out of memory");
	key = PEM_read_bio_PrivateKey(bio, NULL, keyfile_no_password, NULL);
	BIO_free(bio);
	if (key == NULL)
	    snprintf(why, why_len, "cannot read the private key%s: %s",
		     memmem(data, len, "ENCRYPTED", 9) ? " (it is encrypted: give the server's "
		     "unencrypted key)" : "", log_ssl_reason(reason, sizeof(reason)));
    } else if ((key = d2i_AutoPrivateKey(NULL, &p, (long) len)) != NULL) {
	*found = 1;
    }
    ERR_clear_error();
    return (key);
}
