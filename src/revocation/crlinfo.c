/*
 * crlinfo - what one CRL says about its own scope, read once
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include "revocation/crlinfo.h"
#include "cert/asn1time.h"
#include "cert/log_ssl.h"
#include "util/mem.h"

/* crlinfo_oid - an extension's OID as text */
static const char *crlinfo_oid(X509_EXTENSION *ext, char *buf, size_t len)
{
    if (OBJ_obj2txt(buf, (int) len, X509_EXTENSION_get_object(ext), 0) <= 0)
	snprintf(buf, len, "?");
    return (buf);
}

/*
 * crlinfo_extensions - refuse critical extensions we do not implement,
 * in the CRL (RFC 5280 5.2) and in its entries (5.3)
 */
static void crlinfo_extensions(struct crlinfo *ci)
{
    STACK_OF(X509_REVOKED) *revoked = X509_CRL_get_REVOKED(ci->crl);
    const STACK_OF(X509_EXTENSION) *exts;
    X509_EXTENSION *ext;
    char    oid[80];
    int     i, j, nid;

    for (i = 0; i < X509_CRL_get_ext_count(ci->crl); i++) {
	ext = X509_CRL_get_ext(ci->crl, i);
	nid = OBJ_obj2nid(X509_EXTENSION_get_object(ext));
	if (X509_EXTENSION_get_critical(ext) && nid != NID_issuing_distribution_point
	    && nid != NID_delta_crl && nid != NID_authority_key_identifier
	    && nid != NID_crl_number) {
	    snprintf(ci->why, sizeof(ci->why), "a critical CRL extension refresh does not "
		     "implement (%s; RFC 5280, 5.2)", crlinfo_oid(ext, oid, sizeof(oid)));
	    return;
	}
    }
    for (i = 0; i < sk_X509_REVOKED_num(revoked); i++) {
	exts = X509_REVOKED_get0_extensions(sk_X509_REVOKED_value(revoked, i));
	for (j = 0; j < sk_X509_EXTENSION_num(exts); j++) {
	    ext = sk_X509_EXTENSION_value(exts, j);
	    if (X509_EXTENSION_get_critical(ext)) {
		snprintf(ci->why, sizeof(ci->why), "a critical CRL entry extension refresh does "
			 "not implement (%s; RFC 5280, 5.3)", crlinfo_oid(ext, oid, sizeof(oid)));
		return;
	    }
	}
    }
}

/* crlinfo_scope - the Issuing Distribution Point: what refresh never uses */
static void crlinfo_scope(struct crlinfo *ci)
{
    ISSUING_DIST_POINT *idp = ci->idp;
    unsigned char *der = NULL, md[EVP_MAX_MD_SIZE];
    unsigned mdlen = 0;
    int     len;

    if (idp == NULL)
	return;
    if ((len = i2d_ISSUING_DIST_POINT(idp, &der)) > 0
	&& EVP_Digest(der, (size_t) len, md, &mdlen, EVP_sha256(), NULL) && mdlen >= 8)
	memcpy(ci->scope, md, sizeof(ci->scope));
    OPENSSL_free(der);
    if (idp->onlyattr > 0)
	snprintf(ci->why, sizeof(ci->why), "it covers only attribute certificates "
		 "(Issuing Distribution Point: onlyContainsAttributeCerts)");
    else if (idp->onlysomereasons != NULL)
	snprintf(ci->why, sizeof(ci->why), "it lists only some reasons "
		 "(Issuing Distribution Point: onlySomeReasons), not a complete list");
    else if (idp->indirectCRL > 0)
	snprintf(ci->why, sizeof(ci->why), "an indirect CRL "
		 "(Issuing Distribution Point: indirectCRL), which refresh does not match");
    else if (idp->distpoint != NULL && idp->distpoint->type != 0)
	snprintf(ci->why, sizeof(ci->why), "a relative distribution point name "
		 "(Issuing Distribution Point), which refresh does not match");
}

/* crlinfo_fill - the facts of one parsed CRL */
static void crlinfo_fill(struct crlinfo *ci, X509_CRL *crl)
{
    int     crit;

    memset(ci, 0, sizeof(*ci));
    ci->crl = crl;
    ci->ca = -1;
    ci->number = X509_CRL_get_ext_d2i(crl, NID_crl_number, &crit, NULL);
    ci->base = X509_CRL_get_ext_d2i(crl, NID_delta_crl, &crit, NULL);
    ci->idp = X509_CRL_get_ext_d2i(crl, NID_issuing_distribution_point, &crit, NULL);
    if (ci->idp == NULL && crit != -1)
	snprintf(ci->why, sizeof(ci->why), "an unreadable Issuing Distribution Point");
    ci->this_update = asn1time_seconds(X509_CRL_get0_lastUpdate(crl));
    ci->next_update = asn1time_seconds(X509_CRL_get0_nextUpdate(crl));
    if (*ci->why == 0)
	crlinfo_scope(ci);
    if (*ci->why == 0 && ci->base != NULL && ci->number == NULL)
	snprintf(ci->why, sizeof(ci->why), "a delta CRL without a cRLNumber");
    if (*ci->why == 0)
	crlinfo_extensions(ci);
}

/*
 * crlinfo_pem_cut - after the last PEM CRL read: did reading stop at a
 * block that is there but unreadable (1, its reason in buf), or at the
 * end of the blocks (0)? The error queue is drained either way.
 */
static int crlinfo_pem_cut(char *buf, size_t len)
{
    unsigned long err = ERR_peek_last_error();

    if (err == 0 || (ERR_GET_LIB(err) == ERR_LIB_PEM && ERR_GET_REASON(err) == PEM_R_NO_START_LINE)) {
	ERR_clear_error();
	return (0);
    }
    log_ssl_reason(buf, len);
    return (1);
}

/* crlinfo_read - one DER CRL, or every PEM CRL */
struct crlinfo *crlinfo_read(const unsigned char *data, size_t len, size_t max,
			             size_t *count, char *why, size_t why_len)
{
    struct crlinfo *info = NULL;
    const unsigned char *p = data;
    size_t  n = 0, cap = 0;
    char    reason[1024];
    X509_CRL *crl;
    BIO    *bio;

    *count = 0;
    if (len > 10 && memmem(data, len, "-----BEGIN", 10) != NULL) {
	if ((bio = BIO_new_mem_buf(data, (int) len)) == NULL)
	    log_ssl_reason(reason, sizeof(reason));
	while (bio != NULL && (crl = PEM_read_bio_X509_CRL(bio, NULL, NULL, NULL)) != NULL) {
	    if (n == max) {
		X509_CRL_free(crl);
		BIO_free(bio);
		crlinfo_free(info, n);
		snprintf(why, why_len, "more than %zu CRLs in one source (the limit)", max);
		return (NULL);
	    }
	    info = mem_grow(info, n, &cap, sizeof(*info));
	    crlinfo_fill(info + n++, crl);
	}
	BIO_free(bio);
	if (n > 0 && crlinfo_pem_cut(reason, sizeof(reason))) {
	    crlinfo_free(info, n);
	    snprintf(why, why_len, "CRL %zu of the PEM data is cut short or malformed (a partial "
		     "copy?): %s", n + 1, reason);
	    return (NULL);
	}
    } else if ((crl = d2i_X509_CRL(NULL, &p, (long) len)) != NULL) {
	if (p != data + len) {
	    X509_CRL_free(crl);
	    snprintf(why, why_len, "not a CRL: data after the DER CRL");
	    return (NULL);
	}
	info = mem_grow(info, n, &cap, sizeof(*info));
	crlinfo_fill(info + n++, crl);
    }
    if (n == 0) {
	snprintf(why, why_len, "not a CRL: %s", log_ssl_reason(reason, sizeof(reason)));
	return (NULL);
    }
    *count = n;
    return (info);
}

void    crlinfo_free(struct crlinfo *info, size_t count)
{
    size_t  i;

    for (i = 0; i < count; i++) {
	X509_CRL_free(info[i].crl);
	ASN1_INTEGER_free(info[i].number);
	ASN1_INTEGER_free(info[i].base);
	ISSUING_DIST_POINT_free(info[i].idp);
    }
    free(info);
}

/* crlinfo_dp_match - one of the IDP's names is one of the certificate's points */
static int crlinfo_dp_match(const ISSUING_DIST_POINT *idp, X509 *cert)
{
    STACK_OF(DIST_POINT) *dps = X509_get_ext_d2i(cert, NID_crl_distribution_points, NULL, NULL);
    GENERAL_NAMES *names = idp->distpoint->name.fullname;
    DIST_POINT *dp;
    int     i, j, k, match = 0;

    for (i = 0; i < sk_DIST_POINT_num(dps) && !match; i++) {
	dp = sk_DIST_POINT_value(dps, i);
	if (dp->distpoint == NULL || dp->distpoint->type != 0)
	    continue;
	for (j = 0; j < sk_GENERAL_NAME_num(dp->distpoint->name.fullname) && !match; j++)
	    for (k = 0; k < sk_GENERAL_NAME_num(names) && !match; k++)
		match = GENERAL_NAME_cmp(sk_GENERAL_NAME_value(dp->distpoint->name.fullname, j),
					 sk_GENERAL_NAME_value(names, k)) == 0;
    }
    sk_DIST_POINT_pop_free(dps, DIST_POINT_free);
    return (match);
}

int     crlinfo_covers(const struct crlinfo *info, X509 *cert, int is_ca,
		               char *why, size_t why_len)
{
    const ISSUING_DIST_POINT *idp = info->idp;

    if (idp == NULL)
	return (1);
    if (idp->onlyCA > 0 && !is_ca) {
	snprintf(why, why_len, "it covers only CA certificates (Issuing Distribution Point: "
		 "onlyContainsCACerts, an ARL), not this client certificate");
	return (0);
    }
    if (idp->onlyuser > 0 && is_ca) {
	snprintf(why, why_len, "it covers only end-entity certificates (Issuing Distribution "
		 "Point: onlyContainsUserCerts), not this CA certificate");
	return (0);
    }
    if (idp->distpoint != NULL && !crlinfo_dp_match(idp, cert)) {
	snprintf(why, why_len, "its Issuing Distribution Point is not one of the "
		 "certificate's CRL distribution points");
	return (0);
    }
    return (1);
}
