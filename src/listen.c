/*
 * listen - the sockets certpolicyd accepts connections on
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#ifdef HAVE_LIBSYSTEMD
#include <dlfcn.h>
#endif

#include "listen.h"
#include "log.h"
#include "mem.h"

#define LISTEN_BACKLOG 128

/* listen_prepare - non-blocking, close-on-exec */
static int listen_prepare(int fd)
{
    int     flags = fcntl(fd, F_GETFL);

    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0
	|| fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
	return (-1);
    return (0);
}

/* listen_unix - unix:/path */
static int listen_unix(const char *path)
{
    struct sockaddr_un sun;
    struct stat st;
    int     fd;

    if (strlen(path) >= sizeof(sun.sun_path)) {
	log_error("unix:%s: path too long", path);
	return (-1);
    }
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    strcpy(sun.sun_path, path);
    if (lstat(path, &st) == 0 && S_ISSOCK(st.st_mode))
	(void) unlink(path);
    if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0
	|| bind(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0
	|| chmod(path, 0666) < 0
	|| listen(fd, LISTEN_BACKLOG) < 0
	|| listen_prepare(fd) < 0) {
	log_error_errno("unix:%s", path);
	if (fd >= 0)
	    close(fd);
	return (-1);
    }
    return (fd);
}

/* listen_inet - inet:HOST:PORT or inet:[HOST]:PORT */
static int listen_inet(const char *spec)
{
    struct addrinfo hints, *res, *ai;
    char   *host = mem_strdup(spec);
    char   *port, *close_br;
    int     fd = -1, on = 1, err;

    if (host[0] == '[' && (close_br = strchr(host, ']')) != NULL && close_br[1] == ':') {
	*close_br = 0;
	port = close_br + 2;
	memmove(host, host + 1, strlen(host + 1) + 1);
    } else if ((port = strrchr(host, ':')) != NULL) {
	*port++ = 0;
    }
    if (port == NULL || *port == 0 || *host == 0) {
	log_error("inet:%s: expected inet:HOST:PORT", spec);
	free(host);
	return (-1);
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if ((err = getaddrinfo(host, port, &hints, &res)) != 0) {
	log_error("inet:%s: %s", spec, gai_strerror(err));
	free(host);
	return (-1);
    }
    for (ai = res; ai != NULL; ai = ai->ai_next) {
	if ((fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol)) < 0)
	    continue;
	(void) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	if (bind(fd, ai->ai_addr, ai->ai_addrlen) == 0
	    && listen(fd, LISTEN_BACKLOG) == 0 && listen_prepare(fd) == 0)
	    break;
	err = errno;
	close(fd);
	fd = -1;
	errno = err;
    }
    if (fd < 0)
	log_error_errno("inet:%s", spec);
    freeaddrinfo(res);
    free(host);
    return (fd);
}

/* listen_open - a listening socket for endpoint */
int     listen_open(const char *endpoint)
{
    if (strncmp(endpoint, "unix:", 5) == 0)
	return (listen_unix(endpoint + 5));
    if (strncmp(endpoint, "inet:", 5) == 0)
	return (listen_inet(endpoint + 5));
    log_error("%s: expected unix:PATH or inet:HOST:PORT", endpoint);
    return (-1);
}

#ifdef HAVE_LIBSYSTEMD

/*
 * listen_libsystemd - libsystemd's function name, loaded on first use. A
 * spawned certpolicyd never loads libsystemd (and the libraries it needs):
 * that is what makes start-up as cheap as it is.
 */
static void *listen_libsystemd(const char *name)
{
    static void *handle;

    if (handle == NULL && (handle = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL)) == NULL)
	return (NULL);
    return (dlsym(handle, name));
}
#endif

/* listen_systemd_env - LISTEN_PID and LISTEN_FDS, read by hand */
static int listen_systemd_env(void)
{
    const char *pid = getenv("LISTEN_PID");
    const char *fds = getenv("LISTEN_FDS");
    char   *end;
    long    val;
    int     n = 0;

    if (pid != NULL && fds != NULL && strtol(pid, &end, 10) == (long) getpid() && *end == 0) {
	val = strtol(fds, &end, 10);
	if (*end != 0 || val < 0 || val > 1024) {
	    log_error("LISTEN_FDS=%s: not a number of sockets", fds);
	    return (-1);
	}
	n = (int) val;
    }
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    return (n);
}

/* listen_systemd - sockets passed by systemd, from fd 3 */
int     listen_systemd(void)
{
    int     n, fd;

    if (getenv("LISTEN_FDS") == NULL)
	return (0);
#ifdef HAVE_LIBSYSTEMD
    {
	int     (*listen_fds) (int) = (int (*) (int)) listen_libsystemd("sd_listen_fds");

	if (listen_fds == NULL)
	    n = listen_systemd_env();
	else if ((n = listen_fds(1)) < 0)
	    log_error("LISTEN_FDS: %s", strerror(-n));
    }
#else
    n = listen_systemd_env();
#endif
    for (fd = 3; n > 0 && fd < 3 + n; fd++) {
	if (listen_prepare(fd) < 0) {
	    log_error_errno("LISTEN_FDS: socket %d", fd);
	    return (-1);
	}
    }
    return (n);
}

/* listen_notify - tell systemd (READY=1, STOPPING=1), when it asked */
void    listen_notify(const char *state)
{
#ifdef HAVE_LIBSYSTEMD
    int     (*notify) (int, const char *);

    if (getenv("NOTIFY_SOCKET") == NULL)
	return;
    if ((notify = (int (*) (int, const char *)) listen_libsystemd("sd_notify")) != NULL)
	(void) notify(0, state);
#else
    (void) state;
#endif
}

/* listen_close - close, and remove a unix socket file we made */
void    listen_close(int fd, int ours)
{
    struct sockaddr_un sun;
    socklen_t len = sizeof(sun);

    if (ours && getsockname(fd, (struct sockaddr *) &sun, &len) == 0 && sun.sun_family == AF_UNIX
	&& len > offsetof(struct sockaddr_un, sun_path) && sun.sun_path[0] == '/')
	(void) unlink(sun.sun_path);
    close(fd);
}
