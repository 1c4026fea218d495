/*
 * fetch - bring a CRL or an OCSP response, bounded in time and size
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/http.h>

#include "fetch.h"
#include "file_read.h"
#include "log_ssl.h"
#include "mem.h"

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

/* fetch_http - one exchange; req NULL for GET */
static unsigned char *fetch_http(const char *url, const char *content_type, BIO *req,
				         const char *expect, size_t max, int timeout,
				         size_t *len, char *why, size_t why_len)
{
    char   *host = NULL, *port = NULL, *path = NULL;
    unsigned char *data = NULL;
    char    reason[1024];
    int     use_ssl = 0;
    time_t  deadline = time(NULL) + timeout;
    BIO    *resp;

    if (!OSSL_HTTP_parse_url(url, &use_ssl, NULL, &host, &port, NULL, &path, NULL, NULL)) {
	snprintf(why, why_len, "not a URL: %s", log_ssl_reason(reason, sizeof(reason)));
	return (NULL);
    }
    if (use_ssl) {
	snprintf(why, why_len, "https is not supported (use an http URL)");
    } else {
	/* A CRL may come as PEM (easy-rsa, openssl ca): expect ASN.1 only of OCSP. */
	resp = OSSL_HTTP_transfer(NULL, host, port, path, 0, NULL, NULL, NULL, NULL,
				  NULL, NULL, 0, NULL, content_type, req, expect,
				  req != NULL, max, timeout, 0);
	if (resp == NULL) {
	    log_ssl_reason(reason, sizeof(reason));
	    snprintf(why, why_len, "%s", *reason ? reason : "no response");
	} else {
	    data = fetch_drain(resp, max, deadline, len, why, why_len);
	    BIO_free_all(resp);
	}
    }
    OPENSSL_free(host);
    OPENSSL_free(port);
    OPENSSL_free(path);
    return (data);
}

/* fetch_source - GET a URL or read a file */
unsigned char *fetch_source(const char *source, size_t max, int timeout, size_t *len,
			            char *why, size_t why_len)
{
    if (source[0] == '/')
	return ((unsigned char *) file_read_all(source, max, "crl_max_size", len, why, why_len));
    if (strncmp(source, "http://", 7) != 0 && strncmp(source, "https://", 8) != 0) {
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
