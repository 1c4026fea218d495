/*
 * certcache - the facts of certificate files already parsed, by content
 *
 * A compile needs, from each cert= file, only the facts that cert_parse()
 * extracts (fingerprints in every digest, validity, serial, names, CRL
 * and OCSP URLs). Parsing them again for every unchanged file is most of
 * the time a compile of many cert= clients takes, so the facts are kept
 * in a file beside the database (its path with CERTCACHE_SUFFIX), keyed
 * by the SHA-256 digest of the file's content: a file that changed, under
 * any name and with any modification time, is parsed again.
 *
 * The cache can only make a compile faster, never its result different:
 * a record is used only when its own SHA-256 checksum holds, it was made
 * by this version of certpolicy with this OpenSSL, under the same
 * max_chain_certs, and it decodes within its bounds; anything else
 * (missing, unreadable, too large, truncated, garbage) is a miss and the
 * file is parsed. Only successes are cached: a file that fails, or holds
 * a CA certificate, is parsed every time, so every error message stays
 * the parser's own. Certificates taken from the cache have x509 = NULL:
 * a caller that needs the certificate itself (refresh, for CRL and OCSP)
 * does not use the cache.
 *
 * The file is read whole into memory (no mapping that a truncation could
 * turn into a crash), at most max_bytes (certcache_open()), and only when
 * it is a regular file owned by this user or root and writable by no one
 * else: its checksums are plain digests, not a seal, so a cache another
 * user could have written is an empty one. It is written
 * by certcache_save() only by a caller holding the writer lock, to a
 * temporary file beside it (".NAME.XXXXXX", removed by atomic_sweep()),
 * flushed to disk (so that the next edit's small fsync does not wait for
 * it) and renamed into place; after a crash a torn cache is a corrupt
 * one, which costs a slower compile.
 *
 * Never prints: failures come back as a reason.
 */
#ifndef CERTPOLICY_CERTCACHE_H
#define CERTPOLICY_CERTCACHE_H

#include <stddef.h>

#include "cert/cert.h"

/* The cache of the database PATH is PATH CERTCACHE_SUFFIX. */
#define CERTCACHE_SUFFIX ".certcache"

struct certcache;

/*
 * certcache_open - the cache at path (a missing, unreadable, larger than
 * max_bytes or corrupt file is an empty cache: never fails)
 */
struct certcache *certcache_open(const char *path, size_t max_bytes);

/*
 * certcache_load - cert_load(path, max_size, max_chain, NULL, why,
 * why_len), with the facts of a file whose content is in the cache taken
 * from there (x509 NULL). The file is always read (at most max_size
 * bytes: the max_cert_size limit and its message are cert_load()'s).
 */
struct cert *certcache_load(struct certcache *cc, const char *path, size_t max_size,
			            int max_chain, char *why, size_t why_len);

/*
 * certcache_save - replace the cache by the facts of the files loaded
 * since certcache_open() (nothing is written when it already holds just
 * those). 0, or -1 with the reason in why[why_len]; the old cache is then
 * as it was. The caller holds the writer lock.
 */
int     certcache_save(struct certcache *cc, char *why, size_t why_len);

/* certcache_hits - how many certcache_load() calls were answered from the cache */
size_t  certcache_hits(const struct certcache *cc);

/* certcache_path - the cache file's path */
const char *certcache_path(const struct certcache *cc);

/* certcache_free - release the cache (NULL is allowed) */
void    certcache_free(struct certcache *cc);

#endif
