/*
 * tls_local - what this host's Postfix can use of a tls entry
 *
 * The grade lists are Postfix 3.7's defaults (postconf -d
 * tls_high_cipherlist ...); a site that changed them is judged by the
 * defaults. One OpenSSL context per entry with exclude=, freed at once.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include "policy/bounds.h"
#include "util/file_read.h"
#include "util/log.h"
#include "cert/log_ssl.h"
#include "util/mem.h"
#include "source/tls_local.h"

#define TLS_LOCAL_DEFAULT_GRADE "medium"	/* smtp_tls_(mandatory_)ciphers */

static const struct tls_local_grade {
    const char *name;
    const char *list;			/* Postfix 3.7's tls_NAME_cipherlist */
} tls_local_grades[] = {
    {"high", "aNULL:-aNULL:HIGH:@STRENGTH"},
    {"medium", "aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH"},
    {"low", "aNULL:-aNULL:HIGH:MEDIUM:LOW:+RC4:@STRENGTH"},
    {"export", "aNULL:-aNULL:HIGH:MEDIUM:LOW:EXPORT:+RC4:@STRENGTH"},
    {"null", "eNULL:!aNULL"},
};

/* tls_local_tafile - at least one trust anchor, read as Postfix reads it */
int     tls_local_tafile(const char *path, size_t max_size, char *why, size_t why_len)
{
    char   *data, *name = NULL, *header = NULL;
    unsigned char *der = NULL;
    char    reason[512], text[512];
    size_t  len;
    long    der_len;
    int     blocks = 0, anchors = 0, ret = 0;
    BIO    *bio;

    if ((data = file_read_all(path, max_size, "max_cert_size", &len, text,
			      sizeof(text))) == NULL) {
	snprintf(why, why_len, "tafile=%s: %s (Postfix defers the mail)", path, text);
	return (-1);
    }
    if ((bio = BIO_new_mem_buf(data, (int) len)) == NULL)
	log_fatal("out of memory");
    ERR_clear_error();
    while (PEM_read_bio(bio, &name, &header, &der, &der_len)) {
	blocks++;
	anchors += strcmp(name, PEM_STRING_X509) == 0 || strcmp(name, PEM_STRING_X509_OLD) == 0
	    || strcmp(name, PEM_STRING_PUBLIC) == 0;
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(der);
    }
    if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE) {
	snprintf(why, why_len, "tafile=%s: PEM block %d is corrupt or truncated: %s "
		 "(Postfix defers the mail)", path, blocks + 1,
		 log_ssl_reason(reason, sizeof(reason)));
	ret = -1;
    } else if (blocks == 0) {
	snprintf(why, why_len, "tafile=%s: no PEM block at all (Postfix defers the mail)", path);
	ret = -1;
    } else if (anchors == 0) {
	snprintf(why, why_len, "tafile=%s: no trust anchor (no PEM CERTIFICATE or PUBLIC KEY "
		 "block): Postfix ignores it and verifies with smtp_tls_CAfile", path);
	ret = 1;
    }
    ERR_clear_error();
    BIO_free(bio);
    free(data);
    return (ret);
}

/* tls_local_ciphers - the grade minus the exclusions leaves a cipher */
int     tls_local_ciphers(const char *grade, const char *exclude, char *why, size_t why_len)
{
    const struct tls_local_grade *g = NULL;
    char    list[1024], reason[512];
    const char *cp;
    size_t  i, len;
    SSL_CTX *ctx;
    int     ret = 0;

    for (i = 0; i < sizeof(tls_local_grades) / sizeof(tls_local_grades[0]); i++)
	if (strcasecmp(grade, tls_local_grades[i].name) == 0)
	    g = tls_local_grades + i;
    if (g == NULL) {
	snprintf(why, why_len, "ciphers=%s: unknown grade", grade);
	return (-1);
    }
    snprintf(list, sizeof(list), "%s", g->list);
    for (cp = exclude; *cp; cp += len + (cp[len] == ':')) {
	if ((len = strcspn(cp, ":")) == 0)
	    continue;				/* Postfix skips empty names */
	if (strlen(list) + len + 3 > sizeof(list)) {
	    snprintf(why, why_len, "exclude=%s: longer than %zu characters", exclude,
		     sizeof(list) - strlen(g->list));
	    return (-1);
	}
	snprintf(list + strlen(list), sizeof(list) - strlen(list), ":!%.*s", (int) len, cp);
    }
    ERR_clear_error();
    if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
	log_fatal("cannot make an OpenSSL context: %s", log_ssl_reason(reason, sizeof(reason)));
    if (SSL_CTX_set_cipher_list(ctx, list) == 0) {
	log_ssl_reason(reason, sizeof(reason));
	snprintf(why, why_len, "exclude=%s leaves no cipher of grade %s with this OpenSSL "
		 "(\"%s\": %s): Postfix defers the mail (\"error setting cipher grade\")",
		 exclude, g->name, list, *reason ? reason : "no cipher match");
	ret = -1;
    }
    SSL_CTX_free(ctx);
    ERR_clear_error();
    return (ret);
}

/* tls_local_entries - tafile= and exclude= of every tls entry */
void    tls_local_entries(struct conf *conf)
{
    size_t  max_size = (size_t) conf->bounds->value[BOUND_MAX_CERT_SIZE];
    char    why[1024], *copy, *word, *save;
    const char *grade, *exclude;
    size_t  i;
    int     ret;

    for (i = 0; i < conf->ntls; i++) {
	copy = mem_strdup(conf->tls[i].policy);
	grade = TLS_LOCAL_DEFAULT_GRADE;
	exclude = NULL;
	for (word = strtok_r(copy, " ", &save); word; word = strtok_r(NULL, " ", &save)) {
	    if (strncasecmp(word, "tafile=", 7) == 0) {
		if ((ret = tls_local_tafile(word + 7, max_size, why, sizeof(why))) < 0)
		    diag_error(&conf->diag, conf->tls[i].line, "tls: %s", why);
		else if (ret > 0)
		    diag_warn(&conf->diag, conf->tls[i].line, "tls: %s", why);
	    } else if (strncasecmp(word, "ciphers=", 8) == 0)
		grade = word + 8;
	    else if (strncasecmp(word, "exclude=", 8) == 0)
		exclude = word + 8;
	}
	if (exclude != NULL && tls_local_ciphers(grade, exclude, why, sizeof(why)) < 0)
	    diag_error(&conf->diag, conf->tls[i].line, "tls: %s", why);
	free(copy);
    }
}
