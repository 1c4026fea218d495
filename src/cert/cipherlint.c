/*
 * cipherlint - can a server with this key agree on a cipher at all?
 *
 * The list is given to OpenSSL as the server would give it
 * (SSL_CTX_set_cipher_list() on a server context, freed at once), so its
 * keywords, exclusions and this OpenSSL's set of ciphers count as they
 * count for the server.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "cert/cipherlint.h"
#include "cert/log_ssl.h"

/* cipherlint_auth - the TLS 1.2 authentication a key can do, and its name */
static int cipherlint_auth(X509 *leaf, const char **name)
{
    EVP_PKEY *key = X509_get0_pubkey(leaf);

    ERR_clear_error();
    if (key == NULL) {
	*name = "unreadable";
	return (NID_undef);
    }
    if (EVP_PKEY_is_a(key, "RSA") || EVP_PKEY_is_a(key, "RSA-PSS")) {
	*name = "RSA";
	return (NID_auth_rsa);
    }
    if (EVP_PKEY_is_a(key, "EC") || EVP_PKEY_is_a(key, "ED25519")
	|| EVP_PKEY_is_a(key, "ED448")) {
	*name = EVP_PKEY_is_a(key, "EC") ? "ECDSA" : EVP_PKEY_get0_type_name(key);
	return (NID_auth_ecdsa);
    }
    if (EVP_PKEY_is_a(key, "DSA")) {
	*name = "DSA";
	return (NID_auth_dss);
    }
    *name = EVP_PKEY_get0_type_name(key);
    return (NID_undef);
}

/* cipherlint_check - a TLS 1.2 suite for the leaf's key in list */
int     cipherlint_check(X509 *leaf, int depth, const char *list, const char *source,
			         struct lint_report *report, char *why, size_t why_len)
{
    const char *keyname;
    char    reason[512];
    int     need = cipherlint_auth(leaf, &keyname);
    int     i, usable = 0, tls12 = 0, auth;
    STACK_OF(SSL_CIPHER) *ciphers;
    SSL_CTX *ctx;

    if ((ctx = SSL_CTX_new(TLS_server_method())) == NULL)
	log_fatal("cannot make an OpenSSL context: %s", log_ssl_reason(reason, sizeof(reason)));
    if (!SSL_CTX_set_cipher_list(ctx, list)) {
	log_ssl_reason(reason, sizeof(reason));
	snprintf(why, why_len, "%s: OpenSSL selects no TLS 1.2 cipher from \"%s\": %s", source,
		 list, *reason ? reason : "no cipher match");
	SSL_CTX_free(ctx);
	return (-1);
    }
    ciphers = SSL_CTX_get_ciphers(ctx);
    for (i = 0; i < sk_SSL_CIPHER_num(ciphers); i++) {
	auth = SSL_CIPHER_get_auth_nid(sk_SSL_CIPHER_value(ciphers, i));
	if (auth == NID_auth_any)
	    continue;				/* TLS 1.3: any key */
	tls12++;
	usable += auth == need;
    }
    SSL_CTX_free(ctx);
    ERR_clear_error();
    if (usable == 0)
	lint_report_add(report, "no-shared-cipher", LINT_ERROR, depth, "%s (\"%s\") allows "
			"%d TLS 1.2 suite%s, none for a%s %s key: TLS 1.2 clients (other MTAs, "
			"Apple Mail) fail with \"no shared cipher\": add %s suites to the list "
			"(e.g. %s), or use a certificate with an %s key", source, list, tls12,
			tls12 == 1 ? "" : "s", keyname[0] == 'E' || keyname[0] == 'R' ? "n" : "",
			keyname, need == NID_auth_rsa ? "ECDHE-RSA" : "ECDHE-ECDSA",
			need == NID_auth_rsa ? "ECDHE-RSA-AES128-GCM-SHA256"
			: "ECDHE-ECDSA-AES128-GCM-SHA256",
			need == NID_auth_rsa ? "ECDSA" : "RSA");
    return (0);
}
