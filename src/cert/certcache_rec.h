/*
 * certcache_rec - a certificate's facts as bytes, and back
 *
 * The facts of a struct cert that certcache keeps, in this order (numbers
 * big-endian): u32 max_chain_certs it was parsed under; i64 not_before,
 * i64 not_after; for each fingerprint digest, in enum fprint_digest
 * order, the certificate's and then the public key's fingerprint (of that
 * digest's size); serial, issuer and subject as u32 length and bytes; the
 * CRL URLs and the OCSP URLs, each as a u32 count and that many strings.
 * The decoder checks the length left before every read and refuses a
 * string holding a NUL; it never trusts a count before reading its items.
 */
#ifndef CERTPOLICY_CERTCACHE_REC_H
#define CERTPOLICY_CERTCACHE_REC_H

#include <stddef.h>

#include "cert/cert.h"

/*
 * certcache_rec_encode - the facts of cert (not a CA certificate), in new
 * memory of *len bytes
 */
unsigned char *certcache_rec_encode(const struct cert *cert, int max_chain, size_t *len);

/*
 * certcache_rec_decode - a new cert (x509 NULL, is_ca 0) from data[len];
 * NULL when the bytes are not exactly one record, or it was made under
 * another max_chain
 */
struct cert *certcache_rec_decode(const unsigned char *data, size_t len, int max_chain);

#endif
