/*
 * lint_connect - the chain a live mail service sends, and how typical
 * clients fare with it
 *
 * For "certpolicy lint --connect HOST:PORT": connects (TCP), speaks the
 * protocol's STARTTLS dialogue when there is one (mailtls), completes a
 * TLS handshake with every protocol and cipher allowed, and hands back
 * the chain the server sent, with the protocol and cipher. Then it tries
 * the handshake as typical clients make it (client-modern, client-
 * apple-mail, client-tls12-rsa, client-legacy-chain): each failure is a
 * finding with OpenSSL's reason. A closed port, a silent one, a service
 * without TLS are findings (connect-failed, no-tls), never a hang: the
 * network is mailtls's, every step bounded by --timeout seconds.
 */
#ifndef CERTPOLICY_LINT_CONNECT_H
#define CERTPOLICY_LINT_CONNECT_H

#include "cert/lintreport.h"
#include "tool/lint_print.h"

#define LINT_CONNECT_DEFAULT_TIMEOUT	10	/* seconds, each network step */
#define LINT_CONNECT_MAX_TIMEOUT	3600

enum lint_starttls {
    LINT_STARTTLS_AUTO,			/* by port: 25 587 smtp, 143 imap, 110 pop3 */
    LINT_STARTTLS_SMTP,
    LINT_STARTTLS_IMAP,
    LINT_STARTTLS_POP3,
    LINT_STARTTLS_NONE,			/* TLS from the start */
};

struct lint_connect_opts {
    const char *target;			/* HOST:PORT as given */
    char    host[256];
    char    port[16];
    enum lint_starttls starttls;
    int     timeout;			/* seconds */
    const char *servername;		/* SNI and the apple-mail name check, or NULL */
    long long now;			/* the time for date checks (legacy-chain) */
};

struct x509_store_st;
struct stack_st_X509;

/* lint_connect_defaults - no target, STARTTLS by port, the default timeout */
void    lint_connect_defaults(struct lint_connect_opts *opts);

/* lint_connect_starttls - "smtp", "imap", "pop3" or "none"; 0 or -1 */
int     lint_connect_starttls(struct lint_connect_opts *opts, const char *word);

/* lint_connect_is_name - host when it is a DNS name (for SNI), NULL for an address */
const char *lint_connect_is_name(const char *host);

/* lint_connect_parse - opts->target into host and port; 0 or -1 */
int     lint_connect_parse(struct lint_connect_opts *opts);

/*
 * lint_connect_run - the chain the service sends (NULL when no handshake
 * succeeded: the reason is a finding in report), its protocol and cipher
 * into seen (released by lint_connect_seen_free()). The handshake accepts
 * every protocol and cipher and verifies nothing, to see what is sent; at
 * most max_chain certificates are taken from the server.
 */
struct stack_st_X509 *lint_connect_run(const struct lint_connect_opts *opts,
				               struct x509_store_st *trust, int max_chain,
				               struct lint_seen *seen, struct lint_report *report);

/*
 * lint_connect_profiles - a handshake as each client profile makes it
 * (client-modern, client-apple-mail, client-tls12-rsa: a connection each)
 * and chain, the served chain, as client-legacy-chain verifies it; each
 * failure a finding in report. trust: the roots the profiles verify with.
 */
void    lint_connect_profiles(const struct lint_connect_opts *opts,
			              struct x509_store_st *trust, struct stack_st_X509 *chain,
			              struct lint_report *report);

/* lint_connect_seen_free - what lint_connect_run() put into seen */
void    lint_connect_seen_free(struct lint_seen *seen);

#endif
