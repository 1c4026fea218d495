/*
 * fprint - certificate fingerprints in Postfix's format
 *
 * Postfix prints a fingerprint as uppercase hex byte pairs separated by
 * ':' (AB:CD:...). Administrators paste them with or without colons, in
 * any case. The digest is known only from the length: 16 bytes md5,
 * 20 sha1, 32 sha256, 64 sha512.
 */
#ifndef CERTPOLICY_FPRINT_H
#define CERTPOLICY_FPRINT_H

#include <stddef.h>

#define FPRINT_MAX_BYTES 64		/* sha512 */
#define FPRINT_TEXT_MAX (FPRINT_MAX_BYTES * 3)	/* formatted, with NUL */

enum fprint_digest {
    FPRINT_MD5,
    FPRINT_SHA1,
    FPRINT_SHA256,
    FPRINT_SHA512,
    FPRINT_DIGEST_COUNT,
};

struct fprint {
    enum fprint_digest digest;
    unsigned char len;
    unsigned char bytes[FPRINT_MAX_BYTES];
};

/* fprint_digest_name - "sha256" and so on */
const char *fprint_digest_name(enum fprint_digest digest);

/* fprint_digest_lookup - name to digest; -1 if unknown */
int     fprint_digest_lookup(const char *name);

/* fprint_digest_size - bytes in a digest */
size_t  fprint_digest_size(enum fprint_digest digest);

/*
 * fprint_parse - read hex with or without colons, any case. Returns 0, or
 * -1 with *why set to a static reason. With colons, every byte is a pair
 * and pairs are separated by exactly one colon.
 */
int     fprint_parse(const char *text, struct fprint *fp, const char **why);

/* fprint_format - AB:CD:... into buf of at least FPRINT_TEXT_MAX bytes */
char   *fprint_format(const struct fprint *fp, char *buf);

/* fprint_format_lower - ab:cd:..., the form Postfix looks up */
char   *fprint_format_lower(const struct fprint *fp, char *buf);

/* fprint_hexval - the value of one hex digit (any case), or -1 */
int     fprint_hexval(int ch);

/* fprint_equal - same digest and bytes */
int     fprint_equal(const struct fprint *a, const struct fprint *b);

#endif
