/*
 * server - answer policy requests on every connection, in one process
 *
 * Each connection has a bounded request reader and a reply buffer. A
 * connection is polled for input only while it has no reply waiting, which
 * keeps one outstanding request per connection, as smtpd does. The
 * database is checked for replacement before every request; the database
 * directory's change events (policy_db_watch) make that check free while
 * nothing changes. The event descriptor is polled last and drained
 * first: poll() looks at its descriptors in order, so a request seen
 * ready was sent after any change that happened before it was seen.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <arpa/inet.h>
#include <netdb.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"
#include "policy/logvalue.h"
#include "util/mem.h"
#include "policy/policy_decide.h"
#include "policy/policy_proto.h"
#include "daemon/server.h"
#include "util/timeutil.h"

#define SERVER_DEFAULT_IDLE 1000		/* seconds, before any database */
#define SERVER_OUT_HIGH 4096			/* stop answering until sent */

struct conn {
    int     rfd;
    int     wfd;
    struct policy_reader rd;
    char   *out;
    size_t  outlen;
    size_t  outcap;
    time_t  last;				/* monotonic seconds */
    time_t  begun;				/* when the unfinished request began, or 0 */
    int     eof;				/* no more input: close once sent */
    char    peer[64];
};

struct server {
    const struct server_config *cfg;
    struct conn **conns;
    size_t  nconns;
    size_t  cap;
    int     accept_paused;		/* out of file descriptors */
    time_t  accept_warned;		/* when that was logged last */
};

static volatile sig_atomic_t server_stop;

/*
 * A database is mapped into memory; a file truncated in place (cp over
 * it) makes a read of the mapping raise SIGBUS. While a request is decided
 * the handler jumps back to server_answer(), which forgets the files and
 * answers with error_action; anywhere else the signal is fatal as usual.
 * sigsetjmp() does not save the signal mask (no system call per request):
 * the handler runs with SA_NODEFER, so SIGBUS is not left blocked.
 */
static sigjmp_buf server_fault_jmp;
static volatile sig_atomic_t server_fault_armed;

/* server_sigbus - a read of a mapped database faulted */
static void server_sigbus(int sig)
{
    if (!server_fault_armed) {
	signal(sig, SIG_DFL);
	raise(sig);
	return;
    }
    server_fault_armed = 0;
    siglongjmp(server_fault_jmp, 1);
}

/* server_signal - stop the loop */
static void server_signal(int sig)
{
    (void) sig;
    server_stop = 1;
}

/* server_mono - monotonic seconds (idle timeouts are whole seconds) */
static time_t server_mono(void)
{
    return ((time_t) (time_monotonic_ms() / 1000));
}

/* server_nonblock - set O_NONBLOCK */
static void server_nonblock(int fd)
{
    int     flags = fcntl(fd, F_GETFL);

    if (flags >= 0)
	(void) fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/* server_add - a new connection */
static void server_add(struct server *srv, int rfd, int wfd, const char *peer)
{
    const struct bounds *b = srv->cfg->bounds;
    struct conn *c = mem_calloc(1, sizeof(*c));

    c->rfd = rfd;
    c->wfd = wfd;
    policy_init(&c->rd, (size_t) b->value[BOUND_MAX_REQUEST_SIZE],
		(size_t) b->value[BOUND_MAX_REQUEST_LINE],
		(int) b->value[BOUND_MAX_REQUEST_ATTRIBUTES]);
    c->last = server_mono();
    snprintf(c->peer, sizeof(c->peer), "%s", peer);
    srv->conns = mem_grow(srv->conns, srv->nconns, &srv->cap, sizeof(*srv->conns));
    srv->conns[srv->nconns++] = c;
    if (srv->cfg->verbose)
	log_info("connect from %s", c->peer);
}

/* server_drop - close connection i */
static void server_drop(struct server *srv, size_t i)
{
    struct conn *c = srv->conns[i];

    if (srv->cfg->verbose)
	log_info("disconnect from %s", c->peer);
    close(c->rfd);
    if (c->wfd != c->rfd)
	close(c->wfd);
    policy_free(&c->rd);
    free(c->out);
    free(c);
    srv->conns[i] = srv->conns[--srv->nconns];
    srv->accept_paused = 0;
}

/* server_peer - "ADDR:PORT" or "local" */
static void server_peer(int fd, char *buf, size_t len)
{
    struct sockaddr_storage ss;
    socklen_t sl = sizeof(ss);
    char    host[INET6_ADDRSTRLEN + 8], port[8];

    if (getpeername(fd, (struct sockaddr *) &ss, &sl) < 0 || ss.ss_family == AF_UNIX
	|| getnameinfo((struct sockaddr *) &ss, sl, host, sizeof(host), port, sizeof(port),
		       NI_NUMERICHOST | NI_NUMERICSERV) != 0)
	snprintf(buf, len, "local");
    else
	snprintf(buf, len, "%s:%s", host, port);
}

/* server_accept - take new connections from one listener */
static void server_accept(struct server *srv, int lfd)
{
    char    peer[64];
    int     fd;

    while (srv->nconns < (size_t) srv->cfg->bounds->value[BOUND_MAX_CONNECTIONS]) {
	if ((fd = accept(lfd, NULL, NULL)) < 0) {
	    if (errno == EMFILE || errno == ENFILE) {
		/* Accept again when a connection has closed; say so once a minute. */
		if (srv->accept_warned == 0 || server_mono() - srv->accept_warned >= 60) {
		    log_warn_errno("cannot accept a connection (%zu open): waiting for one to close",
				   srv->nconns);
		    srv->accept_warned = server_mono();
		}
		srv->accept_paused = 1;
	    } else if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR
		       && errno != ECONNABORTED) {
		log_warn_errno("accept");
	    }
	    return;
	}
	server_nonblock(fd);
	(void) fcntl(fd, F_SETFD, FD_CLOEXEC);
	server_peer(fd, peer, sizeof(peer));
	server_add(srv, fd, fd, peer);
    }
}

/* server_log - the decision's log line */
static void server_log(const struct server *srv, const struct policy_req *req,
		               const struct policy_decision *d)
{
    char    line[4096];
    size_t  used = 0;
    const char *v;
    char    client[600];

    if (d->outcome == OUTCOME_NOCERT && !srv->cfg->verbose)
	return;
    snprintf(client, sizeof(client), "%s[%s]",
	     req->attr[PA_CLIENT_NAME] ? req->attr[PA_CLIENT_NAME] : "unknown",
	     req->attr[PA_CLIENT_ADDRESS] ? req->attr[PA_CLIENT_ADDRESS] : "unknown");
    logvalue_put(line, sizeof(line), &used, "client", client, strlen(client), 0);
    if ((v = req->attr[PA_CCERT_FINGERPRINT]) != NULL && *v)
	logvalue_put(line, sizeof(line), &used, "fingerprint", v, strlen(v), 0);
    if (d->rpk && (v = req->attr[PA_CCERT_PUBKEY_FINGERPRINT]) != NULL) {
	logvalue_put(line, sizeof(line), &used, "pubkey_fingerprint", v, strlen(v), 0);
	logvalue_put(line, sizeof(line), &used, "rpk", "yes", 3, 0);
    }
    if ((v = req->attr[PA_CCERT_SUBJECT]) != NULL && *v)
	logvalue_put(line, sizeof(line), &used, "subject", v, strlen(v), 1);
    if ((v = req->attr[PA_CCERT_ISSUER]) != NULL && *v)
	logvalue_put(line, sizeof(line), &used, "issuer", v, strlen(v), 1);
    if (d->name != NULL)
	logvalue_put(line, sizeof(line), &used, "name", d->name, d->name_len, 0);
    v = policy_outcome_name(d->outcome);
    logvalue_put(line, sizeof(line), &used, "outcome", v, strlen(v), 0);
    logvalue_put(line, sizeof(line), &used, "action", d->action, strlen(d->action), 0);
    if (d->note != NULL && d->note_len > 0)
	logvalue_put(line, sizeof(line), &used, "reason", d->note, d->note_len, 0);
    if (d->warn)
	log_warn("%s", line);
    else
	log_info("%s", line);
}

/* server_reply - queue "action=...\n\n" */
static void server_reply(struct conn *c, const char *action)
{
    size_t  need = strlen(action) + 9;

    c->out = mem_reserve(c->out, c->outlen, need, &c->outcap);
    c->outlen += (size_t) snprintf(c->out + c->outlen, c->outcap - c->outlen,
				   "action=%s\n\n", action);
}

/* server_idle_timeout - idle_timeout of the database, or the default */
static time_t server_idle_timeout(const struct server *srv)
{
    const struct settings *set = policy_db_settings(srv->cfg->db);

    return (set != NULL ? (time_t) set->idle_timeout : SERVER_DEFAULT_IDLE);
}

/* server_fault - the answer after a database changed under a lookup */
static void server_fault(struct server *srv, struct conn *c, const struct policy_req *req)
{
    struct policy_db *db = srv->cfg->db;
    struct policy_decision d;

    policy_db_fault(db);
    memset(&d, 0, sizeof(d));
    d.outcome = OUTCOME_ERROR;
    d.action = db->error_action;
    d.note = db->file.why;
    d.note_len = strlen(db->file.why);
    server_log(srv, req, &d);
    server_reply(c, d.action);
}

/*
 * server_answer - answer the complete requests of c. A request over a
 * limit ends the input (eof); the answers before it are still sent.
 */
static void server_answer(struct server *srv, struct conn *c)
{
    const struct policy_req *req;
    struct policy_decision d;
    const char *why;
    int     changed;

    while (!c->eof && c->outlen < SERVER_OUT_HIGH) {
	switch (policy_next(&c->rd, &req, &why)) {
	case POLICY_MORE:
	    return;
	case POLICY_ERROR:
	    log_warn("%s: %s: closing the connection", c->peer, why);
	    c->eof = 1;
	    return;
	case POLICY_REQUEST:
	    if (sigsetjmp(server_fault_jmp, 0) != 0) {
		server_fault(srv, c, req);
		break;
	    }
	    server_fault_armed = 1;
	    policy_db_refresh(srv->cfg->db, &changed);
	    if (changed) {
		const struct policy_db *db = srv->cfg->db;

		if (db->usable && db->overlay_active)
		    log_info("using database %s and its recent edits %s", db->file.path,
			     db->overlay.path);
		else if (db->usable)
		    log_info("using database %s", db->file.path);
		else
		    log_warn("database %s: %s", db->file.path, db->why);
	    }
	    policy_decide(srv->cfg->db, req, time_now(), &d);
	    server_log(srv, req, &d);
	    server_fault_armed = 0;
	    server_reply(c, d.action);
	    break;
	}
    }
}

/* server_read - read what is there and answer; -1 to drop the connection */
static int server_read(struct server *srv, struct conn *c)
{
    size_t  room;
    char   *space;
    ssize_t got;

    /*
     * Input is polled only when no answer is waiting, and every drained
     * write answers what is buffered, so there is nothing to answer first.
     * A full buffer was already reported by policy_next() (input ended);
     * should one get here anyway, drop the connection rather than spin.
     */
    space = policy_space(&c->rd, &room);
    if (room == 0)
	return (-1);
    got = read(c->rfd, space, room);
    if (got < 0)
	return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1);
    if (got == 0) {
	c->eof = 1;
	return (0);
    }
    c->last = server_mono();
    if (policy_pending(&c->rd) == 0)
	c->begun = c->last;
    policy_filled(&c->rd, (size_t) got);
    server_answer(srv, c);
    if (policy_pending(&c->rd) == 0)
	c->begun = 0;
    return (0);
}

/* server_write - send queued replies; -1 to drop the connection */
static int server_write(struct server *srv, struct conn *c)
{
    ssize_t put = write(c->wfd, c->out, c->outlen);

    if (put < 0)
	return (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR ? 0 : -1);
    memmove(c->out, c->out + put, c->outlen - (size_t) put);
    c->outlen -= (size_t) put;
    c->last = server_mono();
    if (c->outlen == 0)
	server_answer(srv, c);
    return (0);
}

/* server_loop_once - one poll round */
static void server_loop_once(struct server *srv, struct pollfd **pfdp, size_t *pcap)
{
    const struct server_config *cfg = srv->cfg;
    size_t  n = 0, i, k;
    time_t  now = server_mono(), idle = server_idle_timeout(srv), wait = idle;
    int     accepting = !srv->accept_paused
	&& srv->nconns < (size_t) cfg->bounds->value[BOUND_MAX_CONNECTIONS];
    struct pollfd *pfd;

    if (*pcap < (size_t) cfg->nlisten + srv->nconns + 1) {
	*pcap = 2 * ((size_t) cfg->nlisten + srv->nconns + 1);
	*pfdp = mem_realloc(*pfdp, *pcap, sizeof(**pfdp));
    }
    pfd = *pfdp;
    for (i = 0; i < (size_t) cfg->nlisten; i++, n++) {
	pfd[n].fd = accepting ? cfg->listen_fds[i] : -1;
	pfd[n].events = POLLIN;
	pfd[n].revents = 0;
    }
    for (i = 0; i < srv->nconns; i++, n++) {
	struct conn *c = srv->conns[i];

	pfd[n].fd = c->outlen ? c->wfd : c->eof ? -1 : c->rfd;
	pfd[n].events = c->outlen ? POLLOUT : POLLIN;
	pfd[n].revents = 0;
	if ((c->begun ? c->begun : c->last) + idle - now < wait)
	    wait = (c->begun ? c->begun : c->last) + idle - now;
    }
    pfd[n].fd = cfg->db->watch.fd;
    pfd[n].events = POLLIN;
    pfd[n].revents = 0;
    if (poll(pfd, n + 1, wait > 0 ? (int) (wait * 1000) : 0) < 0) {
	if (errno != EINTR)
	    log_fatal("poll: %s", strerror(errno));
	return;
    }
    if (pfd[n].revents & POLLIN)
	filewatch_drain(&cfg->db->watch);
    for (i = 0; i < (size_t) cfg->nlisten; i++)
	if (pfd[i].revents & POLLIN)
	    server_accept(srv, cfg->listen_fds[i]);
    now = server_mono();

    /*
     * Read and decide first, then write the decisions' log lines in one
     * go, then send the answers: an answer never goes out before its log
     * line. Walk backwards: server_drop() moves the last connection into
     * place.
     */
    for (k = srv->nconns; k-- > 0;) {
	struct conn *c = srv->conns[k];
	short   ev = k + cfg->nlisten < n ? pfd[k + cfg->nlisten].revents : 0;

	if ((ev & (POLLIN | POLLHUP | POLLERR)) && c->outlen == 0 && server_read(srv, c) < 0)
	    server_drop(srv, k);
    }
    log_flush();
    for (k = srv->nconns; k-- > 0;) {
	struct conn *c = srv->conns[k];
	int     drop = 0;

	if (c->outlen > 0)
	    drop = server_write(srv, c);
	if (!drop && c->eof && c->outlen == 0)
	    drop = 1;
	if (!drop && (now - c->last >= idle || (c->begun && now - c->begun >= idle))) {
	    if (policy_pending(&c->rd) > 0)
		log_warn("%s: a request was begun and not finished within idle_timeout"
			 " (%lld seconds, %zu bytes): closing", c->peer, (long long) idle,
			 policy_pending(&c->rd));
	    else if (cfg->verbose)
		log_info("%s: idle for %lld seconds: closing", c->peer, (long long) idle);
	    drop = 1;
	}
	if (drop)
	    server_drop(srv, k);
    }
    log_flush();
}

/* server_run - serve until stopped or, in spawn mode, done */
int     server_run(const struct server_config *cfg)
{
    struct server srv;
    struct sigaction sa;
    struct pollfd *pfd = NULL;
    size_t  pcap = 0;

    memset(&srv, 0, sizeof(srv));
    srv.cfg = cfg;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = SIG_IGN;
    sigaction(SIGPIPE, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
    sa.sa_handler = server_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = server_sigbus;
    sa.sa_flags = SA_NODEFER;
    sigaction(SIGBUS, &sa, NULL);
    if (cfg->spawn) {
	server_nonblock(0);
	server_nonblock(1);
	server_add(&srv, 0, 1, "spawn");
    }
    if (cfg->ready != NULL)
	cfg->ready();
    log_hold();
    while (!server_stop && (srv.nconns > 0 || !cfg->spawn))
	server_loop_once(&srv, &pfd, &pcap);
    while (srv.nconns > 0)
	server_drop(&srv, srv.nconns - 1);
    log_flush();
    free(srv.conns);
    free(pfd);
    return (0);
}
