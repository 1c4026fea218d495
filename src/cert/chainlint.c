/*
 * chainlint - the order, completeness and trust of a served chain
 *
 * The "issued" relation is certfile_issued() (names, key identifiers and
 * the signature), so two CAs with one name (a cross-sign, a key rollover)
 * are told apart by their keys. The file holds at most max_chain_certs
 * certificates (the caller's bound), which bounds the quadratic search.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include "cert/certfile.h"
#include "cert/chainlint.h"
#include "util/log.h"
#include "util/mem.h"
#include "util/timeutil.h"

/* chainlint_issued_any - certs[i] issued another certificate of the file */
static int chainlint_issued_any(STACK_OF(X509) *certs, int i)
{
    int     j;

    for (j = 0; j < sk_X509_num(certs); j++)
	if (j != i && certfile_issued(sk_X509_value(certs, i), sk_X509_value(certs, j)))
	    return (1);
    return (0);
}

/* chainlint_leaf - the first that issued none, an end-entity one before a CA */
int     chainlint_leaf(STACK_OF(X509) *certs)
{
    int     i, ca_leaf = -1;

    for (i = 0; i < sk_X509_num(certs); i++) {
	if (chainlint_issued_any(certs, i))
	    continue;
	if (!certfile_is_ca(sk_X509_value(certs, i)))
	    return (i);
	if (ca_leaf < 0)
	    ca_leaf = i;
    }
    return (ca_leaf < 0 ? 0 : ca_leaf);
}

/*
 * chainlint_path - path[0] = leaf, then each one's issuer in the file
 * (the next certificate when it is one, so a cross-sign placed right is
 * taken); returns the length. Stops at a self-signed certificate.
 */
static int chainlint_path(STACK_OF(X509) *certs, int leaf, int *path, char *used)
{
    int     n = sk_X509_num(certs), len = 1, cur, next, j;

    path[0] = leaf;
    used[leaf] = 1;
    while (len < n) {
	cur = path[len - 1];
	if (certlint_self_signed(sk_X509_value(certs, cur)))
	    break;
	next = -1;
	if (cur + 1 < n && !used[cur + 1]
	    && certfile_issued(sk_X509_value(certs, cur + 1), sk_X509_value(certs, cur)))
	    next = cur + 1;
	for (j = 0; next < 0 && j < n; j++)
	    if (!used[j] && certfile_issued(sk_X509_value(certs, j), sk_X509_value(certs, cur)))
		next = j;
	if (next < 0)
	    break;
	path[len++] = next;
	used[next] = 1;
    }
    return (len);
}

/* chainlint_subject - a certificate's subject, RFC 2253 */
static const char *chainlint_subject(X509 *x509, char *buf, size_t len)
{
    return (certlint_name_text(X509_get_subject_name(x509), buf, len));
}

/*
 * chainlint_would_issue - certs[j] is named as the issuer of a certificate
 * on the path (names, key identifiers) but did not issue it (no CA, a
 * wrong signature): not unrelated; the trust check says what is wrong
 */
static int chainlint_would_issue(STACK_OF(X509) *certs, const int *path, int len, int j)
{
    int     k, ret = 0;

    for (k = 0; k < len && !ret; k++)
	ret = X509_check_issued(sk_X509_value(certs, j), sk_X509_value(certs, path[k])) == X509_V_OK
	    && !certfile_issued(sk_X509_value(certs, j), sk_X509_value(certs, path[k]));
    ERR_clear_error();
    return (ret);
}

/* chainlint_order - chain-order, chain-unrelated, root-included */
static void chainlint_order(STACK_OF(X509) *certs, const int *path, int len, const char *used,
			            struct lint_report *report)
{
    char    order[256], subject[256];
    int     k, j, bad = -1;

    for (k = 0; k < len && bad < 0; k++)
	if (path[k] != k)
	    bad = path[k];
    if (bad >= 0) {
	order[0] = 0;
	for (k = 0; k < len; k++)
	    snprintf(order + strlen(order), sizeof(order) - strlen(order), "%s%d",
		     k ? ", " : "", path[k]);
	lint_report_add(report, "chain-order", LINT_ERROR, bad, "the certificates are not in "
			"the order servers must send them (the server's own first, then each "
			"one's issuer): put the file's certificates %s in this order", order);
    }
    for (j = 0; j < sk_X509_num(certs); j++) {
	if (used[j] || chainlint_would_issue(certs, path, len, j))
	    continue;
	chainlint_subject(sk_X509_value(certs, j), subject, sizeof(subject));
	for (k = 0; k < j; k++)
	    if (X509_cmp(sk_X509_value(certs, k), sk_X509_value(certs, j)) == 0)
		break;
	if (k < j)
	    lint_report_add(report, "chain-unrelated", LINT_WARNING, j, "\"%s\" is a second "
			    "copy of the certificate at position %d: drop it", subject, k);
	else
	    lint_report_add(report, "chain-unrelated", LINT_WARNING, j, "\"%s\" did not issue "
			    "any certificate of the leaf's chain: drop it from the file "
			    "(clients get it for nothing, or take it for a wrong issuer)", subject);
    }
    if (len > 1 && certlint_self_signed(sk_X509_value(certs, path[len - 1])))
	lint_report_add(report, "root-included", LINT_INFO, path[len - 1], "the file carries "
			"the self-signed root \"%s\": clients use their own copy, so it can be "
			"left out", chainlint_subject(sk_X509_value(certs, path[len - 1]), subject,
						      sizeof(subject)));
}

/* chainlint_position - x509's position in the file, or -1 */
static int chainlint_position(STACK_OF(X509) *certs, X509 *x509)
{
    int     i;

    for (i = 0; i < sk_X509_num(certs); i++)
	if (X509_cmp(sk_X509_value(certs, i), x509) == 0)
	    return (i);
    return (-1);
}

/*
 * chainlint_verify - OpenSSL's verdict on the leaf with store as trust
 * roots and the file's certificates as intermediates, dates not checked.
 * Returns X509_V_OK or the error, with *depth its position in the file
 * (-1 when the certificate concerned is not in it).
 */
static int chainlint_verify(X509_STORE *store, STACK_OF(X509) *certs, int leaf, int *depth,
			            char *subject, size_t len)
{
    X509_STORE_CTX *ctx;
    X509   *at;
    int     err;

    if ((ctx = X509_STORE_CTX_new()) == NULL
	|| !X509_STORE_CTX_init(ctx, store, sk_X509_value(certs, leaf), certs))
	log_fatal("out of memory");
    X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_CHECK_TIME);
    err = X509_verify_cert(ctx) > 0 ? X509_V_OK : X509_STORE_CTX_get_error(ctx);
    *depth = -1;
    subject[0] = 0;
    if (err != X509_V_OK && (at = X509_STORE_CTX_get_current_cert(ctx)) != NULL) {
	*depth = chainlint_position(certs, at);
	chainlint_subject(at, subject, len);
    }
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    return (err);
}

/* chainlint_trust - chain-incomplete, untrusted-root, chain-invalid; 1 = public */
static int chainlint_trust(const struct certlint_input *in, int leaf, int last,
			           struct lint_report *report)
{
    char    subject[256], issuer[256];
    int     err, depth;

    err = chainlint_verify(in->trust, in->chain, leaf, &depth, subject, sizeof(subject));
    if (depth < 0)
	depth = last;
    if (err == X509_V_OK) {
	return (chainlint_verify(in->system, in->chain, leaf, &depth, subject,
				 sizeof(subject)) == X509_V_OK);
    } else if (err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY
	       || err == X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT
	       || err == X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE) {
	certlint_name_text(X509_get_issuer_name(sk_X509_value(in->chain, depth)), issuer,
			   sizeof(issuer));
	lint_report_add(report, "chain-incomplete", LINT_ERROR, depth, "the issuer of \"%s\" "
			"(\"%s\") is neither in the file nor a trusted root: append the CA's "
			"intermediate certificate after it (use the CA's full chain file, e.g. "
			"fullchain.pem), or, for a private root, give it with --trust",
			subject, issuer);
    } else if (err == X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT
	       || err == X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN) {
	lint_report_add(report, "untrusted-root", LINT_WARNING, depth, "the chain ends at "
			"\"%s\", a self-signed certificate that is not a trusted root: only "
			"clients that have it installed accept the server; use a certificate "
			"from a public CA, or give this root with --trust when every client has "
			"it", subject);
    } else {
	lint_report_add(report, "chain-invalid", LINT_ERROR, depth, "\"%s\": %s: clients "
			"refuse the chain: have the certificate issued again", subject,
			X509_verify_cert_error_string(err));
    }
    return (0);
}

/*
 * chainlint_expired_issuer - the last certificate of the path is signed by
 * an expired root: in the file (self-signed) or among the trust roots
 */
static void chainlint_expired_issuer(const struct certlint_input *in, const int *path, int len,
				             struct lint_report *report)
{
    X509   *last = sk_X509_value(in->chain, path[len - 1]);
    X509_STORE_CTX *ctx;
    STACK_OF(X509) *found = NULL;
    X509   *issuer = NULL;
    char    subject[256], name[256], date[11];
    int     i, k = len - 1;

    if (len > 1 && certlint_self_signed(last)) {
	issuer = last;				/* a root in the file */
	k = len - 2;
    } else if (!certlint_self_signed(last)) {
	if ((ctx = X509_STORE_CTX_new()) == NULL || !X509_STORE_CTX_init(ctx, in->trust, NULL, NULL))
	    log_fatal("out of memory");
	found = X509_STORE_CTX_get1_certs(ctx, X509_get_issuer_name(last));
	for (i = 0; found != NULL && i < sk_X509_num(found) && issuer == NULL; i++)
	    if (certfile_issued(sk_X509_value(found, i), last)
		&& certlint_time(X509_get0_notAfter(sk_X509_value(found, i))) < in->now)
		issuer = sk_X509_value(found, i);
	X509_STORE_CTX_free(ctx);
	ERR_clear_error();
    }
    if (issuer != NULL && certlint_time(X509_get0_notAfter(issuer)) < in->now)
	lint_report_add(report, "expired-issuer", LINT_ERROR, path[k], "\"%s\" is signed by "
			"\"%s\", which expired on %s: clients that build the chain as sent "
			"(OpenSSL 1.0.x, older Android and iOS) follow it to the expired root "
			"and refuse the server: drop this certificate from the chain",
			chainlint_subject(sk_X509_value(in->chain, path[k]), subject,
					  sizeof(subject)),
			chainlint_subject(issuer, name, sizeof(name)),
			time_format_date(certlint_time(X509_get0_notAfter(issuer)), date));
    sk_X509_pop_free(found, X509_free);
}

/* chainlint_anchors - the roots of in->trust that issued top, or top itself */
static X509_STORE *chainlint_anchors(const struct certlint_input *in, X509 *top)
{
    STACK_OF(X509) *found;
    X509_STORE_CTX *ctx;
    X509_STORE *anchors;
    X509   *x509;
    int     i, self = certlint_self_signed(top), n = 0;

    if ((anchors = X509_STORE_new()) == NULL || (ctx = X509_STORE_CTX_new()) == NULL
	|| !X509_STORE_CTX_init(ctx, in->trust, NULL, NULL))
	log_fatal("out of memory");
    found = X509_STORE_CTX_get1_certs(ctx, self ? X509_get_subject_name(top)
				      : X509_get_issuer_name(top));
    for (i = 0; found != NULL && i < sk_X509_num(found); i++) {
	x509 = sk_X509_value(found, i);
	if (self ? X509_cmp(x509, top) == 0 : certfile_issued(x509, top))
	    n += X509_STORE_add_cert(anchors, x509);
    }
    sk_X509_pop_free(found, X509_free);
    X509_STORE_CTX_free(ctx);
    ERR_clear_error();
    if (n == 0) {
	X509_STORE_free(anchors);
	return (NULL);
    }
    return (anchors);
}

/* chainlint_legacy - verified as sent, as OpenSSL 1.0.x did */
int     chainlint_legacy(const struct certlint_input *in, char *why, size_t why_len)
{
    int     n = sk_X509_num(in->chain), len, leaf, ret = 0, depth;
    int    *path = mem_calloc((size_t) n, sizeof(*path));
    char   *used = mem_calloc((size_t) n, 1);
    char    subject[256];
    X509_STORE *anchors;
    X509_STORE_CTX *ctx;
    X509   *top, *at;

    leaf = chainlint_leaf(in->chain);
    len = chainlint_path(in->chain, leaf, path, used);
    top = sk_X509_value(in->chain, path[len - 1]);
    if ((anchors = chainlint_anchors(in, top)) == NULL) {
	snprintf(why, why_len, "no trusted root issued \"%s\", the last certificate as sent",
		 chainlint_subject(top, subject, sizeof(subject)));
	ret = -1;
    } else {
	if ((ctx = X509_STORE_CTX_new()) == NULL
	    || !X509_STORE_CTX_init(ctx, anchors, sk_X509_value(in->chain, leaf), in->chain))
	    log_fatal("out of memory");
	X509_STORE_CTX_set_flags(ctx, X509_V_FLAG_NO_ALT_CHAINS);
	X509_STORE_CTX_set_time(ctx, 0, in->now);
	if (X509_verify_cert(ctx) <= 0) {
	    at = X509_STORE_CTX_get_current_cert(ctx);
	    depth = X509_STORE_CTX_get_error_depth(ctx);
	    snprintf(why, why_len, "%s at depth %d (\"%s\")",
		     X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx)), depth,
		     at ? chainlint_subject(at, subject, sizeof(subject)) : "?");
	    ret = -1;
	}
	X509_STORE_CTX_free(ctx);
	X509_STORE_free(anchors);
    }
    ERR_clear_error();
    free(path);
    free(used);
    return (ret);
}

/* chainlint_run - every chain check */
void    chainlint_run(const struct certlint_input *in, struct lint_report *report,
		              struct chainlint_result *result)
{
    int     n = sk_X509_num(in->chain), len;
    int    *path = mem_calloc((size_t) n, sizeof(*path));
    char   *used = mem_calloc((size_t) n, 1);

    result->leaf = chainlint_leaf(in->chain);
    len = chainlint_path(in->chain, result->leaf, path, used);
    chainlint_order(in->chain, path, len, used, report);
    result->public = chainlint_trust(in, result->leaf, path[len - 1], report);
    chainlint_expired_issuer(in, path, len, report);
    free(path);
    free(used);
}
