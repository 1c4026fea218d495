/*
 * mailtls - a TLS client for mail services: SMTP, IMAP and POP3
 *
 * One deadline per step, on the monotonic clock; every wait is a poll()
 * for what remains of it, so a server that trickles bytes cannot stretch a
 * step. OpenSSL works on the non-blocking socket: SSL_connect() is called
 * again each time poll() says the socket is ready.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include "cert/log_ssl.h"
#include "tls/mailtls.h"
#include "tls/smtp_client.h"
#include "util/timeutil.h"

#define MAILTLS_EHLO "certpolicy.invalid"	/* RFC 2606: names no host */

/* mailtls_connect - a non-blocking socket connected to one of host's addresses */
static int mailtls_connect(const char *host, const char *port, long long deadline,
			           char *why, size_t why_len)
{
    struct addrinfo hints, *res, *ai;
    int     fd = -1, err = 0, ret;

    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    if ((ret = getaddrinfo(host, port, &hints, &res)) != 0) {
	snprintf(why, why_len, "cannot resolve %s: %s", host, gai_strerror(ret));
	return (-1);
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
	if ((fd = socket(ai->ai_family, ai->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC,
			 ai->ai_protocol)) < 0) {
	    err = errno;
	    continue;
	}
	if ((ret = smtp_client_connect_fd(fd, ai->ai_addr, ai->ai_addrlen, deadline)) == 0)
	    break;
	err = ret < 0 ? ETIMEDOUT : ret;
	close(fd);
	fd = -1;
    }
    freeaddrinfo(res);
    if (fd < 0)
	snprintf(why, why_len, "cannot connect to %s port %s: %s", host, port,
		 err == ETIMEDOUT ? "no answer within the timeout" : strerror(err));
    return (fd);
}

/* mailtls_send - all of text, before deadline; 0 or -1 */
static int mailtls_send(struct mailtls *conn, const char *text, long long deadline,
			        char *why, size_t why_len)
{
    size_t  done = 0, len = strlen(text);
    ssize_t n;

    while (done < len) {
	if ((n = send(conn->fd, text + done, len - done, MSG_NOSIGNAL)) > 0) {
	    done += (size_t) n;
	} else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
	    if (smtp_client_wait(conn->fd, POLLOUT, deadline) <= 0) {
		snprintf(why, why_len, "the server does not take our command within the timeout");
		return (-1);
	    }
	} else {
	    snprintf(why, why_len, "cannot send: %s", strerror(errno));
	    return (-1);
	}
    }
    return (0);
}

/* mailtls_line - one reply line (CR LF taken off) into line; 0 or -1 */
static int mailtls_line(struct mailtls *conn, long long deadline, char *line,
			        char *why, size_t why_len)
{
    char   *nl;
    ssize_t n;
    size_t  take;

    while ((nl = memchr(conn->buf, '\n', conn->len)) == NULL) {
	if (conn->len >= MAILTLS_MAX_LINE) {
	    snprintf(why, why_len, "a reply line longer than %d bytes", MAILTLS_MAX_LINE);
	    return (-1);
	}
	if ((n = recv(conn->fd, conn->buf + conn->len, MAILTLS_MAX_LINE - conn->len, 0)) > 0) {
	    conn->len += (size_t) n;
	} else if (n == 0) {
	    snprintf(why, why_len, "the server closed the connection");
	    return (-1);
	} else if (errno != EAGAIN && errno != EINTR) {
	    snprintf(why, why_len, "cannot read: %s", strerror(errno));
	    return (-1);
	} else if (smtp_client_wait(conn->fd, POLLIN, deadline) <= 0) {
	    snprintf(why, why_len, "no reply within the timeout");
	    return (-1);
	}
    }
    take = (size_t) (nl - conn->buf) + 1;
    memcpy(line, conn->buf, take - 1);
    line[take - 1] = 0;
    line[strcspn(line, "\r")] = 0;
    memmove(conn->buf, conn->buf + take, conn->len - take);
    conn->len -= take;
    return (0);
}

/*
 * mailtls_reply - one whole reply: SMTP (until "NNN "), IMAP (until the
 * tagged line), POP3 (one line, or until "." when multi). *starttls is set
 * when a line names STARTTLS or STLS. 0 when the reply is positive, else
 * -1 with why quoting its last line.
 */
static int mailtls_reply(struct mailtls *conn, enum mailtls_proto proto, const char *tag,
			         int multi, long long deadline, int *starttls,
			         char *why, size_t why_len)
{
    char    line[MAILTLS_MAX_LINE + 1];
    int     n;

    for (n = 0; n < MAILTLS_MAX_LINES; n++) {
	if (mailtls_line(conn, deadline, line, why, why_len) < 0)
	    return (-1);
	if (starttls != NULL && (strcasestr(line, "STARTTLS") || strcasestr(line, "STLS")))
	    *starttls = 1;
	if (proto == MAILTLS_SMTP && (strlen(line) < 4 || line[3] != '-'))
	    break;
	if (proto == MAILTLS_IMAP && tag == NULL)
	    break;
	if (proto == MAILTLS_IMAP && strncmp(line, tag, strlen(tag)) == 0)
	    break;
	if (proto == MAILTLS_POP3 && (!multi || strncmp(line, "-ERR", 4) == 0
				      || strcmp(line, ".") == 0))
	    break;
    }
    if (n == MAILTLS_MAX_LINES) {
	snprintf(why, why_len, "a reply of more than %d lines", MAILTLS_MAX_LINES);
	return (-1);
    }
    if ((proto == MAILTLS_SMTP && line[0] == '2')
	|| (proto == MAILTLS_IMAP && strcasestr(line, tag ? "OK" : "* OK") == line + (tag ? strlen(tag) : 0))
	|| (proto == MAILTLS_POP3 && (strncmp(line, "+OK", 3) == 0 || strcmp(line, ".") == 0)))
	return (0);
    snprintf(why, why_len, "the server answered \"%.200s\"", line);
    return (-1);
}

/* mailtls_dialogue - up to the server's yes to STARTTLS; 0 or -1 */
static int mailtls_dialogue(struct mailtls *conn, enum mailtls_proto proto, long long deadline,
			            char *why, size_t why_len)
{
    static const struct {
	const char *ask;			/* for the capabilities */
	const char *ask_tag;
	const char *start;			/* the STARTTLS command */
	const char *start_tag;
    } p[] = {
	[MAILTLS_SMTP] = {"EHLO " MAILTLS_EHLO "\r\n", NULL, "STARTTLS\r\n", NULL},
	[MAILTLS_IMAP] = {"a1 CAPABILITY\r\n", "a1 ", "a2 STARTTLS\r\n", "a2 "},
	[MAILTLS_POP3] = {"CAPA\r\n", NULL, "STLS\r\n", NULL},
    };
    int     offered = 0;

    if (mailtls_reply(conn, proto, NULL, 0, deadline, NULL, why, why_len) < 0
	|| mailtls_send(conn, p[proto].ask, deadline, why, why_len) < 0
	|| mailtls_reply(conn, proto, p[proto].ask_tag, 1, deadline, &offered, why, why_len) < 0)
	return (-1);
    if (!offered) {
	snprintf(why, why_len, "the server does not offer %s",
		 proto == MAILTLS_POP3 ? "STLS" : "STARTTLS");
	return (-1);
    }
    if (mailtls_send(conn, p[proto].start, deadline, why, why_len) < 0
	|| mailtls_reply(conn, proto, p[proto].start_tag, 0, deadline, NULL, why, why_len) < 0)
	return (-1);
    if (conn->len > 0) {
	snprintf(why, why_len, "the server sent data after its STARTTLS answer");
	return (-1);
    }
    return (0);
}

/* mailtls_starttls - the dialogue on an open connection, within timeout */
int     mailtls_starttls(struct mailtls *conn, enum mailtls_proto proto, int timeout,
			         char *why, size_t why_len)
{
    if (proto == MAILTLS_NONE)
	return (0);
    return (mailtls_dialogue(conn, proto, time_monotonic_ms() + timeout * 1000LL, why, why_len));
}

/* mailtls_open - TCP, then STARTTLS */
int     mailtls_open(struct mailtls *conn, const char *host, const char *port,
		             enum mailtls_proto proto, int timeout, enum mailtls_stage *stage,
		             char *why, size_t why_len)
{
    memset(conn, 0, sizeof(*conn));
    *stage = MAILTLS_STAGE_CONNECT;
    if ((conn->fd = mailtls_connect(host, port, time_monotonic_ms() + timeout * 1000LL, why,
				    why_len)) < 0)
	return (-1);
    *stage = MAILTLS_STAGE_STARTTLS;
    if (mailtls_starttls(conn, proto, timeout, why, why_len) < 0) {
	mailtls_close(conn);
	return (-1);
    }
    return (0);
}

/* mailtls_handshake - TLS within timeout */
int     mailtls_handshake(struct mailtls *conn, SSL_CTX *ctx, const char *servername,
			          int timeout, char *why, size_t why_len)
{
    long long deadline = time_monotonic_ms() + timeout * 1000LL;
    char    reason[1024];
    long    verify;
    int     ret, err;

    ERR_clear_error();
    if ((conn->ssl = SSL_new(ctx)) == NULL || !SSL_set_fd(conn->ssl, conn->fd))
	log_fatal("cannot make an OpenSSL connection: %s",
		  log_ssl_reason(reason, sizeof(reason)));
    if (servername != NULL)
	(void) SSL_set_tlsext_host_name(conn->ssl, servername);
    if ((ret = smtp_client_handshake(conn->ssl, conn->fd, deadline, &err)) == 1)
	return (0);
    log_ssl_reason(reason, sizeof(reason));
    verify = SSL_get_verify_result(conn->ssl);
    if (ret != -2)				/* the wait ended first */
	snprintf(why, why_len, "no TLS handshake within the timeout");
    else if (verify != X509_V_OK)
	snprintf(why, why_len, "certificate verify failed: %s",
		 X509_verify_cert_error_string(verify));
    else if (*reason)
	snprintf(why, why_len, "%s", reason);
    else
	snprintf(why, why_len, "the server closed the connection during the handshake");
    return (-1);
}

/* mailtls_close - the connection, and TLS without waiting */
void    mailtls_close(struct mailtls *conn)
{
    if (conn->ssl != NULL) {
	(void) SSL_shutdown(conn->ssl);
	SSL_free(conn->ssl);
	conn->ssl = NULL;
    }
    if (conn->fd >= 0)
	close(conn->fd);
    conn->fd = -1;
    ERR_clear_error();
}
