/*
 * certcache_test CACHE MAX_CHAIN FILE... - load each file through the
 * certificate cache at CACHE and print every fact of it (fingerprints of
 * every digest, serial, names, validity, URLs), one "FILE name: value"
 * line each, then "FILE: cache" or "FILE: parsed" (where the facts came
 * from) or "FILE: error: ..."; at the end save the cache and print
 * "saved" or "save: error: ...". Exit 1 when a file failed.
 *
 * certcache_test --mutate FILE - encode FILE's facts as a cache record,
 * then decode every truncation of it (each must be refused) and every
 * one-byte change of it (each refused, or decoded within bounds); print
 * "N truncations refused, N changes decoded, N refused", or the first
 * broken promise with exit 1. Run under valgrind or the sanitizers, this
 * shows that the decoder reads nothing outside the record.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include <string.h>

#include "cert/certcache.h"
#include "cert/certcache_rec.h"

/* certcache_test_facts - every fact of cert */
static void certcache_test_facts(const char *path, const struct cert *cert)
{
    char    text[FPRINT_TEXT_MAX];
    char  **url;
    int     d;

    for (d = 0; d < FPRINT_DIGEST_COUNT; d++) {
	printf("%s cert_%s: %s\n", path, fprint_digest_name(d),
	       fprint_format(cert->cert_fp + d, text));
	printf("%s pubkey_%s: %s\n", path, fprint_digest_name(d),
	       fprint_format(cert->pubkey_fp + d, text));
    }
    printf("%s serial: %s\n%s issuer: %s\n%s subject: %s\n", path, cert->serial,
	   path, cert->issuer, path, cert->subject);
    printf("%s not_before: %lld\n%s not_after: %lld\n%s is_ca: %d\n", path,
	   (long long) cert->not_before, path, (long long) cert->not_after, path, cert->is_ca);
    for (url = cert->crl_urls; url && *url; url++)
	printf("%s crl: %s\n", path, *url);
    for (url = cert->ocsp_urls; url && *url; url++)
	printf("%s ocsp: %s\n", path, *url);
}

/* certcache_test_mutate - decode every truncation and one-byte change of a record */
static int certcache_test_mutate(const char *path)
{
    struct cert *cert, *back;
    unsigned char *rec, *copy;
    char    why[1024];
    size_t  len, i, cut = 0, decoded = 0, refused = 0;
    int     bit;

    if ((cert = cert_load(path, 1 << 20, 32, NULL, why, sizeof(why))) == NULL
	|| (rec = certcache_rec_encode(cert, 32, &len)) == NULL) {
	printf("%s: cannot encode: %s\n", path, cert ? "CA certificate" : why);
	return (1);
    }
    if ((back = certcache_rec_decode(rec, len, 32)) == NULL
	|| memcmp(back->cert_fp, cert->cert_fp, sizeof(cert->cert_fp)) != 0
	|| strcmp(back->subject, cert->subject) != 0) {
	printf("%s: the record does not decode to its facts\n", path);
	return (1);
    }
    cert_free(back);
    for (i = 0; i < len; i++) {
	copy = malloc(i ? i : 1);		/* exactly i bytes: a read past them is caught */
	memcpy(copy, rec, i);
	if ((back = certcache_rec_decode(copy, i, 32)) != NULL) {
	    printf("%s: a record cut to %zu of %zu bytes was decoded\n", path, i, len);
	    return (1);
	}
	cut++;
	free(copy);
    }
    for (i = 0; i < len; i++) {
	for (bit = 0; bit < 8; bit += 7) {
	    copy = malloc(len);
	    memcpy(copy, rec, len);
	    copy[i] ^= (unsigned char) (1 << bit);
	    if ((back = certcache_rec_decode(copy, len, 32)) != NULL)
		decoded++;
	    else
		refused++;
	    cert_free(back);
	    free(copy);
	}
    }
    printf("%zu truncations refused, %zu changes decoded, %zu refused\n", cut, decoded, refused);
    free(rec);
    cert_free(cert);
    return (0);
}

int     main(int argc, char **argv)
{
    struct certcache *cc;
    struct cert *cert;
    char    why[1024];
    size_t  hits;
    int     i, ret = 0;

    if (argc == 3 && strcmp(argv[1], "--mutate") == 0)
	return (certcache_test_mutate(argv[2]));
    if (argc < 3) {
	fprintf(stderr, "usage: certcache_test CACHE MAX_CHAIN FILE...\n");
	return (2);
    }
    cc = certcache_open(argv[1], 1 << 24);
    for (i = 3; i < argc; i++) {
	hits = certcache_hits(cc);
	if ((cert = certcache_load(cc, argv[i], 1 << 20, (int) strtol(argv[2], NULL, 10), why, sizeof(why))) == NULL) {
	    printf("%s: error: %s\n", argv[i], why);
	    ret = 1;
	    continue;
	}
	certcache_test_facts(argv[i], cert);
	printf("%s: %s\n", argv[i], certcache_hits(cc) > hits ? "cache" : "parsed");
	cert_free(cert);
    }
    if (certcache_save(cc, why, sizeof(why)) < 0)
	printf("save: error: %s\n", why);
    else
	printf("saved\n");
    certcache_free(cc);
    return (ret);
}
