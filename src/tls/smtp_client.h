/*
 * smtp_client - a bounded SMTP client conversation, plain or over TLS
 *
 * Enough SMTP to ask a server for STARTTLS as Postfix's smtp(8) does:
 * connect, read the greeting, EHLO, STARTTLS, and after the handshake
 * EHLO again and QUIT. The peer is untrusted: every step (the connect,
 * each reply, each command, the TLS handshake) must finish within the
 * timeout given (seconds), and one reply (all its lines) may be at most
 * max_reply bytes; crossing either is an error, never a hang.
 *
 * The bounded socket underneath (smtp_client_wait, smtp_client_connect_fd,
 * smtp_client_handshake) is also mailtls's, lint's client: one place
 * waits on a deadline, connects and completes a handshake for both.
 *
 * DIAGNOSTICS: functions return -1 with the reason in why, in words close
 * to what Postfix logs ("connect to HOST[ADDR]:PORT: Connection refused",
 * "conversation with ... timed out while receiving the initial server
 * greeting"). Nothing is printed. The three socket functions return a
 * status and leave the words to their caller.
 */
#ifndef CERTPOLICY_SMTP_CLIENT_H
#define CERTPOLICY_SMTP_CLIENT_H

#include <stddef.h>
#include <sys/socket.h>

#include <openssl/ssl.h>

#define SMTP_CLIENT_BUFSIZE 4096

struct smtp_client {
    int     fd;
    SSL    *ssl;			/* after smtp_client_tls(), else NULL */
    int     timeout;			/* seconds per step */
    size_t  max_reply;			/* bytes of one reply */
    const char *peer;			/* HOST[ADDR]:PORT, for messages */
    char    buf[SMTP_CLIENT_BUFSIZE];	/* read ahead */
    size_t  pos;
    size_t  len;
};

/*
 * smtp_client_connect - a TCP connection to addr within timeout seconds;
 * peer names it in messages (the caller keeps it). 0 or -1 with why.
 */
int     smtp_client_connect(struct smtp_client *c, const struct sockaddr *addr,
			            socklen_t addrlen, const char *peer, int timeout,
			            size_t max_reply, char *why, size_t why_len);

/*
 * smtp_client_reply - read one reply (all lines of a multi-line one) into
 * text (at most text_len bytes kept, lines joined by '\n', CRs removed);
 * returns its code (200..599), or -1 with why (timeout, lost connection,
 * a line that is not a reply, a reply longer than max_reply). stage says
 * what was awaited ("the initial server greeting").
 */
int     smtp_client_reply(struct smtp_client *c, const char *stage, char *text,
			          size_t text_len, char *why, size_t why_len);

/* smtp_client_send - one command line (CRLF added); 0 or -1 with why */
int     smtp_client_send(struct smtp_client *c, const char *cmd, char *why, size_t why_len);

/*
 * smtp_client_tls - the TLS handshake on the connection with ssl (made by
 * the caller, not yet connected; the client owns it from here on), within
 * timeout seconds; read-ahead after STARTTLS's reply is discarded, as
 * Postfix purges it. 0, or -1 with why (OpenSSL's errors included).
 */
int     smtp_client_tls(struct smtp_client *c, SSL *ssl, char *why, size_t why_len);

/*
 * smtp_client_wait - fd ready for events (poll) before deadline, in
 * time_monotonic_ms() milliseconds: 1, 0 when the deadline passed, -1
 * with errno
 */
int     smtp_client_wait(int fd, short events, long long deadline);

/*
 * smtp_client_connect_fd - connect the non-blocking socket fd to addr
 * before deadline (milliseconds, time_monotonic_ms): 0, -1 when the
 * deadline passed, else the errno value of the failure
 */
int     smtp_client_connect_fd(int fd, const struct sockaddr *addr, socklen_t addrlen,
			               long long deadline);

/*
 * smtp_client_handshake - SSL_connect() on ssl (set up on the non-blocking
 * fd) until done or deadline: 1 done, 0 the deadline passed, -1 poll
 * failed (errno), -2 the handshake failed (*err is SSL_get_error()'s,
 * OpenSSL's queue holds the reason)
 */
int     smtp_client_handshake(SSL *ssl, int fd, long long deadline, int *err);

/* smtp_client_close - QUIT is the caller's business; shut down and close */
void    smtp_client_close(struct smtp_client *c);

#endif
