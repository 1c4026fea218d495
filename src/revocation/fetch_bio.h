/*
 * fetch_bio - let OpenSSL's HTTP client see every redirect status
 *
 * OpenSSL 3.0's client (OSSL_HTTP_exchange) reports only 301 and 302 as
 * redirects, with the Location it read; 303, 307 and 308 (RFC 9110, 15.4)
 * are errors to it ("status code unsupported"). For a GET the four mean
 * the same to us: fetch the other URL. This filter BIO, pushed onto the
 * connection by OSSL_HTTP_open()'s bio_update_fn, rewrites the status
 * code of a response's first line from 303, 307 or 308 to 302 and passes
 * everything else through unchanged. It buffers at most the first 12
 * bytes ("HTTP/1.x NNN"); it never blocks (a short read is retried by
 * OpenSSL as for the socket itself). Only the fetch module uses it.
 */
#ifndef CERTPOLICY_FETCH_BIO_H
#define CERTPOLICY_FETCH_BIO_H

struct bio_st;

/*
 * fetch_bio_update - an OSSL_HTTP_bio_cb_t: on connect, bio under the
 * filter; on disconnect, bio as it is (freed with the chain by OpenSSL).
 * Returns NULL only when out of memory.
 */
struct bio_st *fetch_bio_update(struct bio_st *bio, void *arg, int connect, int detail);

#endif
