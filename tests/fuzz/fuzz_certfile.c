/*
 * fuzz_certfile - the certificate file reader, from any bytes
 *
 * The input is a certificate file (PEM, DER, PKCS#7, PKCS#12, with a
 * chain or not). Whatever it holds, the reader must return one
 * certificate or a reason, never both and never neither.
 */
#include "config.h"

#include <openssl/x509.h>

#include "cert/certfile.h"
#include "fuzz.h"

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char    why[1024];
    X509   *x509;

    why[0] = 0;
    x509 = certfile_parse(data, size, NULL, 32, why, sizeof(why));
    if (x509 == NULL && why[0] == 0)
	fuzz_fail("no certificate and no reason");
    if (x509 != NULL && i2d_X509(x509, NULL) <= 0)
	fuzz_fail("a certificate that cannot be encoded");
    X509_free(x509);
    return (0);
}
