/*
 * policyload - a load generator that speaks Postfix's policy protocol
 *
 * policyload (--spawn 'COMMAND ARGS' | --connect unix:PATH|inet:HOST:PORT)
 *            [-c CONNECTIONS] [-n REQUESTS] [--enrolled FILE] [--revoked FILE]
 *            [--either FILE] [--mix E,U,R,N] [--no-check]
 *
 * Like smtpd: each connection has one outstanding request at a time. With
 * --spawn every connection is a new process on a socketpair that is its
 * stdin, stdout and stderr, as spawn(8) does (COMMAND is split on spaces
 * and run without a shell; give it with its full path). Requests carry the full
 * attribute set Postfix 3.7 sends, with client_port and instance varying
 * so that nothing can answer from a cache. The mix (percent) picks an
 * enrolled fingerprint (expects OK), an unknown one (DUNNO), a revoked one
 * (REJECT) or no certificate (DUNNO); every answer is checked unless
 * --no-check. Fingerprints from --either (clients that a changing database
 * enrolls and revokes in turn) are picked with the enrolled ones and may
 * get OK or REJECT. Prints requests/s, latency p50/p99/max, and
 * mismatches; exits 1 on a mismatch or a protocol error.
 * With --repeat K the whole run is done K times one after the other; with
 * --spawn -c 1 -n 1 that measures start-up: the latency of each first
 * answer counts from the fork.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "endpoint.h"

struct fps {
    char  **fp;
    size_t  n;
};

struct conn {
    int     fd;
    pid_t   pid;
    long    sent, answered;
    int     expect;				/* 0 OK, 1 DUNNO, 2 REJECT, 3 OK or REJECT */
    double  t0;
    char    buf[4096];
    size_t  len;
};

static const char *spawn_cmd, *connect_to;
static char *spawn_argv[64], *spawn_copy;
static struct fps enrolled, revoked, either;
static int mix[4] = {70, 10, 10, 10};
static int check = 1;
static double *lat;
static size_t nlat;
static long mismatches;
static unsigned long long rnd = 88172645463325252ULL;

/* now - seconds, monotonic */
static double now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (ts.tv_sec + ts.tv_nsec / 1e9);
}

/* xrand - xorshift64 */
static unsigned long long xrand(void)
{
    rnd ^= rnd << 13;
    rnd ^= rnd >> 7;
    rnd ^= rnd << 17;
    return (rnd);
}

/* load_fps - one fingerprint a line */
static void load_fps(const char *path, struct fps *f)
{
    char    line[512];
    FILE   *fp = fopen(path, "r");

    if (fp == NULL) {
	perror(path);
	exit(2);
    }
    while (fgets(line, sizeof(line), fp) != NULL) {
	line[strcspn(line, "\r\n")] = 0;
	if (*line == 0)
	    continue;
	f->fp = realloc(f->fp, (f->n + 1) * sizeof(*f->fp));
	f->fp[f->n++] = strdup(line);
    }
    fclose(fp);
}

/* free_fps - release a list */
static void free_fps(struct fps *f)
{
    size_t  i;

    for (i = 0; i < f->n; i++)
	free(f->fp[i]);
    free(f->fp);
}

/* open_conn - a new connection: spawned process or socket */
static int open_conn(struct conn *c)
{
    int     sv[2];

    memset(c, 0, sizeof(*c));
    c->t0 = now();
    if (spawn_cmd != NULL) {
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
	    return (-1);
	/* Our end must not leak into later children, or EOF never comes. */
	fcntl(sv[0], F_SETFD, FD_CLOEXEC);
	if ((c->pid = fork()) == 0) {
	    dup2(sv[1], 0);
	    dup2(sv[1], 1);
	    dup2(sv[1], 2);
	    close(sv[0]);
	    close(sv[1]);
	    execv(spawn_argv[0], spawn_argv);	/* like spawn(8): no shell */
	    _exit(127);
	}
	close(sv[1]);
	c->fd = sv[0];
	return (0);
    }
    return ((c->fd = endpoint_connect(connect_to)) < 0 ? -1 : 0);
}

/* close_conn - end a connection (and reap its process) */
static void close_conn(struct conn *c)
{
    close(c->fd);
    if (c->pid > 0)
	waitpid(c->pid, NULL, 0);
    c->fd = -1;
}

/* send_request - the next request of c, like Postfix 3.7 sends it */
static int send_request(struct conn *c, long serial)
{
    char    req[4096];
    const char *fp = "", *pub = "";
    int     r = (int) (xrand() % 100), len;
    static char unknown[200];
    size_t  pick;

    c->expect = 1;
    if (r < mix[0] && enrolled.n + either.n) {
	pick = (size_t) (xrand() % (enrolled.n + either.n));
	fp = pick < enrolled.n ? enrolled.fp[pick] : either.fp[pick - enrolled.n];
	c->expect = pick < enrolled.n ? 0 : 3;
    } else if (r < mix[0] + mix[1] || (r < mix[0] && !enrolled.n)) {
	snprintf(unknown, sizeof(unknown),
		 "00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD:EE:FF:%02X:%02X:%02X:%02X:"
		 "00:11:22:33:44:55:66:77:88:99:AA:BB", (unsigned) (xrand() & 255),
		 (unsigned) (xrand() & 255), (unsigned) (xrand() & 255), (unsigned) (xrand() & 255));
	fp = pub = unknown;
    } else if (r < mix[0] + mix[1] + mix[2] && revoked.n) {
	fp = revoked.fp[xrand() % revoked.n];
	c->expect = 2;
    }
    len = snprintf(req, sizeof(req),
		   "request=smtpd_access_policy\nprotocol_state=RCPT\nprotocol_name=ESMTP\n"
		   "client_address=192.0.2.%ld\nclient_name=mail%ld.example.com\n"
		   "client_port=%ld\nreverse_client_name=mail%ld.example.com\n"
		   "server_address=127.0.0.1\nserver_port=25\nhelo_name=mail.example.com\n"
		   "sender=user%ld@example.com\nrecipient=someone@remote.example\n"
		   "recipient_count=0\nqueue_id=\ninstance=%lx.%lx.%lx.0\nsize=0\n"
		   "etrn_domain=\nstress=\nsasl_method=\nsasl_username=\nsasl_sender=\n"
		   "ccert_subject=%s\nccert_issuer=%s\nccert_fingerprint=%s\n"
		   "ccert_pubkey_fingerprint=%s\nencryption_protocol=TLSv1.3\n"
		   "encryption_cipher=TLS_AES_256_GCM_SHA384\nencryption_keysize=256\n"
		   "policy_context=\n\n",
		   serial % 250, serial, 1024 + serial % 60000, serial, serial,
		   (long) getpid(), serial, (long) (xrand() & 0xfffff),
		   *fp ? "client" : "", *fp ? "Test+20Client+20CA" : "", fp, pub);
    c->t0 = c->sent ? now() : c->t0;
    c->sent++;
    return (write(c->fd, req, (size_t) len) == len ? 0 : -1);
}

/* got_answer - check it and record the latency */
static void got_answer(struct conn *c, const char *answer)
{
    static const char *want[] = {"action=OK", "action=DUNNO", "action=REJECT", "action=OK"};
    int     ok = strncmp(answer, want[c->expect], strlen(want[c->expect])) == 0;

    lat[nlat++] = now() - c->t0;
    if (c->expect == 3 && !ok)
	ok = strncmp(answer, want[2], strlen(want[2])) == 0;
    if (check && !ok) {
	if (mismatches++ < 5)
	    fprintf(stderr, "policyload: expected %s, got %s\n", want[c->expect], answer);
    }
    c->answered++;
}

/* cmp_double - for qsort */
static int cmp_double(const void *a, const void *b)
{
    double  x = *(const double *) a, y = *(const double *) b;

    return (x < y ? -1 : x > y);
}

int     main(int argc, char **argv)
{
    static const struct option opts[] = {
	{"spawn", required_argument, 0, 's'}, {"connect", required_argument, 0, 'C'},
	{"enrolled", required_argument, 0, 'e'}, {"revoked", required_argument, 0, 'r'},
	{"mix", required_argument, 0, 'm'}, {"no-check", no_argument, 0, 'x'},
	{"repeat", required_argument, 0, 'R'}, {"either", required_argument, 0, 'E'},
	{0, 0, 0, 0},
    };
    long    nconn = 1, nreq = 1000, serial = 0, total, opened = 0, repeat = 1, round;
    struct conn *conns;
    struct pollfd *pfd;
    double  t_start, elapsed;
    int     ch, i, active;

    while ((ch = getopt_long(argc, argv, "c:n:", opts, NULL)) != -1) {
	switch (ch) {
	case 'c': nconn = strtol(optarg, NULL, 10); break;
	case 'n': nreq = strtol(optarg, NULL, 10); break;
	case 's': spawn_cmd = optarg; break;
	case 'C': connect_to = optarg; break;
	case 'e': load_fps(optarg, &enrolled); break;
	case 'r': load_fps(optarg, &revoked); break;
	case 'E': load_fps(optarg, &either); break;
	case 'm': sscanf(optarg, "%d,%d,%d,%d", mix, mix + 1, mix + 2, mix + 3); break;
	case 'x': check = 0; break;
	case 'R': repeat = strtol(optarg, NULL, 10); break;
	default: return (2);
	}
    }
    if ((spawn_cmd == NULL) == (connect_to == NULL) || nconn < 1 || nreq < 1) {
	fprintf(stderr, "usage: policyload --spawn CMD | --connect ENDPOINT [-c N] [-n N] ...\n");
	return (2);
    }
    if (spawn_cmd != NULL) {
	char   *save = NULL, *w;
	int     k = 0;

	spawn_copy = strdup(spawn_cmd);
	for (w = strtok_r(spawn_copy, " ", &save); w && k < 63; w = strtok_r(NULL, " ", &save))
	    spawn_argv[k++] = w;
	spawn_argv[k] = NULL;
    }
    total = nconn * nreq;
    lat = malloc((size_t) (total * (repeat > 0 ? repeat : 1)) * sizeof(*lat));
    conns = calloc((size_t) nconn, sizeof(*conns));
    pfd = calloc((size_t) nconn, sizeof(*pfd));
    rnd ^= (unsigned long long) getpid();
    t_start = now();
    for (round = 0; round < repeat; round++) {
    for (i = 0; i < nconn; i++) {
	if (open_conn(conns + i) < 0 || send_request(conns + i, serial++) < 0) {
	    fprintf(stderr, "policyload: cannot connect: %s\n", strerror(errno));
	    return (1);
	}
	opened++;
    }
    active = (int) nconn;
    while (active > 0) {
	for (i = 0; i < nconn; i++) {
	    pfd[i].fd = conns[i].fd;
	    pfd[i].events = POLLIN;
	}
	if (poll(pfd, (nfds_t) nconn, 10000) <= 0) {
	    fprintf(stderr, "policyload: no answer for 10 s\n");
	    return (1);
	}
	for (i = 0; i < nconn; i++) {
	    struct conn *c = conns + i;
	    ssize_t n;
	    char   *end;

	    if (c->fd < 0 || !(pfd[i].revents & (POLLIN | POLLHUP | POLLERR)))
		continue;
	    if ((n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len)) <= 0) {
		fprintf(stderr, "policyload: connection closed after %ld answers\n", c->answered);
		return (1);
	    }
	    c->len += (size_t) n;
	    c->buf[c->len] = 0;
	    if ((end = strstr(c->buf, "\n\n")) == NULL)
		continue;
	    *end = 0;
	    got_answer(c, c->buf);
	    c->len = 0;
	    if (c->answered < nreq) {
		send_request(c, serial++);
	    } else if (spawn_cmd != NULL && opened < total / nreq * 1) {
		close_conn(c);
		active--;
	    } else {
		close_conn(c);
		active--;
	    }
	}
    }
    }
    elapsed = now() - t_start;
    qsort(lat, nlat, sizeof(*lat), cmp_double);
    printf("requests %zu connections %ld seconds %.3f rate %.0f/s p50 %.1fus p99 %.1fus max %.1fus "
	   "mismatches %ld\n", nlat, nconn, elapsed, nlat / elapsed, lat[nlat / 2] * 1e6,
	   lat[(size_t) (nlat * 0.99)] * 1e6, lat[nlat - 1] * 1e6, mismatches);
    free_fps(&enrolled);
    free_fps(&revoked);
    free_fps(&either);
    free(spawn_copy);
    free(conns);
    free(pfd);
    free(lat);
    return (mismatches ? 1 : 0);
}
