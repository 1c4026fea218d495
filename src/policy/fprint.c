/*
 * fprint - certificate fingerprints in Postfix's format
 *
 * Parsing never reads past the terminating NUL and never writes past
 * FPRINT_MAX_BYTES; an over-long fingerprint is rejected, not truncated.
 */
#include "config.h"

#include <string.h>
#include <strings.h>

#include "policy/fprint.h"

static const struct {
    const char *name;
    size_t  size;
} fprint_digests[FPRINT_DIGEST_COUNT] = {
    [FPRINT_MD5] = {"md5", 16},
    [FPRINT_SHA1] = {"sha1", 20},
    [FPRINT_SHA256] = {"sha256", 32},
    [FPRINT_SHA512] = {"sha512", 64},
};

/* fprint_digest_name - "sha256" and so on */
const char *fprint_digest_name(enum fprint_digest digest)
{
    return (fprint_digests[digest].name);
}

/* fprint_digest_size - bytes in a digest */
size_t  fprint_digest_size(enum fprint_digest digest)
{
    return (fprint_digests[digest].size);
}

/* fprint_digest_lookup - name to digest */
int     fprint_digest_lookup(const char *name)
{
    int     i;

    for (i = 0; i < FPRINT_DIGEST_COUNT; i++)
	if (strcasecmp(name, fprint_digests[i].name) == 0)
	    return (i);
    return (-1);
}

/* fprint_hexval - one hex digit, or -1 */
int     fprint_hexval(int ch)
{
    if (ch >= '0' && ch <= '9')
	return (ch - '0');
    if (ch >= 'a' && ch <= 'f')
	return (ch - 'a' + 10);
    if (ch >= 'A' && ch <= 'F')
	return (ch - 'A' + 10);
    return (-1);
}

/* fprint_parse - read hex with or without colons, any case */
int     fprint_parse(const char *text, struct fprint *fp, const char **why)
{
    int     colons = strchr(text, ':') != NULL;
    const char *cp;
    size_t  len = 0;
    int     i, hi, lo;

    for (cp = text; *cp; cp += 2) {
	if (colons && len > 0 && *cp++ != ':') {
	    *why = "bytes must be hex pairs separated by ':'";
	    return (-1);
	}
	if ((hi = fprint_hexval(cp[0])) < 0 || (lo = fprint_hexval(cp[1])) < 0) {
	    *why = colons ? "bytes must be hex pairs separated by ':'" :
		(hi >= 0 && cp[1] == 0) ? "odd number of hex digits" :
		"not a hex digit";
	    return (-1);
	}
	if (len >= FPRINT_MAX_BYTES) {
	    *why = "too long for any known digest";
	    return (-1);
	}
	fp->bytes[len++] = (unsigned char) (hi << 4 | lo);
    }
    for (i = 0; i < FPRINT_DIGEST_COUNT; i++) {
	if (fprint_digests[i].size == len) {
	    fp->digest = (enum fprint_digest) i;
	    fp->len = (unsigned char) len;
	    return (0);
	}
    }
    *why = len == 0 ? "empty fingerprint" :
	"length matches no known digest (md5, sha1, sha256, sha512)";
    return (-1);
}

/* fprint_format_case - hex pairs with colons in the given digit set */
static char *fprint_format_case(const struct fprint *fp, char *buf, const char *digits)
{
    char   *cp = buf;
    unsigned i;

    for (i = 0; i < fp->len; i++) {
	if (i)
	    *cp++ = ':';
	*cp++ = digits[fp->bytes[i] >> 4];
	*cp++ = digits[fp->bytes[i] & 15];
    }
    *cp = 0;
    return (buf);
}

/* fprint_format - AB:CD:... */
char   *fprint_format(const struct fprint *fp, char *buf)
{
    return (fprint_format_case(fp, buf, "0123456789ABCDEF"));
}

/* fprint_format_lower - ab:cd:... */
char   *fprint_format_lower(const struct fprint *fp, char *buf)
{
    return (fprint_format_case(fp, buf, "0123456789abcdef"));
}

/* fprint_equal - same digest and bytes */
int     fprint_equal(const struct fprint *a, const struct fprint *b)
{
    return (a->len == b->len && memcmp(a->bytes, b->bytes, a->len) == 0);
}
