/*
 * fingerprint - "certpolicy fingerprint": what to enroll, as Postfix sends it
 */
#ifndef CERTPOLICY_FINGERPRINT_H
#define CERTPOLICY_FINGERPRINT_H

#include "policy/bounds.h"

/*
 * fingerprint_run - print the certificate and public-key fingerprints
 * (digest: enum fprint_digest) of each file, read within max_cert_size
 * and max_chain_certs, with password for PKCS#12 files (or NULL); a CA
 * certificate is printed with a warning. 0, or -1 when a file failed
 * (reported; the others are still printed).
 */
int     fingerprint_run(const struct bounds *bounds, const char *password, int digest,
			        char **files, int nfiles);

#endif
