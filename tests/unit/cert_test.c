/*
 * cert_test FILE... - print what cert_load() extracts from each file:
 * serial, issuer, subject, validity (seconds since 1970), CRL and OCSP
 * URLs, one "name: value" line each, for comparison with the openssl CLI.
 */
#include "config.h"

#include <stdio.h>

#include "cert/cert.h"

int     main(int argc, char **argv)
{
    struct cert *cert;
    char    why[1024];
    char  **url;
    int     i, ret = 0;

    for (i = 1; i < argc; i++) {
	if ((cert = cert_load(argv[i], 1 << 20, 32, NULL, why, sizeof(why))) == NULL) {
	    printf("%s: error: %s\n", argv[i], why);
	    ret = 1;
	    continue;
	}
	printf("serial: %s\nissuer: %s\nsubject: %s\nnot_before: %lld\nnot_after: %lld\n",
	       cert->serial, cert->issuer, cert->subject,
	       (long long) cert->not_before, (long long) cert->not_after);
	for (url = cert->crl_urls; url && *url; url++)
	    printf("crl: %s\n", *url);
	for (url = cert->ocsp_urls; url && *url; url++)
	    printf("ocsp: %s\n", *url);
	cert_free(cert);
    }
    return (ret);
}
