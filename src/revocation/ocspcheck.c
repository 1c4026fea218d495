/*
 * ocspcheck - certificate status from an OCSP responder
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ocsp.h>
#include <openssl/x509v3.h>

#include "revocation/fetch.h"
#include "cert/asn1time.h"
#include "cert/log_ssl.h"
#include "revocation/ocspcheck.h"

/* ocspcheck_is_responder - does the response's ResponderID name x (by name or key hash) */
static int ocspcheck_is_responder(OCSP_BASICRESP *bs, X509 *x)
{
    const ASN1_OCTET_STRING *keyhash = NULL;
    const X509_NAME *name = NULL;
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned mdlen;

    if (!OCSP_resp_get0_id(bs, &keyhash, &name))
	return (0);
    if (name != NULL)
	return (X509_NAME_cmp(name, X509_get_subject_name(x)) == 0);
    return (keyhash != NULL && X509_pubkey_digest(x, EVP_sha1(), md, &mdlen)
	    && ASN1_STRING_length(keyhash) == (int) mdlen
	    && memcmp(ASN1_STRING_get0_data(keyhash), md, mdlen) == 0);
}

/* ocspcheck_signed_by - is the response signed by x's key (x named by its ResponderID) */
static int ocspcheck_signed_by(const struct ocspcheck_opts *o, OCSP_BASICRESP *bs, X509 *x)
{
    STACK_OF(X509) *one = sk_X509_new_null();
    int     ok = 0;

    /* x alone, trusted as given: OpenSSL only checks the signature with its key */
    if (one != NULL && sk_X509_push(one, x))
	ok = OCSP_basic_verify(bs, one, o->store, OCSP_NOINTERN | OCSP_TRUSTOTHER) == 1;
    sk_X509_free(one);
    return (ok);
}

/*
 * ocspcheck_delegated - is x a responder the issuer's key certified (RFC
 * 6960 4.2.2.2): issued under that name and key, id-kp-OCSPSigning,
 * valid now (clock_skew allowed); NULL or why not
 */
static const char *ocspcheck_delegated(const struct ocspcheck_opts *o, X509 *x, X509 *issuer)
{
    long long from = asn1time_seconds(X509_get0_notBefore(x));
    long long until = asn1time_seconds(X509_get0_notAfter(x));

    if (X509_check_issued(issuer, x) != X509_V_OK
	|| X509_verify(x, X509_get0_pubkey(issuer)) != 1)
	return ("its certificate is not signed by the key that signed the certificate");
    if ((X509_get_extension_flags(x) & EXFLAG_XKUSAGE) == 0
	|| (X509_get_extended_key_usage(x) & XKU_OCSP_SIGN) == 0)
	return ("its certificate has no id-kp-OCSPSigning");
    if (from < 0 || until < 0 || from > o->now + o->skew || until + o->skew < o->now)
	return ("its certificate is not valid now");
    return (NULL);
}

/*
 * ocspcheck_signer - the response is signed by the issuer's key, or by a
 * responder that key certified (in the response or in client_ca_file).
 * Issuers are keys, not names: every candidate the ResponderID names is
 * tried, since two CAs may share a name. 0, or -1 (why).
 */
static int ocspcheck_signer(const struct ocspcheck_opts *o, OCSP_BASICRESP *bs, X509 *issuer,
			            char *why, size_t why_len)
{
    const STACK_OF(X509) *lists[2] = {OCSP_resp_get0_certs(bs), o->cas};
    const char *not = NULL;
    char    reason[1024] = "";
    X509   *x;
    int     l, i, named = 0;

    if (ocspcheck_is_responder(bs, issuer)) {
	named = 1;
	if (ocspcheck_signed_by(o, bs, issuer))
	    return (0);
	log_ssl_reason(reason, sizeof(reason));
    }
    for (l = 0; l < 2; l++) {
	for (i = 0; i < sk_X509_num(lists[l]); i++) {
	    x = sk_X509_value(lists[l], i);
	    if (X509_cmp(x, issuer) == 0 || !ocspcheck_is_responder(bs, x))
		continue;
	    named = 1;
	    if ((not = ocspcheck_delegated(o, x, issuer)) != NULL)
		continue;
	    if (ocspcheck_signed_by(o, bs, x))
		return (0);
	    log_ssl_reason(reason, sizeof(reason));
	}
    }
    ERR_clear_error();
    snprintf(why, why_len, "response not signed by the CA or a responder it authorized: %s",
	     !named ? "its responder ID names neither the key that signed the certificate nor "
	     "a responder certificate at hand" : *reason ? reason : not ? not : "signature failure");
    return (-1);
}

/*
 * ocspcheck_find - the SingleResponse for id (RFC 6960 4.2.1: a response
 * may carry several): when several cover the certificate, a revoked one
 * wins (the first of them), else the first. 0, or -1 when none covers it.
 */
static int ocspcheck_find(OCSP_BASICRESP *bs, OCSP_CERTID *id, int *status, int *code,
			          ASN1_GENERALIZEDTIME **revtime, ASN1_GENERALIZEDTIME **thisupd,
			          ASN1_GENERALIZEDTIME **nextupd)
{
    ASN1_GENERALIZEDTIME *rev, *thisu, *nextu;
    int     idx = -1, st, c;

    *status = -1;
    while ((idx = OCSP_resp_find(bs, id, idx)) >= 0) {
	c = -1;
	rev = thisu = nextu = NULL;
	st = OCSP_single_get0_status(OCSP_resp_get0(bs, idx), &c, &rev, &thisu, &nextu);
	if (*status < 0 || (st == V_OCSP_CERTSTATUS_REVOKED
			    && *status != V_OCSP_CERTSTATUS_REVOKED)) {
	    *status = st;
	    *code = c;
	    *revtime = rev;
	    *thisupd = thisu;
	    *nextupd = nextu;
	}
    }
    return (*status >= 0 ? 0 : -1);
}

/* ocspcheck_verify - signer, nonce, certificate, times; 0 or -1 (why) */
static int ocspcheck_verify(const struct ocspcheck_opts *o, OCSP_REQUEST *req,
			            OCSP_BASICRESP *bs, OCSP_CERTID *id, X509 *issuer,
			            struct statusrec *st, int *nonce_missing, char *why,
			            size_t why_len)
{
    ASN1_GENERALIZEDTIME *revtime = NULL, *thisupd = NULL, *nextupd = NULL;
    char    reason[1024];
    int     status, code = -1, nonce;

    if (ocspcheck_signer(o, bs, issuer, why, why_len) < 0)
	return (-1);
    nonce = OCSP_check_nonce(req, bs);
    if (o->nonce && nonce == 0) {
	snprintf(why, why_len, "the response's nonce is not the request's (replayed?)");
	return (-1);
    }
    *nonce_missing = o->nonce && nonce == -1;
    if (ocspcheck_find(bs, id, &status, &code, &revtime, &thisupd, &nextupd) < 0) {
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
    st->this_update = asn1time_seconds(thisupd);
    st->next_update = nextupd ? asn1time_seconds(nextupd) :
	st->this_update + OCSPCHECK_DEFAULT_LIFETIME;
    st->revoked_at = -1;
    st->state = status == V_OCSP_CERTSTATUS_GOOD ? STATUS_GOOD :
	status == V_OCSP_CERTSTATUS_REVOKED ? STATUS_REVOKED : STATUS_UNKNOWN;
    if (st->state == STATUS_REVOKED) {
	st->revoked_at = asn1time_seconds(revtime);
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
    ret = ocspcheck_verify(o, req, bs, id, issuer, st, nonce_missing, why, why_len);

done:
    OPENSSL_free(der);
    OCSP_BASICRESP_free(bs);
    OCSP_RESPONSE_free(resp);
    OCSP_REQUEST_free(req);
    OCSP_CERTID_free(id);
    return (ret);
}
