/*
 * nullpolicy - the ceiling: read a policy request, answer action=DUNNO
 *
 * nullpolicy                 serve stdin/stdout, like certpolicyd under spawn
 * nullpolicy -l unix:PATH    serve a unix socket, one poll loop, like certpolicyd -l
 *
 * It does the same I/O as certpolicyd (read what is there, find the empty
 * line, write one answer) and nothing else, so it is the fastest any policy
 * server can be on this machine and protocol.
 */
#include "config.h"

#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#define MAXC 1024

struct nconn {
    int     rfd, wfd;
    char    buf[65536];
    size_t  len;
};

/* serve - answer the complete requests in c; -1 at end */
static int serve(struct nconn *c)
{
    ssize_t n = read(c->rfd, c->buf + c->len, sizeof(c->buf) - c->len);
    char   *p;
    static const char answer[] = "action=DUNNO\n\n";

    if (n <= 0)
	return (-1);
    c->len += (size_t) n;
    while ((p = memmem(c->buf, c->len, "\n\n", 2)) != NULL) {
	size_t  used = (size_t) (p + 2 - c->buf);

	if (write(c->wfd, answer, sizeof(answer) - 1) < 0)
	    return (-1);
	memmove(c->buf, c->buf + used, c->len - used);
	c->len -= used;
    }
    return (c->len == sizeof(c->buf) ? -1 : 0);
}

int     main(int argc, char **argv)
{
    static struct nconn conns[MAXC];
    struct pollfd pfd[MAXC + 1];
    struct sockaddr_un sun;
    int     lfd, n = 0, i, fd;

    if (argc == 1) {
	conns[0].rfd = 0;
	conns[0].wfd = 1;
	while (serve(conns) == 0)
	     /* void */ ;
	return (0);
    }
    if (argc != 3 || strcmp(argv[1], "-l") != 0 || strncmp(argv[2], "unix:", 5) != 0)
	return (2);
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", argv[2] + 5);
    unlink(sun.sun_path);
    if ((lfd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0
	|| bind(lfd, (struct sockaddr *) &sun, sizeof(sun)) < 0 || listen(lfd, 128) < 0)
	return (1);
    for (;;) {
	pfd[0].fd = lfd;
	pfd[0].events = POLLIN;
	for (i = 0; i < n; i++) {
	    pfd[i + 1].fd = conns[i].rfd;
	    pfd[i + 1].events = POLLIN;
	}
	if (poll(pfd, (nfds_t) n + 1, -1) < 0)
	    continue;
	for (i = n - 1; i >= 0; i--) {
	    if ((pfd[i + 1].revents & (POLLIN | POLLHUP)) && serve(conns + i) < 0) {
		close(conns[i].rfd);
		conns[i] = conns[--n];
	    }
	}
	if ((pfd[0].revents & POLLIN) && n < MAXC && (fd = accept(lfd, NULL, NULL)) >= 0) {
	    conns[n].rfd = conns[n].wfd = fd;
	    conns[n].len = 0;
	    n++;
	}
    }
}
