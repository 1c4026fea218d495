/*
 * certcache_test CACHE MAX_CHAIN FILE... - load each file through the
 * certificate cache at CACHE and print every fact of it (fingerprints of
 * every digest, serial, names, validity, URLs), one "FILE name: value"
 * line each, then "FILE: cache" or "FILE: parsed" (where the facts came
 * from) or "FILE: error: ..."; at the end save the cache and print
 * "saved" or "save: error: ...". Exit 1 when a file failed.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>

#include "cert/certcache.h"

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

int     main(int argc, char **argv)
{
    struct certcache *cc;
    struct cert *cert;
    char    why[1024];
    size_t  hits;
    int     i, ret = 0;

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
