/*
 * conn_hold - hold many connections to a policy server open
 *
 * conn_hold -n COUNT [-p TEXT] ENDPOINT
 *
 * Opens COUNT connections (raising its own open-file limit as needed),
 * sends TEXT on each when given (a request never finished, say), prints
 * "held COUNT" once all are open, then keeps them, reading and discarding
 * whatever comes, until standard input ends. Prints how many the server
 * had closed by then ("closed N"), and exits 0.
 */
#include "config.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "endpoint.h"

int     main(int argc, char **argv)
{
    long    count = 1, i, closed = 0;
    const char *text = NULL;
    struct pollfd *pfd;
    struct rlimit rl;
    char    buf[4096];
    int     ch;

    while ((ch = getopt(argc, argv, "n:p:")) != -1) {
	if (ch == 'n')
	    count = strtol(optarg, NULL, 10);
	else if (ch == 'p')
	    text = optarg;
	else
	    return (2);
    }
    if (optind != argc - 1 || count < 1)
	return (2);
    if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < (rlim_t) count + 16) {
	rl.rlim_cur = rl.rlim_max < (rlim_t) count + 16 ? rl.rlim_max : (rlim_t) count + 16;
	(void) setrlimit(RLIMIT_NOFILE, &rl);
    }
    if ((pfd = calloc((size_t) count + 1, sizeof(*pfd))) == NULL)
	return (1);
    for (i = 0; i < count; i++) {
	if ((pfd[i].fd = endpoint_connect(argv[optind])) < 0) {
	    fprintf(stderr, "conn_hold: connection %ld: ", i + 1);
	    perror(argv[optind]);
	    return (1);
	}
	if (text != NULL && write(pfd[i].fd, text, strlen(text)) < 0)
	    return (1);
	pfd[i].events = POLLIN;
    }
    printf("held %ld\n", count);
    fflush(stdout);
    pfd[count].fd = 0;
    pfd[count].events = POLLIN;
    for (;;) {
	if (poll(pfd, (nfds_t) count + 1, -1) < 0)
	    return (1);
	/* Closes first: one seen in the same poll as the end of input counts. */
	for (i = 0; i < count; i++) {
	    if (pfd[i].fd >= 0 && pfd[i].revents && read(pfd[i].fd, buf, sizeof(buf)) <= 0) {
		close(pfd[i].fd);
		pfd[i].fd = -1;
		closed++;
	    }
	}
	if (pfd[count].revents) {
	    if (read(0, buf, sizeof(buf)) <= 0)
		break;
	}
    }
    printf("closed %ld\n", closed);
    for (i = 0; i < count; i++)
	if (pfd[i].fd >= 0)
	    close(pfd[i].fd);
    free(pfd);
    return (0);
}
