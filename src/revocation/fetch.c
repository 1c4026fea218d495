/*
 * fetch - bring a CRL or an OCSP response, bounded in time and size
 *
 * Redirects: OpenSSL's client reports a 301 or 302 to a GET with the
 * Location it read (OSSL_HTTP_exchange()), and 303, 307 and 308 too
 * through fetch_bio; each hop is a new exchange given what is left of
 * the one deadline. The URLs visited are kept to
 * find a loop and to name them in messages.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/http.h>
#include <openssl/httperr.h>

#include "revocation/fetch.h"
#include "revocation/fetch_bio.h"
#include "util/file_read.h"
#include "cert/log_ssl.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/timeutil.h"

/* Set by refresh before any fetch (fetch_set_redirects()); read-only afterwards. */
static int fetch_redirects = FETCH_REDIRECTS_DEFAULT;

/*
 * fetch_drain - the whole response BIO into memory. A GET response is
 * streamed (not known to be ASN.1: a PEM CRL): the connection BIO may
 * have nothing yet, so wait for it (BIO_wait) until deadline.
 */
static unsigned char *fetch_drain(BIO *bio, size_t max, time_t deadline, size_t *len,
				          char *why, size_t why_len)
{
    unsigned char *data = mem_alloc(max + 1);
    size_t  got = 0;
    int     n;

    while (got <= max) {
	n = BIO_read(bio, data + got, (int) (max + 1 - got > 65536 ? 65536 : max + 1 - got));
	if (n > 0)
	    got += (size_t) n;
	else if (!BIO_should_retry(bio) || BIO_method_type(bio) == BIO_TYPE_MEM)
	    break;				/* the end (a memory BIO: all read) */
	else if (BIO_wait(bio, deadline, 100) <= 0) {
	    snprintf(why, why_len, "timeout while reading the response");
	    free(data);
	    return (NULL);
	}
    }
    if (got > max) {
	snprintf(why, why_len, "response larger than %zu bytes", max);
	free(data);
	return (NULL);
    }
    *len = got;
    return (data);
}

/* fetch_escape - url for a message: control bytes, space, DEL, 8-bit and \ as \xHH */
static void fetch_escape(const char *url, char *buf, size_t len)
{
    size_t  used = 0;
    const unsigned char *cp;

    for (cp = (const unsigned char *) url; *cp && used + 5 < len; cp++) {
	if (*cp <= 0x20 || *cp >= 0x7f || *cp == '\\')
	    used += (size_t) snprintf(buf + used, len - used, "\\x%02x", *cp);
	else
	    buf[used++] = (char) *cp;
    }
    buf[used] = 0;
}

/* fetch_chain - "A -> B -> C" of the URLs visited, escaped, for messages */
static const char *fetch_chain(char *const *urls, int n, char *buf, size_t len)
{
    char    url[1024];
    size_t  used = 0;
    int     i, w;

    *buf = 0;
    for (i = 0; i < n && used < len; i++) {
	fetch_escape(urls[i], url, sizeof(url));
	w = snprintf(buf + used, len - used, "%s%s", i ? " -> " : "", url);
	used += w > 0 ? (size_t) w : 0;
    }
    return (buf);
}

/* fetch_scheme_len - the length of "scheme:" at the start of url, or 0 (RFC 3986, 3.1) */
static size_t fetch_scheme_len(const char *url)
{
    size_t  n;

    if (!isalpha((unsigned char) url[0]))
	return (0);
    n = 1 + strspn(url + 1, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+-.");
    return (url[n] == ':' ? n + 1 : 0);
}

/* fetch_starts - the rest of in[..end) starts with s; exact: is s */
static int fetch_starts(const char *in, const char *end, const char *s, int exact)
{
    size_t  n = strlen(s);

    return ((size_t) (end - in) >= n && memcmp(in, s, n) == 0 && (!exact || in + n == end));
}

/* fetch_cut_segment - drop the last "/segment" of out[*o] */
static void fetch_cut_segment(char *out, size_t *o)
{
    while (*o > 0 && out[--*o] != '/')
	 /* void */ ;
}

/* fetch_remove_dots - RFC 3986, 5.2.4, of in[len] into out (len + 2 bytes) */
static void fetch_remove_dots(const char *in, size_t len, char *out)
{
    const char *end = in + len;
    size_t  o = 0;

    while (in < end) {
	if (fetch_starts(in, end, "../", 0) || fetch_starts(in, end, "./", 0)) {
	    in += in[1] == '.' ? 3 : 2;
	} else if (fetch_starts(in, end, "/./", 0)) {
	    in += 2;
	} else if (fetch_starts(in, end, "/.", 1)) {
	    out[o++] = '/';
	    in = end;
	} else if (fetch_starts(in, end, "/../", 0)) {
	    in += 3;
	    fetch_cut_segment(out, &o);
	} else if (fetch_starts(in, end, "/..", 1)) {
	    fetch_cut_segment(out, &o);
	    out[o++] = '/';
	    in = end;
	} else if (fetch_starts(in, end, ".", 1) || fetch_starts(in, end, "..", 1)) {
	    in = end;
	} else {
	    do
		out[o++] = *in++;
	    while (in < end && *in != '/');
	}
    }
    out[o] = 0;
}

/*
 * fetch_location - the URL a redirect's Location names, resolved against
 * from (RFC 9110, 10.2.2: a URI reference; RFC 3986, 5.2: absolute,
 * "//authority...", "/path", "path" relative to from's directory, "?query")
 * with its scheme in lower case (schemes are case-insensitive: RFC 3986,
 * 3.1) and without a fragment. A Location with a byte at or below 0x20
 * (control characters, space) or 0x7f is refused: it would be sent on as
 * a request line. New memory, or NULL with why.
 */
static char *fetch_location(const char *from, const char *location, char *why, size_t why_len)
{
    const char *cp, *auth_end, *path_end, *loc_path_end;
    char    esc[1024], *url, *merged, *path;
    size_t  scheme, dir;

    for (cp = location; *cp; cp++) {
	if ((unsigned char) *cp <= 0x20 || (unsigned char) *cp == 0x7f) {
	    fetch_escape(location, esc, sizeof(esc));
	    snprintf(why, why_len, "redirected to a Location with a control character or "
		     "space, not followed: %s", esc);
	    return (NULL);
	}
    }
    if (*location == 0) {
	snprintf(why, why_len, "redirected to an empty Location");
	return (NULL);
    }
    scheme = fetch_scheme_len(from);
    auth_end = from + scheme + 2 + strcspn(from + scheme + 2, "/?#");
    path_end = auth_end + strcspn(auth_end, "?#");
    loc_path_end = location + strcspn(location, "?#");
    if (fetch_scheme_len(location) > 0) {
	url = mem_strdup(location);
    } else if (location[0] == '/' && location[1] == '/') {
	url = mem_printf("%.*s%s", (int) scheme, from, location);
    } else if (loc_path_end == location) {
	url = mem_printf("%.*s%s", (int) (location[0] == '?' ? path_end - from
		 : auth_end + strcspn(auth_end, "#") - from), from, location);
    } else {
	if (location[0] == '/') {
	    merged = mem_strndup(location, (size_t) (loc_path_end - location));
	} else {
	    for (dir = (size_t) (path_end - auth_end); dir > 0 && auth_end[dir - 1] != '/'; dir--)
		 /* void */ ;
	    merged = mem_printf("%s%.*s%.*s", dir ? "" : "/", (int) dir, auth_end,
				(int) (loc_path_end - location), location);
	}
	path = mem_alloc(mem_size_add(strlen(merged), 2));
	fetch_remove_dots(merged, strlen(merged), path);
	url = mem_printf("%.*s%s%s", (int) (auth_end - from), from, path, loc_path_end);
	free(path);
	free(merged);
    }
    url[strcspn(url, "#")] = 0;
    for (scheme = fetch_scheme_len(url); scheme > 0; scheme--)
	url[scheme - 1] = (char) tolower((unsigned char) url[scheme - 1]);
    return (url);
}

/*
 * fetch_hop - one exchange with url, at most timeout seconds; req NULL
 * for GET. Returns the response (for a GET streamed, since a CRL may be
 * PEM: ASN.1 is expected only of OCSP), or NULL with *redirect set to
 * where the server sends us (new memory; OpenSSL reports 301 and 302 this
 * way), or NULL with why. The response belongs to *ctxp, which the caller
 * closes with OSSL_HTTP_close() once it has read it.
 */
static BIO *fetch_hop(const char *url, const char *content_type, BIO *req,
		              const char *expect, size_t max, int timeout, char **redirect,
		              OSSL_HTTP_REQ_CTX **ctxp, char *why, size_t why_len)
{
    char   *host = NULL, *port = NULL, *path = NULL, *location = NULL;
    OSSL_HTTP_REQ_CTX *rctx = NULL;
    char    reason[1024];
    int     use_ssl = 0;
    BIO    *resp = NULL;

    *redirect = NULL;
    if (!OSSL_HTTP_parse_url(url, &use_ssl, NULL, &host, &port, NULL, &path, NULL, NULL)) {
	snprintf(why, why_len, "not a URL: %s", log_ssl_reason(reason, sizeof(reason)));
    } else if (use_ssl) {
	snprintf(why, why_len, "https is not supported (use an http URL)");
    } else if (req != NULL && BIO_reset(req) < 0) {
	snprintf(why, why_len, "cannot send the request again");
    } else if ((rctx = OSSL_HTTP_open(host, port, NULL, NULL, 0, NULL, NULL,
				      fetch_bio_update, NULL, 0, timeout)) == NULL
	       || !OSSL_HTTP_set1_request(rctx, path, NULL, content_type, req, expect,
					  req != NULL, max, -1, 0)) {
	log_ssl_reason(reason, sizeof(reason));
	snprintf(why, why_len, "%s", *reason ? reason : "cannot connect");
    } else if ((resp = OSSL_HTTP_exchange(rctx, &location)) == NULL) {
	if (location != NULL) {
	    ERR_clear_error();
	    *redirect = fetch_location(url, location, why, why_len);
	} else if (req != NULL && ERR_GET_REASON(ERR_peek_error()) == HTTP_R_REDIRECTION_NOT_ENABLED) {
	    log_ssl_reason(reason, sizeof(reason));
	    snprintf(why, why_len, "the server redirects a POST, which OpenSSL's client does "
		     "not follow (give the new URL instead): %s", reason);
	} else {
	    log_ssl_reason(reason, sizeof(reason));
	    snprintf(why, why_len, "%s", *reason ? reason : "no response");
	}
    }
    OPENSSL_free(location);
    if (resp != NULL)
	*ctxp = rctx;				/* the caller reads resp, then closes */
    else
	OSSL_HTTP_close(rctx, 0);
    OPENSSL_free(host);
    OPENSSL_free(port);
    OPENSSL_free(path);
    return (resp);
}

/*
 * fetch_http - GET (req NULL) or POST, following at most fetch_redirects
 * redirects to http:// URLs, the whole within timeout seconds
 */
static unsigned char *fetch_http(const char *url, const char *content_type, BIO *req,
				         const char *expect, size_t max, int timeout,
				         size_t *len, char *why, size_t why_len)
{
    char   *urls[FETCH_REDIRECTS_MAX + 2];
    unsigned char *data = NULL;
    long long deadline = time_monotonic_ms() + timeout * 1000LL;
    char    chain[1024];
    char   *next;
    int     n = 0, i, left;
    long long left_ms;
    BIO    *resp;
    OSSL_HTTP_REQ_CTX *rctx = NULL;

    urls[n++] = mem_strdup(url);
    for (i = (int) fetch_scheme_len(urls[0]); i > 0; i--)
	urls[0][i - 1] = (char) tolower((unsigned char) urls[0][i - 1]);
    for (;;) {
	if ((left_ms = deadline - time_monotonic_ms()) <= 0) {
	    snprintf(why, why_len, "no answer within fetch_timeout (%d s): %s", timeout,
		     fetch_chain(urls, n, chain, sizeof(chain)));
	    break;
	}
	left = (int) ((left_ms + 999) / 1000);	/* OpenSSL counts whole seconds */
	if ((resp = fetch_hop(urls[n - 1], content_type, req, expect, max, left, &next,
			      &rctx, why, why_len)) != NULL) {
	    data = fetch_drain(resp, max, time(NULL) + left, len, why, why_len);
	    OSSL_HTTP_close(rctx, data != NULL);	/* frees the connection */
	    BIO_free(resp);			/* the reference OSSL_HTTP_exchange() gave */
	    break;
	}
	if (next == NULL && n > 1) {
	    char    hop_why[1024];

	    snprintf(hop_why, sizeof(hop_why), "%s", why);
	    snprintf(why, why_len, "%s (after redirects: %s)", hop_why,
		     fetch_chain(urls, n, chain, sizeof(chain)));
	}
	if (next == NULL)
	    break;
	urls[n++] = next;
	for (i = 0; i < n - 1 && strcmp(urls[i], next) != 0; i++)
	     /* void */ ;
	if (i < n - 1) {
	    snprintf(why, why_len, "redirect loop: %s", fetch_chain(urls, n, chain, sizeof(chain)));
	    break;
	}
	if (strncmp(next, "http://", 7) != 0) {
	    snprintf(why, why_len, "redirected to a URL that is not http://: %s",
		     fetch_chain(urls, n, chain, sizeof(chain)));
	    break;
	}
	if (n - 1 > fetch_redirects) {
	    snprintf(why, why_len, "more than fetch_redirects (%d) redirects: %s",
		     fetch_redirects, fetch_chain(urls, n, chain, sizeof(chain)));
	    break;
	}
    }
    for (i = 0; i < n; i++)
	free(urls[i]);
    return (data);
}

/* fetch_set_redirects - the fetch_redirects setting */
void    fetch_set_redirects(int redirects)
{
    fetch_redirects = redirects < 0 ? 0 : redirects > FETCH_REDIRECTS_MAX ?
	FETCH_REDIRECTS_MAX : redirects;
}

/* fetch_source - GET a URL or read a file */
unsigned char *fetch_source(const char *source, size_t max, int timeout, size_t *len,
			            char *why, size_t why_len)
{
    if (source[0] == '/')
	return ((unsigned char *) file_read_all(source, max, "crl_max_size", len, why, why_len));
    if (strncasecmp(source, "http://", 7) != 0 && strncasecmp(source, "https://", 8) != 0) {
	snprintf(why, why_len, "neither an absolute path nor an http:// URL");
	return (NULL);
    }
    return (fetch_http(source, NULL, NULL, NULL, max, timeout, len, why, why_len));
}

/* fetch_post - POST body to an http URL */
unsigned char *fetch_post(const char *url, const char *content_type,
			          const unsigned char *body, size_t body_len,
			          const char *expect, size_t max, int timeout, size_t *len,
			          char *why, size_t why_len)
{
    unsigned char *data;
    BIO    *req = BIO_new_mem_buf(body, (int) body_len);

    if (req == NULL)
	log_fatal("out of memory");
    data = fetch_http(url, content_type, req, expect, max, timeout, len, why, why_len);
    BIO_free(req);
    return (data);
}
