/*
 * fetch - bring a CRL or an OCSP response, bounded in time and size
 *
 * A source is an absolute file path or an http:// URL. HTTP goes through
 * OpenSSL's own client (OSSL_HTTP_transfer), with timeout seconds as a
 * deadline on the whole exchange (connect, send, receive) and max bytes
 * as a cap on the response; a responder that accepts the connection and
 * never answers costs at most the timeout. https is not supported (CRL
 * and OCSP data are signed; their URLs are http by convention).
 *
 * A redirect to an http:// URL is followed, up to fetch_redirects hops
 * (fetch_set_redirects(); default FETCH_REDIRECTS_DEFAULT), every hop
 * within the same timeout; a relative Location is resolved against the
 * URL that answered (RFC 9110, 10.2.2; RFC 3986, 5.2) and schemes are
 * compared without regard to case (RFC 3986, 3.1). A loop, one hop too
 * many, a redirect to another scheme, or a Location with a control
 * character, space or DEL is an error naming the URLs ("A -> B -> C"),
 * every byte of them that is not printable ASCII shown as \xHH.
 */
#ifndef CERTPOLICY_FETCH_H
#define CERTPOLICY_FETCH_H

#include <stddef.h>

#include "policy/settings.h"		/* FETCH_REDIRECTS_DEFAULT, _MAX */

/*
 * fetch_set_redirects - how many redirects a fetch follows (the
 * fetch_redirects setting, clamped to 0..FETCH_REDIRECTS_MAX). Call it
 * before any fetch, and before threads that fetch are started.
 */
void    fetch_set_redirects(int redirects);

/*
 * fetch_source - GET a URL or read a file. Returns new memory and sets
 * *len, or NULL with the reason in why[why_len] (OpenSSL's included).
 */
unsigned char *fetch_source(const char *source, size_t max, int timeout, size_t *len,
			            char *why, size_t why_len);

/* fetch_post - POST body to an http URL, as content_type, expecting expect */
unsigned char *fetch_post(const char *url, const char *content_type,
			          const unsigned char *body, size_t body_len,
			          const char *expect, size_t max, int timeout, size_t *len,
			          char *why, size_t why_len);

#endif
