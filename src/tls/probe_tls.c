/*
 * probe_tls - the TLS handshake of Postfix's smtp(8), and its verdict
 *
 * One SSL_CTX per policy, one SSL per connection. Trust anchors and
 * fingerprints are decoded once, in probe_tls_prepare(), into TLSA-like
 * records handed to OpenSSL's DANE code per connection, as Postfix does.
 * The verify callback keeps the error nearest the leaf (Postfix's
 * update_error_state()) and always lets the handshake go on: the verdict
 * is made after it, as smtp(8) makes it.
 */
#include "config.h"

#include <ctype.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>

#include "cert/log_ssl.h"
#include "util/mem.h"
#include "tls/probe_suite.h"
#include "tls/probe_tls.h"

#define PROBE_DEFAULT_DEPTH 9		/* smtp_tls_scert_verifydepth */
#define PROBE_MTYPE_FPRINT 255		/* Postfix's private-use matching type */

struct probe_tlsa {
    uint8_t usage;			/* 2 DANE-TA, 3 DANE-EE */
    uint8_t selector;			/* 0 certificate, 1 public key */
    uint8_t mtype;			/* 0 full data, 255 fingerprint */
    unsigned char *data;
    size_t  len;
};

struct probe_verify {
    int     err;			/* nearest the leaf, or X509_V_OK */
    int     depth;
    char    issuer[256];		/* of the certificate in error */
};

static int probe_tls_index = -1;

/* probe_tls_tlsa - keep one record */
static void probe_tls_tlsa(struct probe_tls *pt, int usage, int selector, int mtype,
			           const unsigned char *data, size_t len)
{
    struct probe_tlsa *t;

    pt->tlsa = mem_grow(pt->tlsa, pt->ntlsa, &pt->tlsa_cap, sizeof(*pt->tlsa));
    t = pt->tlsa + pt->ntlsa++;
    t->usage = (uint8_t) usage;
    t->selector = (uint8_t) selector;
    t->mtype = (uint8_t) mtype;
    t->data = mem_alloc(len ? len : 1);
    memcpy(t->data, data, len);
    t->len = len;
}

/*
 * probe_tls_fprint - a fingerprint as Postfix decodes it (hex, with or
 * without ':' between bytes); one that does not decode is skipped, as
 * Postfix skips it with a warning
 */
static void probe_tls_fprint(struct probe_tls *pt, const char *text)
{
    unsigned char raw[EVP_MAX_MD_SIZE];
    size_t  len = 0;
    const char *cp = text;

    if (strlen(text) > 3 * EVP_MAX_MD_SIZE)
	return;
    while (*cp) {
	if (!isxdigit((unsigned char) cp[0]) || !isxdigit((unsigned char) cp[1])
	    || len >= sizeof(raw))
	    return;
	raw[len++] = (unsigned char) (OPENSSL_hexchar2int((unsigned char) cp[0]) * 16
				      + OPENSSL_hexchar2int((unsigned char) cp[1]));
	cp += 2;
	if (*cp == ':' && cp[1] != 0)
	    cp++;
    }
    if (len == 0)
	return;
    probe_tls_tlsa(pt, 3, 0, PROBE_MTYPE_FPRINT, raw, len);
    probe_tls_tlsa(pt, 3, 1, PROBE_MTYPE_FPRINT, raw, len);
}

/*
 * probe_tls_tafile - trust anchors as Postfix's tls_dane_load_trustfile()
 * reads them: certificates and public keys, each as DANE-TA(2) and
 * DANE-EE(3); other PEM blocks are skipped. 0, or -1 with why.
 */
static int probe_tls_tafile(struct probe_tls *pt, const char *path, char *why, size_t why_len)
{
    char   *name = NULL, *header = NULL, reason[512];
    unsigned char *data = NULL;
    long    len;
    BIO    *bio;

    ERR_clear_error();
    if ((bio = BIO_new_file(path, "r")) == NULL) {
	snprintf(why, why_len, "error opening trust anchor file: %s: %s", path,
		 log_ssl_reason(reason, sizeof(reason)));
	return (-1);
    }
    while (PEM_read_bio(bio, &name, &header, &data, &len)) {
	int     sel = -1;

	if (strcmp(name, PEM_STRING_X509) == 0 || strcmp(name, PEM_STRING_X509_OLD) == 0)
	    sel = 0;
	else if (strcmp(name, PEM_STRING_PUBLIC) == 0)
	    sel = 1;
	if (sel >= 0) {
	    probe_tls_tlsa(pt, 2, sel, 0, data, (size_t) len);
	    probe_tls_tlsa(pt, 3, sel, 0, data, (size_t) len);
	}
	OPENSSL_free(name);
	OPENSSL_free(header);
	OPENSSL_free(data);
    }
    BIO_free(bio);
    if (ERR_GET_REASON(ERR_peek_last_error()) != PEM_R_NO_START_LINE) {
	snprintf(why, why_len, "error reading trust anchor file: %s: %s", path,
		 log_ssl_reason(reason, sizeof(reason)));
	return (-1);
    }
    ERR_clear_error();
    return (0);
}

/* probe_tls_verify_cb - keep the error nearest the leaf, go on */
static int probe_tls_verify_cb(int ok, X509_STORE_CTX *store)
{
    SSL    *ssl = X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx());
    struct probe_verify *v = ssl ? SSL_get_ex_data(ssl, probe_tls_index) : NULL;
    int     depth = X509_STORE_CTX_get_error_depth(store);
    X509   *cert = X509_STORE_CTX_get_current_cert(store);

    if (ok || v == NULL || (v->err != X509_V_OK && v->depth <= depth))
	return (1);
    v->err = X509_STORE_CTX_get_error(store);
    v->depth = depth;
    if (cert != NULL)
	X509_NAME_oneline(X509_get_issuer_name(cert), v->issuer, sizeof(v->issuer));
    else
	snprintf(v->issuer, sizeof(v->issuer), "<unknown>");
    return (1);
}

/* probe_tls_prepare - the context, the CAs, the records */
int     probe_tls_prepare(struct probe_tls *pt, const struct probe_policy *pol,
			          const struct pfconf *pf, char *why, size_t why_len)
{
    const char *cafile = pfconf_get(pf, PF_CAFILE), *capath = pfconf_get(pf, PF_CAPATH);
    const char *digest = pfconf_get(pf, PF_FPT_DIGEST);
    const EVP_MD *md;
    char    reason[512], *end;
    long    depth;
    size_t  i;

    memset(pt, 0, sizeof(*pt));
    pt->pol = pol;
    pt->pf = pf;
    if (probe_tls_index < 0
	&& (probe_tls_index = SSL_get_ex_new_index(0, NULL, NULL, NULL, NULL)) < 0)
	log_fatal("cannot allocate an OpenSSL index");
    if ((md = EVP_get_digestbyname(*digest ? digest : "sha256")) == NULL) {
	snprintf(why, why_len, "smtp_tls_fingerprint_digest = %s: unknown digest (Postfix "
		 "disables TLS)", digest);
	return (-1);
    }
    pt->md = md;
    depth = strtol(pfconf_get(pf, PF_VERIFY_DEPTH), &end, 10);
    if (*end != 0 || end == pfconf_get(pf, PF_VERIFY_DEPTH) || depth < 1 || depth > 100)
	depth = PROBE_DEFAULT_DEPTH;
    ERR_clear_error();
    if ((pt->ctx = SSL_CTX_new(TLS_client_method())) == NULL)
	log_fatal("cannot make an OpenSSL context: %s", log_ssl_reason(reason, sizeof(reason)));
    SSL_CTX_set_security_level(pt->ctx, 0);
    SSL_CTX_set_verify_depth(pt->ctx, (int) depth + 1);
    if (SSL_CTX_dane_enable(pt->ctx) <= 0
	|| SSL_CTX_dane_mtype_set(pt->ctx, md, PROBE_MTYPE_FPRINT, 0) <= 0)
	log_fatal("OpenSSL DANE initialization failed: %s",
		  log_ssl_reason(reason, sizeof(reason)));
    if ((*cafile || *capath)
	&& !SSL_CTX_load_verify_locations(pt->ctx, *cafile ? cafile : NULL,
					  *capath ? capath : NULL)) {
	snprintf(why, why_len, "cannot load smtp_tls_CAfile %s / smtp_tls_CApath %s: %s "
		 "(Postfix's TLS engine is unavailable)", cafile, capath,
		 log_ssl_reason(reason, sizeof(reason)));
	return (-1);
    }
    if (pfconf_yes(pf, PF_APPEND_DEFAULT_CA))
	(void) SSL_CTX_set_default_verify_paths(pt->ctx);
    SSL_CTX_set_verify(pt->ctx, SSL_VERIFY_NONE, probe_tls_verify_cb);
    for (i = 0; i < pol->fprint.count; i++)
	probe_tls_fprint(pt, pol->fprint.item[i]);
    for (i = 0; i < pol->tafile.count; i++)
	if (probe_tls_tafile(pt, pol->tafile.item[i], why, why_len) < 0)
	    return (-1);
    return (0);
}

/*
 * probe_tls_names - the match patterns as OpenSSL reference names (see
 * the header); the number of names given to OpenSSL
 */
static int probe_tls_names(SSL *ssl, const struct probe_policy *pol, const char *host,
			           const char *nexthop)
{
    char    dot[300];
    const char *name;
    size_t  i;
    int     count = 0, subdomain;

    SSL_set_hostflags(ssl, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    for (i = 0; i < pol->match.count; i++) {
	name = pol->match.item[i];
	subdomain = 0;
	if (strcasecmp(name, "nexthop") == 0) {
	    name = nexthop;
	} else if (strcasecmp(name, "dot-nexthop") == 0) {
	    name = nexthop;
	    subdomain = 1;
	} else if (strcasecmp(name, "hostname") == 0) {
	    name = host;
	} else if (*name == '.') {
	    if (*++name == 0)
		continue;			/* Postfix ignores "." */
	    subdomain = 1;
	}
	if (subdomain) {
	    snprintf(dot, sizeof(dot), ".%s", name);
	    name = dot;
	}
	count += SSL_add1_host(ssl, name) == 1;
    }
    return (count);
}

/* probe_tls_dane - the records on ssl; the number OpenSSL could use, or -1 */
static int probe_tls_dane(struct probe_tls *pt, SSL *ssl)
{
    size_t  i;
    int     usable = 0, ret;

    for (i = 0; i < pt->ntlsa; i++) {
	ret = SSL_dane_tlsa_add(ssl, pt->tlsa[i].usage, pt->tlsa[i].selector,
				pt->tlsa[i].mtype, pt->tlsa[i].data, pt->tlsa[i].len);
	if (ret < 0)
	    return (-1);
	usable += ret > 0;
    }
    return (usable);
}

/* probe_tls_peer_names - the leaf's DNS names (or CN), for a mismatch */
static void probe_tls_peer_names(SSL *ssl, char *buf, size_t len)
{
    X509   *cert = SSL_get0_peer_certificate(ssl);
    GENERAL_NAMES *names;
    const GENERAL_NAME *gn;
    size_t  used = 0;
    int     i, n;

    *buf = 0;
    if (cert == NULL)
	return;
    if ((names = X509_get_ext_d2i(cert, NID_subject_alt_name, NULL, NULL)) != NULL) {
	n = sk_GENERAL_NAME_num(names);
	for (i = 0; i < n && used + 1 < len; i++) {
	    gn = sk_GENERAL_NAME_value(names, i);
	    if (gn->type != GEN_DNS)
		continue;
	    snprintf(buf + used, len - used, "%s%.*s", used ? ", " : "",
		     ASN1_STRING_length(gn->d.dNSName),
		     (const char *) ASN1_STRING_get0_data(gn->d.dNSName));
	    used = strlen(buf);
	}
	GENERAL_NAMES_free(names);
    }
    if (used == 0)
	X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, (int) len);
}

/* probe_tls_verdict - why the certificate was not verified, as Postfix logs it */
static void probe_tls_verdict(SSL *ssl, const struct probe_verify *v, const char *peer,
			              char *buf, size_t len)
{
    const char *purpose = v->depth > 0 ? "CA" : "server";
    char    names[256];

    switch (v->err) {
    case X509_V_ERR_CERT_UNTRUSTED:
	snprintf(buf, len, "certificate verification failed for %s: not trusted by local "
		 "or TLSA policy", peer);
	break;
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
	snprintf(buf, len, "certificate verification failed for %s: self-signed certificate",
		 peer);
	break;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
	snprintf(buf, len, "certificate verification failed for %s: untrusted issuer %s",
		 peer, v->issuer);
	break;
    case X509_V_ERR_CERT_NOT_YET_VALID:
    case X509_V_ERR_ERROR_IN_CERT_NOT_BEFORE_FIELD:
	snprintf(buf, len, "%s certificate verification failed for %s: certificate not yet "
		 "valid", purpose, peer);
	break;
    case X509_V_ERR_CERT_HAS_EXPIRED:
    case X509_V_ERR_ERROR_IN_CERT_NOT_AFTER_FIELD:
	snprintf(buf, len, "%s certificate verification failed for %s: certificate has "
		 "expired", purpose, peer);
	break;
    case X509_V_ERR_HOSTNAME_MISMATCH:
	probe_tls_peer_names(ssl, names, sizeof(names));
	snprintf(buf, len, "server certificate verification failed for %s: hostname "
		 "mismatch (the certificate is for %s)", peer, *names ? names : "no name");
	break;
    default:
	snprintf(buf, len, "%s certificate verification failed for %s: num=%d:%s", purpose,
		 peer, v->err, X509_verify_cert_error_string(v->err));
	break;
    }
}

/* probe_tls_hex - a digest as Postfix prints it (AB:CD:...) */
static void probe_tls_hex(const unsigned char *md, unsigned len, char *buf, size_t size)
{
    size_t  used = 0;
    unsigned i;

    *buf = 0;
    for (i = 0; i < len && used + 4 <= size; i++, used = strlen(buf))
	snprintf(buf + used, size - used, "%s%02X", i ? ":" : "", md[i]);
}

/* probe_tls_fprint_miss - the leaf's fingerprints, which match none given */
static void probe_tls_fprint_miss(const struct probe_tls *pt, SSL *ssl, const char *peer,
				          char *buf, size_t len)
{
    X509   *cert = SSL_get0_peer_certificate(ssl);
    unsigned char md[EVP_MAX_MD_SIZE], *der = NULL;
    char    cert_fp[3 * EVP_MAX_MD_SIZE + 1] = "", key_fp[3 * EVP_MAX_MD_SIZE + 1] = "";
    unsigned mdlen;
    int     derlen;

    if (X509_digest(cert, pt->md, md, &mdlen))
	probe_tls_hex(md, mdlen, cert_fp, sizeof(cert_fp));
    if ((derlen = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der)) > 0
	&& EVP_Digest(der, (size_t) derlen, md, &mdlen, pt->md, NULL))
	probe_tls_hex(md, mdlen, key_fp, sizeof(key_fp));
    OPENSSL_free(der);
    snprintf(buf, len, "no fingerprint match for %s: its certificate has fingerprint=%s, "
	     "pkey_fingerprint=%s (%s)", peer, cert_fp, key_fp, EVP_MD_get0_name(pt->md));
}

/* probe_tls_auth - fingerprints, trust anchors, names and SNI on ssl */
static int probe_tls_auth(struct probe_tls *pt, SSL *ssl, const char *host,
			          const char *nexthop, int *must_fail, char *why, size_t why_len)
{
    const struct probe_policy *pol = pt->pol;
    const char *sni = NULL;
    int     usable;

    if (*pol->sni)
	sni = strcmp(pol->sni, "hostname") == 0 ? host :
	    strcmp(pol->sni, "nexthop") == 0 ? nexthop : pol->sni;
    if (pol->level == PROBE_FPRINT) {
	if (SSL_dane_enable(ssl, NULL) <= 0)
	    goto dane_error;
	SSL_dane_set_flags(ssl, DANE_FLAG_NO_DANE_EE_NAMECHECKS);
    } else if (pol->level == PROBE_VERIFY || pol->level == PROBE_SECURE) {
	if (pt->ntlsa > 0 && SSL_dane_enable(ssl, NULL) <= 0)
	    goto dane_error;
	if (probe_tls_names(ssl, pol, host, nexthop) == 0) {
	    snprintf(why, why_len, "could not configure peer name checks");
	    *must_fail = 1;
	}
    }
    if (sni != NULL && SSL_set_tlsext_host_name(ssl, sni) != 1) {
	snprintf(why, why_len, "error setting SNI hostname to: %s", sni);
	return (-1);
    }
    if (pt->ntlsa > 0) {
	if ((usable = probe_tls_dane(pt, ssl)) < 0)
	    goto dane_error;
	if (usable == 0) {
	    snprintf(why, why_len, "all %s unusable", pol->level == PROBE_FPRINT ?
		     "fingerprints (of another length than smtp_tls_fingerprint_digest)" :
		     "trust anchors");
	    *must_fail = 1;
	}
    }
    return (0);

dane_error:
    snprintf(why, why_len, "error enabling DANE-based certificate validation");
    return (-1);
}

/* probe_tls_start - handshake and verdict */
int     probe_tls_start(struct probe_tls *pt, struct smtp_client *c, const char *host,
			        const char *nexthop, struct probe_tls_result *res,
			        char *why, size_t why_len)
{
    const struct probe_policy *pol = pt->pol;
    struct probe_verify verify = {X509_V_OK, -1, ""};
    char    reason[512], unusable[256] = "";
    const char *peername;
    int     must_fail = 0;
    SSL    *ssl;

    memset(res, 0, sizeof(*res));
    ERR_clear_error();
    if ((ssl = SSL_new(pt->ctx)) == NULL)
	log_fatal("cannot make an OpenSSL session: %s", log_ssl_reason(reason, sizeof(reason)));
    SSL_set_ex_data(ssl, probe_tls_index, &verify);
    if (probe_suite_ciphers(ssl, pol->grade, pol->exclusions, pt->pf, why, why_len) < 0)
	goto fail;
    if (probe_suite_protocols(ssl, pol->protocols) < 0) {
	snprintf(why, why_len, "Invalid TLS protocol list \"%s\"", pol->protocols);
	goto fail;
    }
    if (probe_tls_auth(pt, ssl, host, nexthop, &must_fail, unusable, sizeof(unusable)) < 0) {
	snprintf(why, why_len, "%s", unusable);
	goto fail;
    }
    if (pol->level > PROBE_ENCRYPT)
	SSL_set_security_level(ssl, 1);
    if (smtp_client_tls(c, ssl, why, why_len) < 0)
	return (-1);				/* the client owns ssl */
    snprintf(res->protocol, sizeof(res->protocol), "%s", SSL_get_version(ssl));
    snprintf(res->cipher, sizeof(res->cipher), "%s",
	     SSL_CIPHER_get_name(SSL_get_current_cipher(ssl)));
    if (pol->level <= PROBE_ENCRYPT) {
	res->matched = 1;
	snprintf(res->detail, sizeof(res->detail), "no certificate check at level %s",
		 probe_level_name(pol->level));
    } else if (SSL_get0_peer_certificate(ssl) == NULL) {
	snprintf(res->detail, sizeof(res->detail), "the server sent no certificate");
    } else if (must_fail) {
	snprintf(res->detail, sizeof(res->detail), "%s", unusable);
    } else if (SSL_get_verify_result(ssl) == X509_V_OK) {
	res->matched = 1;
	if (pol->level == PROBE_FPRINT)
	    snprintf(res->detail, sizeof(res->detail), "fingerprint matched");
	else if ((peername = SSL_get0_peername(ssl)) != NULL)
	    snprintf(res->detail, sizeof(res->detail), "verified, matched name %s", peername);
	else
	    snprintf(res->detail, sizeof(res->detail), "verified");
    } else {
	if (verify.err == X509_V_OK) {
	    verify.err = (int) SSL_get_verify_result(ssl);
	    verify.depth = 0;
	}
	if (pol->level == PROBE_FPRINT)
	    probe_tls_fprint_miss(pt, ssl, c->peer, res->detail, sizeof(res->detail));
	else
	    probe_tls_verdict(ssl, &verify, c->peer, res->detail, sizeof(res->detail));
    }
    return (0);

fail:
    SSL_free(ssl);
    return (-1);
}

/* probe_tls_free - release the context and the records */
void    probe_tls_free(struct probe_tls *pt)
{
    size_t  i;

    for (i = 0; i < pt->ntlsa; i++)
	free(pt->tlsa[i].data);
    free(pt->tlsa);
    SSL_CTX_free(pt->ctx);
    memset(pt, 0, sizeof(*pt));
}
