/*
 * lint_connect - the chain a live mail service sends
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/x509.h>

#include "tool/lint_connect.h"

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
	|| strlen(colon + 1) >= sizeof(opts->port) || strspn(colon + 1, "0123456789")
	!= strlen(colon + 1))
	return (-1);
    memcpy(opts->host, t, hlen);
    opts->host[hlen] = 0;
    snprintf(opts->port, sizeof(opts->port), "%s", colon + 1);
    return (0);
}

/* lint_connect_run - not yet: no network */
STACK_OF(X509) *lint_connect_run(const struct lint_connect_opts *opts, X509_STORE *trust,
				         int max_chain, struct lint_seen *seen,
				         struct lint_report *report)
{
    (void) trust;
    (void) max_chain;
    (void) seen;
    lint_report_add(report, "connect-failed", LINT_ERROR, -1, "%s: not implemented",
		    opts->target);
    return (NULL);
}

/* lint_connect_seen_free - the protocol and cipher strings */
void    lint_connect_seen_free(struct lint_seen *seen)
{
    free((char *) seen->protocol);
    free((char *) seen->cipher);
    seen->protocol = seen->cipher = NULL;
}
