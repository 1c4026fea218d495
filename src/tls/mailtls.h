/*
 * mailtls - a TLS client for mail services: SMTP, IMAP and POP3
 *
 * Connects over TCP, speaks the protocol's STARTTLS dialogue when there is
 * one (SMTP: RFC 3207; IMAP: RFC 3501, 6.2.1; POP3: RFC 2595, 4), then
 * completes a TLS handshake with the caller's OpenSSL context. The
 * server is hostile until proven otherwise: every step (the connect, the
 * whole dialogue, the handshake) ends within the caller's timeout, on a
 * non-blocking socket driven by poll(); a reply line is read up to
 * MAILTLS_MAX_LINE bytes and a reply up to MAILTLS_MAX_LINES lines; no
 * byte after the server's STARTTLS answer is read as text.
 *
 * Never prints: failures come back as a reason, and as the stage that
 * failed (no route to the port, or no TLS there). smtp_client is the SMTP
 * conversation as Postfix's smtp(8) has it (probe); this one speaks to
 * the mail host's own services as their clients do (lint). Both wait,
 * connect and complete the handshake with smtp_client's bounded socket
 * functions; the dialogues and their messages are each their own.
 */
#ifndef CERTPOLICY_MAILTLS_H
#define CERTPOLICY_MAILTLS_H

#include <stddef.h>

#define MAILTLS_MAX_LINE	1024	/* bytes in one reply line */
#define MAILTLS_MAX_LINES	100	/* lines in one reply */

enum mailtls_proto {
    MAILTLS_SMTP,
    MAILTLS_IMAP,
    MAILTLS_POP3,
    MAILTLS_NONE,			/* TLS from the first byte */
};

enum mailtls_stage {
    MAILTLS_STAGE_CONNECT,		/* nothing listens, or it is silent */
    MAILTLS_STAGE_STARTTLS,		/* connected, no STARTTLS */
    MAILTLS_STAGE_HANDSHAKE,		/* the TLS handshake failed */
};

struct ssl_st;
struct ssl_ctx_st;

struct mailtls {
    int     fd;
    struct ssl_st *ssl;			/* after mailtls_handshake() */
    char    buf[MAILTLS_MAX_LINE + 1];
    size_t  len;			/* bytes in buf not yet taken */
};

/*
 * mailtls_open - connect to host (a name or address) and port (digits),
 * then speak proto's STARTTLS dialogue, each of the two steps within
 * timeout seconds. Returns 0, or -1 with *stage and why[why_len] (the
 * connection is then closed).
 */
int     mailtls_open(struct mailtls *conn, const char *host, const char *port,
		             enum mailtls_proto proto, int timeout, enum mailtls_stage *stage,
		             char *why, size_t why_len);

/*
 * mailtls_starttls - proto's STARTTLS dialogue on conn->fd (connected,
 * non-blocking, conn->len 0), within timeout seconds: the greeting, the
 * capabilities (STARTTLS or STLS must be among them), the command and the
 * server's yes, with nothing after it. 0, or -1 with why. mailtls_open()
 * calls it; the fuzz target calls it on a socket pair.
 */
int     mailtls_starttls(struct mailtls *conn, enum mailtls_proto proto, int timeout,
			         char *why, size_t why_len);

/*
 * mailtls_handshake - TLS over the open connection with ctx, sending
 * servername as SNI when it is not NULL, within timeout seconds. Returns
 * 0, or -1 with why (OpenSSL's reason and the verification result). The
 * SSL stays in conn->ssl for the caller to inspect until mailtls_close().
 */
int     mailtls_handshake(struct mailtls *conn, struct ssl_ctx_st *ctx, const char *servername,
			          int timeout, char *why, size_t why_len);

/* mailtls_close - end TLS (without waiting for the server) and the connection */
void    mailtls_close(struct mailtls *conn);

#endif
