/*
 * lint_connect - the chain a live mail service sends, and how typical
 * clients fare with it
 *
 * Each client profile is a fresh connection with an OpenSSL context made
 * for it and freed after it, except legacy-chain, which is the served
 * chain verified as OpenSSL 1.0.x verified it (chainlint_legacy()): no
 * client of today can be made to build a chain that way.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "cert/certlint.h"
#include "cert/chainlint.h"
#include "cert/log_ssl.h"
#include "tool/lint_connect.h"
#include "tls/mailtls.h"
#include "util/mem.h"

/* What Apple Mail offers (iOS 13 and later, macOS 10.15 and later). */
#define LINT_APPLE_CIPHERS "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-AES128-GCM-SHA256:" \
    "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-SHA384:" \
    "ECDHE-ECDSA-AES128-SHA256:ECDHE-RSA-AES256-SHA384:ECDHE-RSA-AES128-SHA256:" \
    "ECDHE-ECDSA-AES256-SHA:ECDHE-ECDSA-AES128-SHA:ECDHE-RSA-AES256-SHA:ECDHE-RSA-AES128-SHA"
#define LINT_APPLE_GROUPS "P-256:P-384"
/* An older MTA: TLS 1.2, RSA-authenticated suites only. */
#define LINT_TLS12_RSA_CIPHERS "aRSA:!aNULL:!eNULL:!EXPORT:!LOW:!RC4:!MD5"

enum lint_profile {
    LINT_PROFILE_SEE,			/* anything goes: to see what is sent */
    LINT_PROFILE_MODERN,
    LINT_PROFILE_APPLE,
    LINT_PROFILE_TLS12_RSA,
};

static const struct lint_profile_def {
    const char *id;
    const char *who;
} lint_profiles[] = {
    [LINT_PROFILE_SEE] = {"no-tls", "no TLS"},
    [LINT_PROFILE_MODERN] = {"client-modern", "a modern client (TLS 1.3 only)"},
    [LINT_PROFILE_APPLE] = {"client-apple-mail", "Apple Mail (TLS 1.2 and 1.3, ECDHE with "
	"ECDSA or RSA, AES-GCM or AES-CBC, P-256 or P-384, the chain verified)"},
    [LINT_PROFILE_TLS12_RSA] = {"client-tls12-rsa", "an older MTA (TLS 1.2, RSA-authenticated "
	"suites only)"},
};

/* lint_connect_defaults - STARTTLS by port, the default timeout */
void    lint_connect_defaults(struct lint_connect_opts *opts)
{
    memset(opts, 0, sizeof(*opts));
    opts->starttls = LINT_STARTTLS_AUTO;
    opts->timeout = LINT_CONNECT_DEFAULT_TIMEOUT;
}

/* lint_connect_starttls - the protocol's word */
int     lint_connect_starttls(struct lint_connect_opts *opts, const char *word)
{
    static const char *const words[] = {"smtp", "imap", "pop3", "none"};
    static const enum lint_starttls kinds[] = {
	LINT_STARTTLS_SMTP, LINT_STARTTLS_IMAP, LINT_STARTTLS_POP3, LINT_STARTTLS_NONE,
    };
    size_t  i;

    for (i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
	if (strcmp(word, words[i]) == 0) {
	    opts->starttls = kinds[i];
	    return (0);
	}
    }
    return (-1);
}

/* lint_connect_parse - HOST:PORT or [HOST]:PORT */
int     lint_connect_parse(struct lint_connect_opts *opts)
{
    const char *t = opts->target, *colon;
    size_t  hlen;

    if (*t == '[') {
	if ((colon = strstr(t, "]:")) == NULL)
	    return (-1);
	t++;
	hlen = (size_t) (colon - t);
	colon++;
    } else {
	if ((colon = strrchr(t, ':')) == NULL)
	    return (-1);
	hlen = (size_t) (colon - t);
    }
    if (hlen == 0 || hlen >= sizeof(opts->host) || strlen(colon + 1) == 0
	|| strlen(colon + 1) >= sizeof(opts->port)
	|| strspn(colon + 1, "0123456789") != strlen(colon + 1)
	|| strtoul(colon + 1, NULL, 10) > 65535 || strtoul(colon + 1, NULL, 10) == 0)
	return (-1);
    memcpy(opts->host, t, hlen);
    opts->host[hlen] = 0;
    snprintf(opts->port, sizeof(opts->port), "%s", colon + 1);
    return (0);
}

/* lint_connect_is_name - host when it is a DNS name (SNI), NULL for an address */
const char *lint_connect_is_name(const char *host)
{
    unsigned char addr[sizeof(struct in6_addr)];

    if (*host == 0 || inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1)
	return (NULL);
    return (host);
}

/* lint_connect_proto - STARTTLS by port: 25 587 SMTP, 143 IMAP, 110 POP3 */
static enum mailtls_proto lint_connect_proto(const struct lint_connect_opts *opts)
{
    switch (opts->starttls) {
    case LINT_STARTTLS_SMTP:
	return (MAILTLS_SMTP);
    case LINT_STARTTLS_IMAP:
	return (MAILTLS_IMAP);
    case LINT_STARTTLS_POP3:
	return (MAILTLS_POP3);
    case LINT_STARTTLS_NONE:
	return (MAILTLS_NONE);
    default:
	break;
    }
    if (strcmp(opts->port, "25") == 0 || strcmp(opts->port, "587") == 0)
	return (MAILTLS_SMTP);
    if (strcmp(opts->port, "143") == 0)
	return (MAILTLS_IMAP);
    if (strcmp(opts->port, "110") == 0)
	return (MAILTLS_POP3);
    return (MAILTLS_NONE);
}

/* lint_connect_ctx - the OpenSSL client context of a profile */
static SSL_CTX *lint_connect_ctx(enum lint_profile profile, const struct lint_connect_opts *opts,
				         X509_STORE *trust)
{
    char    reason[512];
    SSL_CTX *ctx;
    int     ok = 1;

    if ((ctx = SSL_CTX_new(TLS_client_method())) == NULL)
	log_fatal("cannot make an OpenSSL context: %s", log_ssl_reason(reason, sizeof(reason)));
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    switch (profile) {
    case LINT_PROFILE_SEE:
	SSL_CTX_set_security_level(ctx, 0);
	ok = SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION)
	    && SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
	break;
    case LINT_PROFILE_MODERN:
	ok = SSL_CTX_set_min_proto_version(ctx, TLS1_3_VERSION);
	break;
    case LINT_PROFILE_APPLE:
	SSL_CTX_set_security_level(ctx, 2);
	ok = SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)
	    && SSL_CTX_set_cipher_list(ctx, LINT_APPLE_CIPHERS)
	    && SSL_CTX_set1_groups_list(ctx, LINT_APPLE_GROUPS) && X509_STORE_up_ref(trust);
	if (ok) {
	    SSL_CTX_set_cert_store(ctx, trust);
	    SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
	    X509_VERIFY_PARAM_set_hostflags(SSL_CTX_get0_param(ctx),
					    X509_CHECK_FLAG_NEVER_CHECK_SUBJECT);
	    if (opts->servername != NULL)
		ok = X509_VERIFY_PARAM_set1_host(SSL_CTX_get0_param(ctx), opts->servername, 0);
	    else if (lint_connect_is_name(opts->host) == NULL)
		ok = X509_VERIFY_PARAM_set1_ip_asc(SSL_CTX_get0_param(ctx), opts->host);
	}
	break;
    case LINT_PROFILE_TLS12_RSA:
	ok = SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION)
	    && SSL_CTX_set_max_proto_version(ctx, TLS1_2_VERSION)
	    && SSL_CTX_set_cipher_list(ctx, LINT_TLS12_RSA_CIPHERS);
	break;
    }
    if (!ok)
	log_fatal("cannot set up the %s profile: %s", lint_profiles[profile].id,
		  log_ssl_reason(reason, sizeof(reason)));
    return (ctx);
}

/*
 * lint_connect_try - one connection and handshake with a profile; 0 with
 * the connection open in conn, or -1 with why and *stage
 */
static int lint_connect_try(const struct lint_connect_opts *opts, enum lint_profile profile,
			            X509_STORE *trust, struct mailtls *conn,
			            enum mailtls_stage *stage, char *why, size_t why_len)
{
    SSL_CTX *ctx;
    int     ret;

    if (mailtls_open(conn, opts->host, opts->port, lint_connect_proto(opts), opts->timeout,
		     stage, why, why_len) < 0)
	return (-1);
    *stage = MAILTLS_STAGE_HANDSHAKE;
    ctx = lint_connect_ctx(profile, opts, trust);
    ret = mailtls_handshake(conn, ctx, opts->servername, opts->timeout, why, why_len);
    SSL_CTX_free(ctx);				/* conn->ssl keeps what it needs */
    if (ret < 0)
	mailtls_close(conn);
    return (ret);
}

/* lint_connect_chain - a copy of what the server sent, at most max_chain */
static STACK_OF(X509) *lint_connect_chain(SSL *ssl, int max_chain, struct lint_report *report)
{
    STACK_OF(X509) *sent = SSL_get_peer_cert_chain(ssl), *chain;
    int     i;

    if (sent == NULL || sk_X509_num(sent) == 0) {
	lint_report_add(report, "no-tls", LINT_ERROR, -1, "the server sent no certificate: "
			"configure its certificate and key");
	return (NULL);
    }
    if (sk_X509_num(sent) > max_chain) {
	lint_report_add(report, "chain-unrelated", LINT_WARNING, max_chain, "the server sent "
			"%d certificates, more than max_chain_certs (%d): only the first %d are "
			"checked; a chain that long carries certificates clients do not need",
			sk_X509_num(sent), max_chain, max_chain);
    }
    if ((chain = sk_X509_new_null()) == NULL)
	log_fatal("out of memory");
    for (i = 0; i < sk_X509_num(sent) && i < max_chain; i++)
	if (!X509_up_ref(sk_X509_value(sent, i)) || !sk_X509_push(chain, sk_X509_value(sent, i)))
	    log_fatal("out of memory");
    return (chain);
}

/* lint_connect_profiles - each client profile's handshake, failures as findings */
void    lint_connect_profiles(const struct lint_connect_opts *opts, X509_STORE *trust,
				          STACK_OF(X509) *chain, struct lint_report *report)
{
    struct certlint_input in;
    enum mailtls_stage stage;
    struct mailtls conn;
    char    why[1024];
    int     p;

    for (p = LINT_PROFILE_MODERN; p <= LINT_PROFILE_TLS12_RSA; p++) {
	if (lint_connect_try(opts, p, trust, &conn, &stage, why, sizeof(why)) == 0) {
	    mailtls_close(&conn);
	    continue;
	}
	lint_report_add(report, lint_profiles[p].id, LINT_ERROR, -1, "%s cannot connect: %s%s",
			lint_profiles[p].who, why, stage != MAILTLS_STAGE_HANDSHAKE ? "" :
			p == LINT_PROFILE_MODERN ? ": enable TLS 1.3 on the server" :
			p == LINT_PROFILE_TLS12_RSA ? ": offer an RSA certificate (Postfix and "
			"Dovecot can have an RSA and an ECDSA one side by side) or RSA suites" :
			": see the certificate findings, and allow ECDHE suites and P-256");
    }
    memset(&in, 0, sizeof(in));
    in.chain = chain;
    in.trust = trust;
    in.now = (time_t) opts->now;
    if (chainlint_legacy(&in, why, sizeof(why)) < 0)
	lint_report_add(report, "client-legacy-chain", LINT_ERROR, -1, "a client that "
			"verifies the chain as sent (OpenSSL 1.0.x, older Android and iOS) "
			"fails: %s: send only certificates that lead to a valid root", why);
}

/* lint_connect_run - the served chain, and the clients' fate */
STACK_OF(X509) *lint_connect_run(const struct lint_connect_opts *opts, X509_STORE *trust,
				         int max_chain, struct lint_seen *seen,
				         struct lint_report *report)
{
    STACK_OF(X509) *chain;
    enum mailtls_stage stage;
    struct mailtls conn;
    char    why[1024];

    if (lint_connect_try(opts, LINT_PROFILE_SEE, trust, &conn, &stage, why, sizeof(why)) < 0) {
	if (stage == MAILTLS_STAGE_CONNECT)
	    lint_report_add(report, "connect-failed", LINT_ERROR, -1, "%s: is the service "
			    "running, and is the port open to this host?", why);
	else
	    lint_report_add(report, "no-tls", LINT_ERROR, -1, "%s: %s", why,
			    stage == MAILTLS_STAGE_STARTTLS ? "enable STARTTLS on the service "
			    "(or give --starttls none for a port with TLS from the start)"
			    : "the service does not complete a TLS handshake (a plain-text port? "
			    "give --starttls)");
	return (NULL);
    }
    seen->protocol = mem_strdup(SSL_get_version(conn.ssl));
    seen->cipher = mem_strdup(SSL_CIPHER_get_name(SSL_get_current_cipher(conn.ssl)));
    chain = lint_connect_chain(conn.ssl, max_chain, report);
    mailtls_close(&conn);
    return (chain);
}

/* lint_connect_seen_free - the protocol and cipher strings */
void    lint_connect_seen_free(struct lint_seen *seen)
{
    free((char *) seen->protocol);
    free((char *) seen->cipher);
    seen->protocol = seen->cipher = NULL;
}
