/*
 * certfile - the certificate a file stands for, in the forms administrators have
 *
 * One reader for every place a certificate file is named (cert=, enroll,
 * fingerprint, query --cert). The form is recognised from the content:
 *
 *   PEM    any number of blocks, CERTIFICATE, X509 CERTIFICATE, TRUSTED
 *          CERTIFICATE, PKCS7, PKCS #7 SIGNED DATA or CMS (a SignedData
 *          with certificates; under a CERTIFICATE label too, as Windows
 *          writes a "certificate chain, Base 64" export); a corrupt or
 *          truncated block is an error naming its number and label; other blocks (keys) and text around the
 *          blocks (the "Bag Attributes" lines of openssl pkcs12 output)
 *          are skipped; CRLF line ends and a leading UTF-8 byte order mark
 *          are accepted;
 *   DER    one certificate, or a PKCS#7 SignedData (.p7b) with certificates;
 *   PKCS#12  with a password (NULL: tried empty, then absent), including
 *          the legacy encryption of Windows and macOS exports (RC2-40,
 *          3DES): OpenSSL's legacy provider is loaded for it, with the
 *          default one.
 *
 * A file with several certificates (a chain, in any order) stands for its
 * end-entity certificate: the one that issued none of the others (issued
 * = it is a CA (certfile_is_ca()), its subject is the other's issuer, the
 * key identifiers agree, and its key verifies the other's signature: a
 * certificate signed with a client's key issued nothing). Among such
 * certificates a CA certificate gives way to one that is not; more than
 * one left is refused, naming their subjects. A PKCS#12 file stands for the certificate of its
 * private key.
 *
 * Never prints: failures come back as a reason (OpenSSL's error queue
 * drained into it).
 */
#ifndef CERTPOLICY_CERTFILE_H
#define CERTPOLICY_CERTFILE_H

#include <stddef.h>

/*
 * CERTFILE_PARSER_REVISION - raised whenever a change to the parser
 * (certfile.c, cert.c, asn1time.c, or policy/fprint.c) can change what a
 * file stands for: which certificate of a chain is the client's, its
 * fingerprints, dates or names. The certificate facts cache (certcache)
 * keeps nothing made under another revision. 41-certcache compares the
 * digest of those sources with the one recorded for this revision in
 * tests/cases/certcache/parser.sha256, so a change cannot forget it.
 */
#define CERTFILE_PARSER_REVISION 2

struct x509_st;
struct stack_st_X509;

/*
 * The start of the reason for a PKCS#12 file that needs a password when
 * none was given: the command that can take one says how.
 */
#define CERTFILE_NO_PASSWORD "cannot open the PKCS#12 file without a password"

/*
 * certfile_parse - the certificate that data[len] stands for, or NULL
 * with the reason in why[why_len]. A file with more than max_chain
 * certificates (the tool's max_chain_certs) is refused before any two are
 * compared: finding the end-entity certificate compares every pair. The
 * caller frees the certificate with X509_free().
 */
struct x509_st *certfile_parse(const unsigned char *data, size_t len, const char *password,
			               int max_chain, char *why, size_t why_len);

/*
 * certfile_parse_all - every certificate of data[len] (the forms above),
 * in the order the file holds them, for lint, which judges that order.
 * At most max_chain certificates. Returns a new stack (free it with
 * sk_X509_pop_free(certs, X509_free)), or NULL with the reason in why.
 */
struct stack_st_X509 *certfile_parse_all(const unsigned char *data, size_t len,
				                 const char *password, int max_chain,
				                 char *why, size_t why_len);

/*
 * certfile_issued - 1 when issuer issued subject: issuer is a CA
 * (certfile_is_ca()), its subject and key identifier match subject's
 * issuer fields (X509_check_issued()) and its key verifies subject's
 * signature (RFC 5280, 6.1.3 (a)(1)); else 0. Leaves no OpenSSL error.
 */
int     certfile_issued(struct x509_st *issuer, struct x509_st *subject);

/*
 * certfile_is_ca - 1 when x509 may issue certificates as OpenSSL's
 * X509_check_ca() decides: basicConstraints CA:TRUE (RFC 5280, 4.2.1.9),
 * keyUsage keyCertSign without basicConstraints, or a self-signed version
 * 1 certificate (no extensions, taken as a trust anchor); else 0.
 */
int     certfile_is_ca(struct x509_st *x509);

/* certfile_ca_kind - which of these makes x509 a CA, in words; NULL: none */
const char *certfile_ca_kind(struct x509_st *x509);

#endif
