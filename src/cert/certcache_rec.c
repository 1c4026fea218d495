/*
 * certcache_rec - a certificate's facts as bytes, and back
 *
 * Written into a growable buffer; read with a cursor that refuses to move
 * past the end (a failed read sets bad, and every later read fails).
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cert/certcache_rec.h"
#include "util/mem.h"

struct certcache_buf {
    unsigned char *data;
    size_t  len;
    size_t  cap;
};

/* certcache_put - append bytes */
static void certcache_put(struct certcache_buf *b, const void *p, size_t n)
{
    b->data = mem_reserve(b->data, b->len, n, &b->cap);
    memcpy(b->data + b->len, p, n);
    b->len += n;
}

/* certcache_put_num - append a big-endian number of n bytes */
static void certcache_put_num(struct certcache_buf *b, uint64_t v, int n)
{
    unsigned char p[8];
    int     i;

    for (i = n - 1; i >= 0; i--, v >>= 8)
	p[i] = (unsigned char) v;
    certcache_put(b, p, (size_t) n);
}

/* certcache_put_str - append a u32 length and the bytes */
static void certcache_put_str(struct certcache_buf *b, const char *s)
{
    size_t  n = s ? strlen(s) : 0;

    certcache_put_num(b, n, 4);
    certcache_put(b, s ? s : "", n);
}

/* certcache_put_list - append a u32 count and the strings */
static void certcache_put_list(struct certcache_buf *b, char **list)
{
    size_t  n = 0;

    while (list && list[n])
	n++;
    certcache_put_num(b, n, 4);
    for (n = 0; list && list[n]; n++)
	certcache_put_str(b, list[n]);
}

/* certcache_rec_encode - the facts as bytes */
unsigned char *certcache_rec_encode(const struct cert *cert, int max_chain, size_t *len)
{
    struct certcache_buf b = {NULL, 0, 0};
    int     d;

    if (cert->is_ca || max_chain < 0)
	return (NULL);
    certcache_put_num(&b, (uint64_t) max_chain, 4);
    certcache_put_num(&b, (uint64_t) (int64_t) cert->not_before, 8);
    certcache_put_num(&b, (uint64_t) (int64_t) cert->not_after, 8);
    for (d = 0; d < FPRINT_DIGEST_COUNT; d++) {
	if (cert->cert_fp[d].len != fprint_digest_size(d)
	    || cert->pubkey_fp[d].len != fprint_digest_size(d)) {
	    free(b.data);
	    return (NULL);
	}
	certcache_put(&b, cert->cert_fp[d].bytes, cert->cert_fp[d].len);
	certcache_put(&b, cert->pubkey_fp[d].bytes, cert->pubkey_fp[d].len);
    }
    certcache_put_str(&b, cert->serial);
    certcache_put_str(&b, cert->issuer);
    certcache_put_str(&b, cert->subject);
    certcache_put_list(&b, cert->crl_urls);
    certcache_put_list(&b, cert->ocsp_urls);
    *len = b.len;
    return (b.data);
}

struct certcache_cursor {
    const unsigned char *p;
    size_t  left;
    int     bad;
};

/* certcache_get - the next n bytes, or NULL (and bad) when fewer are left */
static const unsigned char *certcache_get(struct certcache_cursor *c, size_t n)
{
    const unsigned char *p = c->p;

    if (c->bad || n > c->left) {
	c->bad = 1;
	return (NULL);
    }
    c->p += n;
    c->left -= n;
    return (p);
}

/* certcache_get_num - a big-endian number of n bytes (0 when bad) */
static uint64_t certcache_get_num(struct certcache_cursor *c, int n)
{
    const unsigned char *p = certcache_get(c, (size_t) n);
    uint64_t v = 0;
    int     i;

    for (i = 0; p && i < n; i++)
	v = v << 8 | p[i];
    return (v);
}

/* certcache_get_str - a new string, or NULL (and bad) */
static char *certcache_get_str(struct certcache_cursor *c)
{
    size_t  n = (size_t) certcache_get_num(c, 4);
    const unsigned char *p = certcache_get(c, n);

    if (p == NULL || memchr(p, 0, n) != NULL) {
	c->bad = 1;
	return (NULL);
    }
    return (mem_strndup((const char *) p, n));
}

/* certcache_get_list - a new NULL-terminated list (NULL when empty), bad on error */
static char **certcache_get_list(struct certcache_cursor *c)
{
    size_t  n = (size_t) certcache_get_num(c, 4), i;
    char  **list;

    /* each string takes at least its 4-byte length: a count cannot exceed left / 4 */
    if (c->bad || n > c->left / 4) {
	c->bad = 1;
	return (NULL);
    }
    if (n == 0)
	return (NULL);
    list = mem_calloc(n + 1, sizeof(*list));
    for (i = 0; i < n && !c->bad; i++)
	list[i] = certcache_get_str(c);
    return (list);
}

/* certcache_rec_decode - the facts back */
struct cert *certcache_rec_decode(const unsigned char *data, size_t len, int max_chain)
{
    struct certcache_cursor c = {data, len, 0};
    struct cert *cert;
    const unsigned char *p;
    size_t  size;
    int     d;

    if (max_chain < 0 || certcache_get_num(&c, 4) != (uint64_t) max_chain || c.bad)
	return (NULL);
    cert = mem_calloc(1, sizeof(*cert));
    cert->not_before = (time_t) (int64_t) certcache_get_num(&c, 8);
    cert->not_after = (time_t) (int64_t) certcache_get_num(&c, 8);
    for (d = 0; d < FPRINT_DIGEST_COUNT && !c.bad; d++) {
	size = fprint_digest_size(d);
	if ((p = certcache_get(&c, size)) != NULL) {
	    memcpy(cert->cert_fp[d].bytes, p, size);
	    cert->cert_fp[d].digest = (enum fprint_digest) d;
	    cert->cert_fp[d].len = (unsigned char) size;
	}
	if ((p = certcache_get(&c, size)) != NULL) {
	    memcpy(cert->pubkey_fp[d].bytes, p, size);
	    cert->pubkey_fp[d].digest = (enum fprint_digest) d;
	    cert->pubkey_fp[d].len = (unsigned char) size;
	}
    }
    cert->serial = certcache_get_str(&c);
    cert->issuer = certcache_get_str(&c);
    cert->subject = certcache_get_str(&c);
    cert->crl_urls = certcache_get_list(&c);
    cert->ocsp_urls = certcache_get_list(&c);
    if (c.bad || c.left != 0) {
	cert_free(cert);
	return (NULL);
    }
    return (cert);
}
