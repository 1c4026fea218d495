/*
 * fingerprint - "certpolicy fingerprint"
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "util/log.h"
#include "cert/cert.h"
#include "cert/certfile.h"
#include "policy/fprint.h"
#include "tool/fingerprint.h"

/* fingerprint_run - the fingerprints of each file */
int     fingerprint_run(const struct bounds *bounds, const char *password, int digest,
			        char **files, int nfiles)
{
    struct cert *cert;
    char    why[1024], text[FPRINT_TEXT_MAX];
    int     i, ret = 0;

    for (i = 0; i < nfiles; i++) {
	cert = cert_load(files[i], (size_t) bounds->value[BOUND_MAX_CERT_SIZE],
			 (int) bounds->value[BOUND_MAX_CHAIN_CERTS], password, why, sizeof(why));
	if (cert == NULL && strncmp(why, CERTFILE_NO_PASSWORD, strlen(CERTFILE_NO_PASSWORD)) == 0) {
	    log_error("%s: %s (use --password-file)%s", files[i], CERTFILE_NO_PASSWORD,
		      why + strlen(CERTFILE_NO_PASSWORD));
	    ret = -1;
	    continue;
	} else if (cert == NULL) {
	    log_error("%s: %s", files[i], why);
	    ret = -1;
	    continue;
	}
	printf("%s: fingerprint %s %s\n", files[i], fprint_digest_name(digest),
	       fprint_format(cert->cert_fp + digest, text));
	printf("%s: pubkey_fingerprint %s %s\n", files[i], fprint_digest_name(digest),
	       fprint_format(cert->pubkey_fp + digest, text));
	if (cert->is_ca)
	    log_warn("%s: %s is a CA certificate (%s): enroll and cert= refuse it as a "
		     "client's", files[i], cert->subject, cert->ca_kind);
	cert_free(cert);
    }
    return (ret);
}
