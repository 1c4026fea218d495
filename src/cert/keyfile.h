/*
 * keyfile - a private key as servers are given it
 *
 * PEM (PRIVATE KEY, RSA PRIVATE KEY, EC PRIVATE KEY, alone or with the
 * certificates, as in Postfix's smtpd_tls_chain_files) or DER (PKCS#8 or
 * the traditional forms). Encrypted keys are refused, never prompted for:
 * servers are given unencrypted keys. Never prints.
 */
#ifndef CERTPOLICY_KEYFILE_H
#define CERTPOLICY_KEYFILE_H

#include <stddef.h>

struct evp_pkey_st;

/*
 * keyfile_parse - the first private key of data[len]. Returns the key
 * (free it with EVP_PKEY_free()), or NULL: with *found 0 when the data
 * holds no private key (not an error for a chain file), with *found 1 and
 * the reason in why when it holds one that cannot be read.
 */
struct evp_pkey_st *keyfile_parse(const unsigned char *data, size_t len, int *found,
				          char *why, size_t why_len);

#endif
