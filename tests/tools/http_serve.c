/*
 * http_serve - a loopback HTTP server for the revocation tests
 *
 * http_serve -p PORT [-m MODE] [-t CONTENT_TYPE] [-R PATH=STATUS:LOCATION]... [FILE]
 *
 * Listens on 127.0.0.1:PORT and answers every request, one connection at
 * a time, by MODE: "file" (200 with FILE, the default), "hang" (accept,
 * read the request, never answer), "garbage" (200 with bytes that are not
 * ASN.1), "big" (200 announcing and sending 100 MB). A request for a PATH
 * given with -R is answered instead with that redirect STATUS (301, 302,
 * 303, 307, 308) to LOCATION. Each request's path is printed on stdout,
 * after a first line "listening on 127.0.0.1:PORT" once it listens. A
 * client that hangs up ends only its own answer. Runs until killed.
 */
#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define SERVE_MAX_REDIRECTS 32

struct serve_redirect {
    const char *path;
    int     status;
    const char *location;
};

/* serve_read_request - headers and, with Content-Length, the body; the path in path[] */
static void serve_read_request(int fd, char *path, size_t path_len)
{
    char    buf[65536];
    size_t  len = 0;
    ssize_t n;
    char   *end, *cl;
    long    body = 0;

    while (len < sizeof(buf) - 1 && (n = read(fd, buf + len, sizeof(buf) - 1 - len)) > 0) {
	len += (size_t) n;
	buf[len] = 0;
	if ((end = strstr(buf, "\r\n\r\n")) != NULL) {
	    const char *sp = strchr(buf, ' ');
	    size_t  n = sp ? strcspn(sp + 1, " \r\n") : 0;

	    snprintf(path, path_len, "%.*s", (int) n, sp ? sp + 1 : "");
	    if ((cl = strcasestr(buf, "Content-Length:")) != NULL && cl < end)
		body = strtol(cl + 15, NULL, 10);
	    if ((long) (len - (size_t) (end + 4 - buf)) >= body)
		return;
	}
    }
}

/* serve_send - all of it */
static int serve_send(int fd, const void *data, size_t len)
{
    const char *cp = data;
    ssize_t n;

    while (len > 0) {
	if ((n = write(fd, cp, len)) <= 0)
	    return (-1);
	cp += n;
	len -= (size_t) n;
    }
    return (0);
}

int     main(int argc, char **argv)
{
    const char *mode = "file", *ctype = "application/pkix-crl";
    char    head[2048], *data = NULL, zeros[65536];
    size_t  len = 0, sent;
    struct sockaddr_in sin;
    int     port = 0, lfd, fd, ch, on = 1;
    struct serve_redirect redirects[SERVE_MAX_REDIRECTS];
    int     nredirects = 0, i;
    char    path[1024], *eq, *colon;
    FILE   *fp;

    while ((ch = getopt(argc, argv, "p:m:t:R:")) != -1) {
	if (ch == 'R') {
	    if (nredirects == SERVE_MAX_REDIRECTS || (eq = strchr(optarg, '=')) == NULL
		|| (colon = strchr(eq, ':')) == NULL)
		return (2);
	    *eq = *colon = 0;
	    redirects[nredirects].path = optarg;
	    redirects[nredirects].status = atoi(eq + 1);
	    redirects[nredirects++].location = colon + 1;
	} else if (ch == 'p')
	    port = atoi(optarg);
	else if (ch == 'm')
	    mode = optarg;
	else if (ch == 't')
	    ctype = optarg;
	else
	    return (2);
    }
    if (strcmp(mode, "file") == 0) {
	if (optind != argc - 1 || (fp = fopen(argv[optind], "rb")) == NULL)
	    return (2);
	data = malloc(1 << 26);
	len = fread(data, 1, 1 << 26, fp);
	fclose(fp);
    } else if (strcmp(mode, "garbage") == 0) {
	data = strdup("this is not what you asked for, and not ASN.1 either......");
	len = strlen(data);
    }
    signal(SIGPIPE, SIG_IGN);			/* a client that hangs up ends its answer only */
    memset(zeros, 0, sizeof(zeros));
    memset(&sin, 0, sizeof(sin));
    sin.sin_family = AF_INET;
    sin.sin_port = htons((unsigned short) port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if ((lfd = socket(AF_INET, SOCK_STREAM, 0)) < 0
	|| setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on)) < 0
	|| bind(lfd, (struct sockaddr *) &sin, sizeof(sin)) < 0 || listen(lfd, 16) < 0) {
	perror("http_serve");
	return (1);
    }
    printf("listening on 127.0.0.1:%d\n", port);	/* the tests wait for this line */
    fflush(stdout);
    for (;;) {
	if ((fd = accept(lfd, NULL, NULL)) < 0)
	    continue;
	path[0] = 0;
	serve_read_request(fd, path, sizeof(path));
	printf("%s\n", path);
	fflush(stdout);
	for (i = 0; i < nredirects && strcmp(path, redirects[i].path) != 0; i++)
	     /* void */ ;
	if (i < nredirects) {
	    snprintf(head, sizeof(head), "HTTP/1.0 %d Moved\r\nLocation: %s\r\n"
		     "Content-Length: 0\r\n\r\n", redirects[i].status, redirects[i].location);
	    serve_send(fd, head, strlen(head));
	} else if (strcmp(mode, "hang") == 0) {
	    pause();
	} else if (strcmp(mode, "big") == 0) {
	    snprintf(head, sizeof(head), "HTTP/1.0 200 OK\r\nContent-Type: %s\r\n"
		     "Content-Length: 100000000\r\n\r\n", ctype);
	    serve_send(fd, head, strlen(head));
	    for (sent = 0; sent < 100000000 && serve_send(fd, zeros, sizeof(zeros)) == 0;)
		sent += sizeof(zeros);
	} else {
	    snprintf(head, sizeof(head), "HTTP/1.0 200 OK\r\nContent-Type: %s\r\n"
		     "Content-Length: %zu\r\n\r\n", ctype, len);
	    if (serve_send(fd, head, strlen(head)) == 0)
		serve_send(fd, data, len);
	}
	close(fd);
    }
}
