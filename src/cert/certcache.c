/*
 * certcache - the facts of certificate files already parsed, by content
 *
 * The file: one header line, CERTCACHE_MAGIC, the format number, OpenSSL's
 * version number and certpolicy's version; then records, each
 *
 *   u32 length of what follows | 32 bytes key | 32 bytes check | facts
 *
 * key = SHA-256 of the certificate file's content, check = SHA-256 of key
 * and facts (so a damaged record is a miss, not a wrong fact); facts as
 * certcache_rec.h encodes them. Numbers are big-endian. The records read
 * are indexed by key in a hash table pointing into the file's bytes; the
 * records of this run (taken over from the old file, or encoded from a
 * fresh parse) are kept for certcache_save().
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "cert/certcache.h"
#include "cert/certfile.h"
#include "cert/certcache_rec.h"
#include "util/atomic_file.h"
#include "util/file_read.h"
#include "util/htable.h"
#include "util/mem.h"

#define CERTCACHE_MAGIC "certpolicy-certcache"
#define CERTCACHE_FORMAT 1
#define CERTCACHE_KEY 32			/* SHA-256 */
#define CERTCACHE_HEAD (4 + 2 * CERTCACHE_KEY)	/* length, key, check */

/* One record of this run: its bytes (length prefix included). */
struct certcache_rec {
    unsigned char *bytes;		/* owned */
    size_t  len;
};

struct certcache {
    char   *path;
    char   *data;			/* the old file, or NULL */
    size_t  len;
    struct htable old;			/* key -> record start in data */
    size_t  old_count;			/* records in the old file */
    struct certcache_rec *recs;		/* this run's records */
    size_t  nrecs;
    size_t  cap;
    struct htable now;			/* key (in recs) -> index + 1 */
    int     fresh;			/* a record was encoded in this run */
    size_t  hits;			/* loads answered from the old file */
    EVP_MD *sha256;
};

/* certcache_header - the first line a cache of this build has */
static void certcache_header(char *buf, size_t len)
{
    snprintf(buf, len, "%s %d %lx %s p%d\n", CERTCACHE_MAGIC, CERTCACHE_FORMAT,
	     (unsigned long) OpenSSL_version_num(), PACKAGE_VERSION, CERTFILE_PARSER_REVISION);
}

/* certcache_digest - SHA-256 of a and b (b may be empty); 0 or -1 */
static int certcache_digest(struct certcache *cc, const void *a, size_t alen,
			            const void *b, size_t blen, unsigned char *out)
{
    EVP_MD_CTX *ctx;
    unsigned int len = 0;
    int     ok;

    if (cc->sha256 == NULL || (ctx = EVP_MD_CTX_new()) == NULL)
	return (-1);
    ok = EVP_DigestInit_ex(ctx, cc->sha256, NULL)
	&& EVP_DigestUpdate(ctx, a, alen)
	&& (blen == 0 || EVP_DigestUpdate(ctx, b, blen))
	&& EVP_DigestFinal_ex(ctx, out, &len)
	&& len == CERTCACHE_KEY;
    EVP_MD_CTX_free(ctx);
    return (ok ? 0 : -1);
}

/* certcache_u32 - a big-endian number */
static size_t certcache_u32(const unsigned char *p)
{
    return ((size_t) p[0] << 24 | (size_t) p[1] << 16 | (size_t) p[2] << 8 | (size_t) p[3]);
}

/*
 * certcache_index - index the old file's records; stops at the first
 * record that does not fit in the file (a torn end). Records whose check
 * fails are skipped here, the rest are checked again when used.
 */
static void certcache_index(struct certcache *cc)
{
    char    header[128];
    size_t  hlen, off, rlen;
    const unsigned char *p;

    certcache_header(header, sizeof(header));
    hlen = strlen(header);
    if (cc->len < hlen || memcmp(cc->data, header, hlen) != 0)
	return;
    for (off = hlen; cc->len - off >= CERTCACHE_HEAD; off += 4 + rlen) {
	p = (const unsigned char *) cc->data + off;
	rlen = certcache_u32(p);
	if (rlen < CERTCACHE_HEAD - 4 || rlen > cc->len - off - 4)
	    break;
	if (htable_insert(&cc->old, p + 4, CERTCACHE_KEY, (void *) p) == NULL)
	    cc->old_count++;
    }
}

/*
 * certcache_trusted - a cache only we (or root) can have written: a
 * regular file owned by this user or root, not writable by group or
 * others. Its check is a plain digest, so anyone who can write the file
 * can make any content stand for any certificate's facts.
 */
static int certcache_trusted(int fd)
{
    struct stat st;

    return (fstat(fd, &st) == 0 && file_ours(&st));
}

/* certcache_open - read and index the cache at path */
struct certcache *certcache_open(const char *path, size_t max_bytes)
{
    struct certcache *cc = mem_calloc(1, sizeof(*cc));
    char    why[256];
    int     fd;

    cc->path = mem_strdup(path);
    htable_init(&cc->old);
    htable_init(&cc->now);
    cc->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL);
    if ((fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK | O_CLOEXEC)) >= 0) {
	if (certcache_trusted(fd)
	    && (cc->data = file_read_fd(fd, max_bytes, "the certificate cache's size",
					&cc->len, why, sizeof(why))) != NULL)
	    certcache_index(cc);
	close(fd);
    }
    return (cc);
}

/* certcache_keep - add a record to this run's (owned bytes); a key seen twice is kept once */
static void certcache_keep(struct certcache *cc, unsigned char *bytes, size_t len)
{
    struct certcache_rec *r;

    cc->recs = mem_grow(cc->recs, cc->nrecs, &cc->cap, sizeof(*cc->recs));
    r = cc->recs + cc->nrecs;
    r->bytes = bytes;
    r->len = len;
    if (htable_insert(&cc->now, bytes + 4, CERTCACHE_KEY, (void *) (cc->nrecs + 1)) != NULL) {
	free(bytes);
	return;
    }
    cc->nrecs++;
}

/*
 * certcache_hit - the facts of the old record with this key, checked,
 * made under max_chain; NULL when there is none or it does not hold
 */
static struct cert *certcache_hit(struct certcache *cc, const unsigned char *key, int max_chain)
{
    const unsigned char *p;
    unsigned char check[CERTCACHE_KEY];
    unsigned char *copy;
    struct cert *cert;
    size_t  rlen;

    if (cc->data == NULL || cc->sha256 == NULL
	|| (p = htable_find(&cc->old, key, CERTCACHE_KEY)) == NULL)
	return (NULL);
    rlen = certcache_u32(p);
    if (certcache_digest(cc, p + 4, CERTCACHE_KEY, p + CERTCACHE_HEAD,
			 rlen + 4 - CERTCACHE_HEAD, check) < 0
	|| memcmp(check, p + 4 + CERTCACHE_KEY, CERTCACHE_KEY) != 0)
	return (NULL);
    cert = certcache_rec_decode(p + CERTCACHE_HEAD, rlen + 4 - CERTCACHE_HEAD, max_chain);
    if (cert == NULL)
	return (NULL);
    copy = mem_alloc(rlen + 4);
    memcpy(copy, p, rlen + 4);
    certcache_keep(cc, copy, rlen + 4);
    return (cert);
}

/* certcache_add - a record for facts just parsed (not kept if it cannot be made) */
static void certcache_add(struct certcache *cc, const unsigned char *key,
			          const struct cert *cert, int max_chain)
{
    unsigned char *facts, *bytes;
    size_t  flen, rlen;

    if (cc->sha256 == NULL || (facts = certcache_rec_encode(cert, max_chain, &flen)) == NULL)
	return;
    rlen = CERTCACHE_HEAD - 4 + flen;
    if (rlen > UINT32_MAX) {
	free(facts);
	return;
    }
    bytes = mem_alloc(rlen + 4);
    bytes[0] = (unsigned char) (rlen >> 24);
    bytes[1] = (unsigned char) (rlen >> 16);
    bytes[2] = (unsigned char) (rlen >> 8);
    bytes[3] = (unsigned char) rlen;
    memcpy(bytes + 4, key, CERTCACHE_KEY);
    memcpy(bytes + CERTCACHE_HEAD, facts, flen);
    free(facts);
    if (certcache_digest(cc, key, CERTCACHE_KEY, bytes + CERTCACHE_HEAD, flen,
			 bytes + 4 + CERTCACHE_KEY) < 0) {
	free(bytes);
	return;
    }
    cc->fresh = 1;
    certcache_keep(cc, bytes, rlen + 4);
}

/* certcache_load - the facts of a certificate file, from the cache when its content is there */
struct cert *certcache_load(struct certcache *cc, const char *path, size_t max_size,
			            int max_chain, char *why, size_t why_len)
{
    unsigned char *data;
    unsigned char key[CERTCACHE_KEY];
    size_t  len;
    struct cert *cert;
    int     keyed;

    if ((data = (unsigned char *) file_read_all(path, max_size, "max_cert_size",
						&len, why, why_len)) == NULL)
	return (NULL);
    keyed = certcache_digest(cc, data, len, NULL, 0, key) == 0;
    if (keyed && (cert = certcache_hit(cc, key, max_chain)) != NULL) {
	cc->hits++;
	free(data);
	return (cert);
    }
    cert = cert_parse(data, len, max_chain, NULL, why, why_len);
    free(data);
    if (keyed && cert != NULL && !cert->is_ca)
	certcache_add(cc, key, cert, max_chain);
    return (cert);
}

/* certcache_write - this run's records to fp */
static int certcache_write(const struct certcache *cc, FILE *fp)
{
    char    header[128];
    size_t  i;

    certcache_header(header, sizeof(header));
    if (fputs(header, fp) == EOF)
	return (-1);
    for (i = 0; i < cc->nrecs; i++)
	if (fwrite(cc->recs[i].bytes, 1, cc->recs[i].len, fp) != cc->recs[i].len)
	    return (-1);
    return (0);
}

/* certcache_save - write this run's records to a temporary file, rename it over the cache */
int     certcache_save(struct certcache *cc, char *why, size_t why_len)
{
    char   *temp, *slash;
    FILE   *fp;
    int     fd, err;

    (void) atomic_sweep(cc->path);
    if (!cc->fresh && cc->nrecs == cc->old_count)
	return (0);				/* the file holds exactly these */
    temp = mem_alloc(strlen(cc->path) + 10);
    slash = strrchr(cc->path, '/');
    if (slash != NULL)
	sprintf(temp, "%.*s/.%s.XXXXXX", (int) (slash - cc->path), cc->path, slash + 1);
    else
	sprintf(temp, ".%s.XXXXXX", cc->path);
    if ((fd = mkstemp(temp)) < 0) {
	snprintf(why, why_len, "cannot create %s: %s", temp, strerror(errno));
	free(temp);
	return (-1);
    }
    if ((fp = fdopen(fd, "w")) == NULL) {
	snprintf(why, why_len, "cannot write %s: %s", temp, strerror(errno));
	close(fd);
	err = -1;
    } else {
	err = fchmod(fd, 0644) < 0 || certcache_write(cc, fp) < 0 ? -1 : 0;
	/* on disk before the next edit's fsync, which would otherwise wait for it */
	if (err == 0 && (fflush(fp) == EOF || fsync(fd) < 0))
	    err = -1;
	if (fclose(fp) == EOF)
	    err = -1;
	if (err < 0)
	    snprintf(why, why_len, "cannot write %s: %s", temp, strerror(errno));
    }
    if (err == 0 && rename(temp, cc->path) < 0) {
	snprintf(why, why_len, "cannot rename %s to %s: %s", temp, cc->path, strerror(errno));
	err = -1;
    }
    if (err < 0)
	(void) unlink(temp);
    free(temp);
    return (err);
}

/* certcache_hits - loads answered from the cache */
size_t  certcache_hits(const struct certcache *cc)
{
    return (cc->hits);
}

/* certcache_path - the cache file's path */
const char *certcache_path(const struct certcache *cc)
{
    return (cc->path);
}

/* certcache_free - release everything */
void    certcache_free(struct certcache *cc)
{
    size_t  i;

    if (cc == NULL)
	return;
    for (i = 0; i < cc->nrecs; i++)
	free(cc->recs[i].bytes);
    free(cc->recs);
    htable_free(&cc->old);
    htable_free(&cc->now);
    EVP_MD_free(cc->sha256);
    free(cc->data);
    free(cc->path);
    free(cc);
}
