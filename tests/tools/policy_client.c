/*
 * policy_client - a test client for certpolicyd's sockets
 *
 * policy_client [-n ANSWERS] [-t MILLISECONDS] [-s SECONDS] [-b MILLISECONDS] ENDPOINT
 *
 * Connects to unix:PATH or inet:HOST:PORT, sends standard input, and
 * prints the answers (each ends with an empty line). With -n it stops after
 * that many answers; -t bounds the wait (default 5000 ms; exit 1 when it
 * runs out); -s holds the connection open that many seconds after sending,
 * reading nothing: a stuck client. With -b the input is sent one byte at a
 * time, that many milliseconds apart: a slow client.
 */
#include "config.h"

#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "endpoint.h"

int     main(int argc, char **argv)
{
    long    want = -1, timeout = 5000, hold = 0, bytewise = -1;
    char    buf[65536];
    size_t  len = 0, got_answers = 0, i;
    ssize_t n;
    int     fd, ch;
    struct pollfd pfd;

    while ((ch = getopt(argc, argv, "n:t:s:b:")) != -1) {
	if (ch == 'n')
	    want = strtol(optarg, NULL, 10);
	else if (ch == 't')
	    timeout = strtol(optarg, NULL, 10);
	else if (ch == 's')
	    hold = strtol(optarg, NULL, 10);
	else if (ch == 'b')
	    bytewise = strtol(optarg, NULL, 10);
	else
	    return (2);
    }
    if (optind != argc - 1)
	return (2);
    if ((fd = endpoint_connect(argv[optind])) < 0) {
	perror(argv[optind]);
	return (1);
    }
    while ((n = read(0, buf, sizeof(buf))) > 0) {
	for (i = 0; bytewise >= 0 && i < (size_t) n; i++) {
	    struct timespec ts = {bytewise / 1000, (bytewise % 1000) * 1000000};

	    if (write(fd, buf + i, 1) != 1)
		return (1);
	    nanosleep(&ts, NULL);
	}
	if (bytewise < 0 && write(fd, buf, (size_t) n) != n)
	    return (1);
    }
    if (hold > 0) {
	sleep((unsigned) hold);
	return (0);
    }
    pfd.fd = fd;
    pfd.events = POLLIN;
    while (want < 0 || got_answers < (size_t) want) {
	if (poll(&pfd, 1, (int) timeout) <= 0) {
	    fwrite(buf, 1, len, stdout);
	    fprintf(stderr, "policy_client: timed out after %zu answers\n", got_answers);
	    return (1);
	}
	if ((n = read(fd, buf + len, sizeof(buf) - len)) <= 0)
	    break;
	for (i = len; i < len + (size_t) n; i++)
	    if (buf[i] == '\n' && i > 0 && buf[i - 1] == '\n')
		got_answers++;
	len += (size_t) n;
	if (len == sizeof(buf))
	    break;
    }
    fwrite(buf, 1, len, stdout);
    close(fd);
    return (want < 0 || got_answers >= (size_t) want ? 0 : 1);
}
