/*
 * ocspcheck - certificate status from an OCSP responder
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/ocsp.h>

#include "fetch.h"
#include "log_ssl.h"
#include "ocspcheck.h"
#include "timeutil.h"

/* ocspcheck_time - a GeneralizedTime as seconds, or -1 */
static long long ocspcheck_time(const ASN1_GENERALIZEDTIME *t)
{
    struct tm tm;

    if (t == NULL || !ASN1_TIME_to_tm(t, &tm))
	return (-1);
    return ((long long) time_from_utc_tm(&tm));
}

/* ocspcheck_verify - trust, nonce, certificate, times; 0 or -1 (why) */
static int ocspcheck_verify(const struct ocspcheck_opts *o, OCSP_REQUEST *req,
			            OCSP_BASICRESP *bs, OCSP_CERTID *id, struct statusrec *st,
			            int *nonce_missing, char *why, size_t why_len)
{
    ASN1_GENERALIZEDTIME *revtime = NULL, *thisupd = NULL, *nextupd = NULL;
    char    reason[1024];
    int     status, code = -1, nonce;

    if (OCSP_basic_verify(bs, o->cas, o->store, 0) <= 0) {
	snprintf(why, why_len, "response not signed by the CA or a responder it authorized: %s",
		 log_ssl_reason(reason, sizeof(reason)));
	return (-1);
    }
    nonce = OCSP_check_nonce(req, bs);
    if (o->nonce && nonce == 0) {
	snprintf(why, why_len, "the response's nonce is not the request's (replayed?)");
	return (-1);
    }
    *nonce_missing = o->nonce && nonce == -1;
    if (!OCSP_resp_find_status(bs, id, &status, &code, &revtime, &thisupd, &nextupd)) {
	snprintf(why, why_len, "the response does not cover this certificate");
	return (-1);
    }
    if (!OCSP_check_validity(thisupd, nextupd, o->skew, -1)) {
	snprintf(why, why_len, "the response is not fresh: %s",
		 log_ssl_reason(reason, sizeof(reason)));
	return (-1);
    }
    memset(st, 0, sizeof(*st));
    st->source = SOURCE_OCSP;
    st->this_update = ocspcheck_time(thisupd);
    st->next_update = nextupd ? ocspcheck_time(nextupd) :
	st->this_update + OCSPCHECK_DEFAULT_LIFETIME;
    st->revoked_at = -1;
    st->state = status == V_OCSP_CERTSTATUS_GOOD ? STATUS_GOOD :
	status == V_OCSP_CERTSTATUS_REVOKED ? STATUS_REVOKED : STATUS_UNKNOWN;
    if (st->state == STATUS_REVOKED) {
	st->revoked_at = ocspcheck_time(revtime);
	if (code >= 0)
	    snprintf(st->reason, sizeof(st->reason), "%s", OCSP_crl_reason_str(code));
    }
    return (0);
}

/* ocspcheck_status - ask url about cert */
int     ocspcheck_status(const struct ocspcheck_opts *o, const char *url, X509 *cert,
			         X509 *issuer, struct statusrec *st, int *nonce_missing,
			         char *why, size_t why_len)
{
    OCSP_CERTID *id = OCSP_cert_to_id(NULL, cert, issuer);
    OCSP_REQUEST *req = OCSP_REQUEST_new();
    OCSP_RESPONSE *resp = NULL;
    OCSP_BASICRESP *bs = NULL;
    unsigned char *der = NULL, *body;
    const unsigned char *p;
    char    reason[1024];
    size_t  len;
    int     der_len, ret = -1, rstatus;

    *nonce_missing = 0;
    if (id == NULL || req == NULL || OCSP_request_add0_id(req, OCSP_CERTID_dup(id)) == NULL
	|| (o->nonce && !OCSP_request_add1_nonce(req, NULL, -1))
	|| (der_len = i2d_OCSP_REQUEST(req, &der)) <= 0) {
	snprintf(why, why_len, "cannot build the OCSP request: %s",
		 log_ssl_reason(reason, sizeof(reason)));
	goto done;
    }
    body = fetch_post(url, "application/ocsp-request", der, (size_t) der_len,
		      "application/ocsp-response", o->max_size, o->timeout, &len, why, why_len);
    if (body == NULL)
	goto done;
    p = body;
    resp = d2i_OCSP_RESPONSE(NULL, &p, (long) len);
    free(body);
    if (resp == NULL) {
	snprintf(why, why_len, "not an OCSP response: %s", log_ssl_reason(reason, sizeof(reason)));
	goto done;
    }
    if ((rstatus = OCSP_response_status(resp)) != OCSP_RESPONSE_STATUS_SUCCESSFUL) {
	snprintf(why, why_len, "the responder answered: %s", OCSP_response_status_str(rstatus));
	goto done;
    }
    if ((bs = OCSP_response_get1_basic(resp)) == NULL) {
	snprintf(why, why_len, "not a basic OCSP response");
	goto done;
    }
    ret = ocspcheck_verify(o, req, bs, id, st, nonce_missing, why, why_len);

done:
    OPENSSL_free(der);
    OCSP_BASICRESP_free(bs);
    OCSP_RESPONSE_free(resp);
    OCSP_REQUEST_free(req);
    OCSP_CERTID_free(id);
    return (ret);
}
