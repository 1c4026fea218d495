/*
 * effect - time from the start of a command to the first answer of a
 * policy server that starts with an expected action
 *
 * effect unix:PATH FINGERPRINT ACTION COMMAND [ARG...]
 *
 * Connects to the server first, as Postfix's smtpd keeps its policy
 * connection, then starts COMMAND (output to /dev/null) and asks about
 * FINGERPRINT over and over on that one connection until an answer
 * starts with "action=ACTION". Prints "EFFECT_US COMMAND_MS EXIT": the
 * microseconds from the command's start to that answer, the milliseconds
 * the command took, and its exit status; exits 1 when the command ended,
 * a second went by, and the answer never came.
 */
#include "config.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

/* now_us - monotonic microseconds */
static long long now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ((long long) ts.tv_sec * 1000000 + ts.tv_nsec / 1000);
}

/* ask - one request, one answer into buf; 0 or -1 */
static int ask(int fd, const char *req, size_t reqlen, char *buf, size_t size)
{
    size_t  len = 0;
    ssize_t n;

    if (write(fd, req, reqlen) != (ssize_t) reqlen)
	return (-1);
    while (len < 2 || memcmp(buf + len - 2, "\n\n", 2) != 0) {
	if (len + 1 >= size || (n = read(fd, buf + len, size - len - 1)) <= 0)
	    return (-1);
	len += (size_t) n;
    }
    buf[len] = 0;
    return (0);
}

int     main(int argc, char **argv)
{
    struct sockaddr_un sun;
    posix_spawn_file_actions_t fa;
    char    req[512], want[128], buf[4096];
    long long start, seen = -1, ended = -1;
    int     fd, status = 0, done = 0;
    long    polls = 0;
    long long last_other = -1;
    pid_t   pid;

    if (argc < 5 || strncmp(argv[1], "unix:", 5) != 0) {
	fprintf(stderr, "usage: effect unix:PATH FINGERPRINT ACTION COMMAND [ARG...]\n");
	return (2);
    }
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", argv[1] + 5);
    if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0
	|| connect(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0) {
	perror(argv[1]);
	return (2);
    }
    snprintf(req, sizeof(req), "request=smtpd_access_policy\nprotocol_state=RCPT\n"
	     "ccert_fingerprint=%s\n\n", argv[2]);
    snprintf(want, sizeof(want), "action=%s", argv[3]);
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    start = now_us();
    if (posix_spawnp(&pid, argv[4], &fa, NULL, argv + 4, environ) != 0) {
	perror(argv[4]);
	return (2);
    }
    while (seen < 0) {
	if (ask(fd, req, strlen(req), buf, sizeof(buf)) < 0) {
	    fprintf(stderr, "effect: the server closed the connection\n");
	    break;
	}
	polls++;
	if (strncmp(buf, want, strlen(want)) == 0)
	    seen = now_us();
	else if ((last_other = now_us() - start) < 0)
	    break;
	else if (!done && waitpid(pid, &status, WNOHANG) == pid) {
	    done = 1;
	    ended = now_us();
	} else if (done && now_us() - ended > 1000000) {
	    break;
	}
    }
    if (!done && waitpid(pid, &status, 0) == pid)
	ended = now_us();
    printf("%lld %lld %d\n", seen < 0 ? -1 : seen - start, (ended - start) / 1000,
	   WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
    if (getenv("EFFECT_VERBOSE"))
	fprintf(stderr, "effect: %ld requests, the last other answer at %lld us\n", polls, last_other);
    return (seen < 0 ? 1 : 0);
}
