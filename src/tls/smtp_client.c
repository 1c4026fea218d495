/*
 * smtp_client - a bounded SMTP client conversation, plain or over TLS
 *
 * The socket is non-blocking from the start; every wait is a poll() with
 * what is left of the step's deadline (CLOCK_MONOTONIC). Replies are read
 * through a small read-ahead buffer; a reply's size is counted as it is
 * read, so a server that never ends a line is cut off at max_reply bytes.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/err.h>

#include "cert/log_ssl.h"
#include "tls/smtp_client.h"
#include "util/timeutil.h"

/* smtp_client_wait - fd ready for events before deadline: 1, 0 timeout, -1 */
int     smtp_client_wait(int fd, short events, long long deadline)
{
    struct pollfd pfd;
    long long left;
    int     n;

    for (;;) {
	if ((left = deadline - time_monotonic_ms()) <= 0)
	    return (0);
	pfd.fd = fd;
	pfd.events = events;
	pfd.revents = 0;
	if ((n = poll(&pfd, 1, left > 1000000 ? 1000000 : (int) left)) > 0)
	    return (1);
	if (n < 0 && errno != EINTR)
	    return (-1);
    }
}

/* smtp_client_connect_fd - connect a non-blocking fd before deadline */
int     smtp_client_connect_fd(int fd, const struct sockaddr *addr, socklen_t addrlen,
			               long long deadline)
{
    int     err = 0, n;
    socklen_t len = sizeof(err);

    if (connect(fd, addr, addrlen) == 0)
	return (0);
    if (errno != EINPROGRESS)
	return (errno);
    if ((n = smtp_client_wait(fd, POLLOUT, deadline)) == 0)
	return (-1);
    if (n < 0 || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0)
	return (errno);
    return (err);
}

/* smtp_client_connect - TCP connect within the timeout */
int     smtp_client_connect(struct smtp_client *c, const struct sockaddr *addr,
			            socklen_t addrlen, const char *peer, int timeout,
			            size_t max_reply, char *why, size_t why_len)
{
    long long deadline = time_monotonic_ms() + (long long) timeout * 1000;
    int     err;

    memset(c, 0, sizeof(*c));
    c->timeout = timeout;
    c->max_reply = max_reply;
    c->peer = peer;
    if ((c->fd = socket(addr->sa_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0) {
	snprintf(why, why_len, "connect to %s: cannot make a socket: %s", peer, strerror(errno));
	return (-1);
    }
    if ((err = smtp_client_connect_fd(c->fd, addr, addrlen, deadline)) < 0) {
	snprintf(why, why_len, "connect to %s: Connection timed out (after %d s, "
		 "probe_timeout)", peer, timeout);
	smtp_client_close(c);
	return (-1);
    }
    if (err != 0) {
	snprintf(why, why_len, "connect to %s: %s", peer, strerror(err));
	smtp_client_close(c);
	return (-1);
    }
    return (0);
}

/*
 * smtp_client_io - one read or write, plain or TLS, waiting until
 * deadline: bytes moved, 0 at end of file, -1 error, -2 timeout
 */
static ssize_t smtp_client_io(struct smtp_client *c, int writing, void *buf, size_t len,
			              long long deadline)
{
    ssize_t n;
    int     err, ready;
    short   events;

    for (;;) {
	if (c->ssl != NULL) {
	    ERR_clear_error();
	    n = writing ? SSL_write(c->ssl, buf, (int) len) : SSL_read(c->ssl, buf, (int) len);
	    if (n > 0)
		return (n);
	    err = SSL_get_error(c->ssl, (int) n);
	    if (err == SSL_ERROR_ZERO_RETURN)
		return (0);
	    if (err == SSL_ERROR_WANT_READ)
		events = POLLIN;
	    else if (err == SSL_ERROR_WANT_WRITE)
		events = POLLOUT;
	    else
		return (err == SSL_ERROR_SYSCALL && n == 0 ? 0 : -1);
	} else {
	    n = writing ? write(c->fd, buf, len) : read(c->fd, buf, len);
	    if (n >= 0)
		return (n);
	    if (errno == EINTR)
		continue;
	    if (errno != EAGAIN && errno != EWOULDBLOCK)
		return (-1);
	    events = writing ? POLLOUT : POLLIN;
	}
	if ((ready = smtp_client_wait(c->fd, events, deadline)) == 0)
	    return (-2);
	if (ready < 0)
	    return (-1);
    }
}

/* smtp_client_fail - the reason for an I/O result of smtp_client_io() */
static int smtp_client_fail(struct smtp_client *c, ssize_t n, const char *doing,
			            const char *stage, char *why, size_t why_len)
{
    char    reason[512];

    if (n == -2)
	snprintf(why, why_len, "conversation with %s timed out (after %d s, probe_timeout) "
		 "while %s %s", c->peer, c->timeout, doing, stage);
    else if (n == 0)
	snprintf(why, why_len, "lost connection with %s while %s %s", c->peer, doing, stage);
    else if (c->ssl != NULL && *log_ssl_reason(reason, sizeof(reason)))
	snprintf(why, why_len, "TLS error with %s while %s %s: %s", c->peer, doing, stage,
		 reason);
    else
	snprintf(why, why_len, "error with %s while %s %s: %s", c->peer, doing, stage,
		 strerror(errno));
    return (-1);
}

/* smtp_client_reply - one whole reply */
int     smtp_client_reply(struct smtp_client *c, const char *stage, char *text,
			          size_t text_len, char *why, size_t why_len)
{
    long long deadline = time_monotonic_ms() + (long long) c->timeout * 1000;
    char    line[1024];
    size_t  size = 0, llen = 0, tlen = 0;
    ssize_t n;
    int     ch, code = -1, last;

    if (text_len > 0)
	*text = 0;
    for (;;) {
	if (c->pos == c->len) {
	    if ((n = smtp_client_io(c, 0, c->buf, sizeof(c->buf), deadline)) <= 0)
		return (smtp_client_fail(c, n, "receiving", stage, why, why_len));
	    c->pos = 0;
	    c->len = (size_t) n;
	}
	ch = (unsigned char) c->buf[c->pos++];
	if (++size > c->max_reply) {
	    snprintf(why, why_len, "reply from %s to %s is longer than %zu bytes "
		     "(probe_max_reply)", c->peer, stage, c->max_reply);
	    return (-1);
	}
	if (ch == '\r')
	    continue;
	if (ch != '\n') {
	    if (llen < sizeof(line) - 1)
		line[llen++] = (char) ch;
	    continue;
	}
	line[llen] = 0;
	if (llen < 3 || !isdigit((unsigned char) line[0]) || !isdigit((unsigned char) line[1])
	    || !isdigit((unsigned char) line[2]) || (llen > 3 && line[3] != ' ' && line[3] != '-')) {
	    snprintf(why, why_len, "%s sent a line that is not an SMTP reply while %s %s: "
		     "\"%.80s\"", c->peer, "receiving", stage, line);
	    return (-1);
	}
	code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
	last = llen == 3 || line[3] == ' ';
	if (text_len > 0) {
	    snprintf(text + tlen, text_len - tlen, "%s%s", tlen ? "\n" : "", line);
	    tlen += strlen(text + tlen);
	}
	llen = 0;
	if (last)
	    break;
    }
    if (code < 200 || code > 599) {
	snprintf(why, why_len, "%s sent reply code %d while %s %s", c->peer, code, "receiving",
		 stage);
	return (-1);
    }
    return (code);
}

/* smtp_client_send - one command */
int     smtp_client_send(struct smtp_client *c, const char *cmd, char *why, size_t why_len)
{
    long long deadline = time_monotonic_ms() + (long long) c->timeout * 1000;
    char    line[1024];
    size_t  len, done = 0;
    ssize_t n;

    len = (size_t) snprintf(line, sizeof(line), "%s\r\n", cmd);
    if (len >= sizeof(line)) {
	snprintf(why, why_len, "command too long: %.40s...", cmd);
	return (-1);
    }
    while (done < len) {
	if ((n = smtp_client_io(c, 1, line + done, len - done, deadline)) <= 0)
	    return (smtp_client_fail(c, n, "sending", cmd, why, why_len));
	done += (size_t) n;
    }
    return (0);
}

/* smtp_client_handshake - SSL_connect on fd until done or deadline */
int     smtp_client_handshake(SSL *ssl, int fd, long long deadline, int *err)
{
    int     n, ready;

    for (;;) {
	ERR_clear_error();
	if ((n = SSL_connect(ssl)) == 1)
	    return (1);
	*err = SSL_get_error(ssl, n);
	if (*err != SSL_ERROR_WANT_READ && *err != SSL_ERROR_WANT_WRITE)
	    return (-2);
	ready = smtp_client_wait(fd, *err == SSL_ERROR_WANT_READ ? POLLIN : POLLOUT, deadline);
	if (ready <= 0)
	    return (ready);
    }
}

/* smtp_client_tls - the handshake, bounded */
int     smtp_client_tls(struct smtp_client *c, SSL *ssl, char *why, size_t why_len)
{
    long long deadline = time_monotonic_ms() + (long long) c->timeout * 1000;
    char    reason[512];
    int     err = 0;

    c->pos = c->len = 0;
    c->ssl = ssl;
    if (SSL_set_fd(ssl, c->fd) != 1) {
	snprintf(why, why_len, "SSL_set_fd error to %s: %s", c->peer,
		 log_ssl_reason(reason, sizeof(reason)));
	return (-1);
    }
    switch (smtp_client_handshake(ssl, c->fd, deadline, &err)) {
    case 1:
	return (0);
    case 0:
	snprintf(why, why_len, "TLS handshake with %s timed out (after %d s, "
		 "probe_timeout)", c->peer, c->timeout);
	return (-1);
    case -1:
	snprintf(why, why_len, "TLS handshake with %s: %s", c->peer, strerror(errno));
	return (-1);
    }
    if (*log_ssl_reason(reason, sizeof(reason)))
	snprintf(why, why_len, "SSL_connect error to %s: %s", c->peer, reason);
    else if (err == SSL_ERROR_SYSCALL && errno != 0)
	snprintf(why, why_len, "SSL_connect error to %s: %s", c->peer, strerror(errno));
    else
	snprintf(why, why_len, "SSL_connect error to %s: lost connection", c->peer);
    return (-1);
}

/* smtp_client_close - release the connection */
void    smtp_client_close(struct smtp_client *c)
{
    if (c->ssl != NULL) {
	if (SSL_is_init_finished(c->ssl))
	    (void) SSL_shutdown(c->ssl);
	SSL_free(c->ssl);
	c->ssl = NULL;
    }
    if (c->fd >= 0)
	close(c->fd);
    c->fd = -1;
}
