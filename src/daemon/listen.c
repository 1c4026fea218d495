/*
 * listen - the sockets certpolicyd accepts connections on
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <netdb.h>
#include <poll.h>
#include <pwd.h>
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

#include "daemon/listen.h"
#include "util/mem.h"

#define LISTEN_BACKLOG 128

/*
 * LISTEN_PROBE_MS - how long "does another server answer on this unix
 * socket?" waits for its connection before it takes the silence as a yes
 * (a server that is stopped, or busy with a full listen queue)
 */
#define LISTEN_PROBE_MS 1000

/* listen_prepare - non-blocking, close-on-exec */
static int listen_prepare(int fd)
{
    int     flags = fcntl(fd, F_GETFL);

    if (flags < 0 || fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0
	|| fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
	return (-1);
    return (0);
}

/* A unix socket file this process made, removed at exit only while it is still ours. */
struct listen_file {
    int     fd;
    char   *path;
    dev_t   dev;
    ino_t   ino;
};

static struct listen_file *listen_files;
static size_t listen_nfiles;

struct listen_unix_opts {
    mode_t  mode;			/* 0666 unless mode= */
    uid_t   uid;			/* -1: unchanged */
    gid_t   gid;
};

/* listen_unix_opt - one ",mode=", ",owner=" or ",group=" option; 0 or -1 (why) */
static int listen_unix_opt(const char *spec, const char *opt, struct listen_unix_opts *o,
			           char *why, size_t why_len)
{
    const char *value = strchr(opt, '=') + 1;
    struct passwd *pw;
    struct group *gr;
    unsigned long num;
    char   *end;

    errno = 0;
    num = strtoul(value, &end, strncmp(opt, "mode=", 5) == 0 ? 8 : 10);
    if (strncmp(opt, "mode=", 5) == 0) {
	if (*value == 0 || *end != 0 || errno || num > 0777) {
	    snprintf(why, why_len, "unix:%s: mode=%s: expected an octal mode (at most 0777)",
		     spec, value);
	    return (-1);
	}
	o->mode = (mode_t) num;
    } else if (strncmp(opt, "owner=", 6) == 0) {
	if ((pw = getpwnam(value)) != NULL)
	    o->uid = pw->pw_uid;
	else if (*value && *end == 0 && errno == 0 && num < (uid_t) -1)
	    o->uid = (uid_t) num;
	else {
	    snprintf(why, why_len, "unix:%s: owner=%s: no such user", spec, value);
	    return (-1);
	}
    } else {
	if ((gr = getgrnam(value)) != NULL)
	    o->gid = gr->gr_gid;
	else if (*value && *end == 0 && errno == 0 && num < (gid_t) -1)
	    o->gid = (gid_t) num;
	else {
	    snprintf(why, why_len, "unix:%s: group=%s: no such group", spec, value);
	    return (-1);
	}
    }
    return (0);
}

/*
 * listen_unix_spec - split "PATH[,mode=OCTAL][,owner=USER][,group=GROUP]":
 * the path (new memory) and the options; NULL (why) on a bad option
 */
static char *listen_unix_spec(const char *spec, struct listen_unix_opts *o,
			              char *why, size_t why_len)
{
    char   *path = mem_strdup(spec);
    char   *comma;

    o->mode = 0666;
    o->uid = (uid_t) -1;
    o->gid = (gid_t) -1;
    while ((comma = strrchr(path, ',')) != NULL
	   && (strncmp(comma + 1, "mode=", 5) == 0 || strncmp(comma + 1, "owner=", 6) == 0
	       || strncmp(comma + 1, "group=", 6) == 0)) {
	if (listen_unix_opt(spec, comma + 1, o, why, why_len) < 0) {
	    free(path);
	    return (NULL);
	}
	*comma = 0;
    }
    return (path);
}

/*
 * listen_unix_probe - connect to the socket at sun without blocking for
 * more than LISTEN_PROBE_MS: 1 when something answers or may answer (a
 * connection made, in progress or refused for a full queue: EAGAIN), 0
 * when it is refused (a stale socket), -1 with errno for anything else
 */
static int listen_unix_probe(const struct sockaddr_un *sun)
{
    struct pollfd pfd;
    socklen_t len = sizeof(int);
    int     fd, err = 0, ret;

    if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)) < 0)
	return (-1);
    if (connect(fd, (const struct sockaddr *) sun, sizeof(*sun)) == 0) {
	ret = 1;
    } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
	ret = 1;				/* its queue is full: it is there */
    } else if (errno == EINPROGRESS) {
	pfd.fd = fd;
	pfd.events = POLLOUT;
	if (poll(&pfd, 1, LISTEN_PROBE_MS) <= 0
	    || getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err == 0)
	    ret = 1;				/* answered, or still no word: taken */
	else
	    ret = (errno = err) == ECONNREFUSED ? 0 : -1;
    } else {
	ret = errno == ECONNREFUSED || errno == ENOENT ? 0 : -1;
    }
    err = errno;
    close(fd);
    errno = err;
    return (ret);
}

/*
 * listen_unix_free_path - a path where a new socket may go: 0 when there
 * is nothing, 1 when there is a stale socket (its identity in *stale), -1
 * (why) when another server answers there or it cannot be told
 */
static int listen_unix_free_path(const char *path, struct stat *stale,
				         char *why, size_t why_len)
{
    struct sockaddr_un sun;
    int     answered;

    if (lstat(path, stale) < 0) {
	if (errno == ENOENT)
	    return (0);
	snprintf(why, why_len, "unix:%s: %s", path, strerror(errno));
	return (-1);
    }
    if (!S_ISSOCK(stale->st_mode)) {
	snprintf(why, why_len, "unix:%s: exists and is not a socket: not replaced", path);
	return (-1);
    }
    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    strcpy(sun.sun_path, path);
    if ((answered = listen_unix_probe(&sun)) > 0) {
	snprintf(why, why_len, "unix:%s: another server answers on this socket", path);
	return (-1);
    }
    /* Only a refused connection proves the socket stale (EACCES proves nothing). */
    if (answered < 0) {
	snprintf(why, why_len, "unix:%s: cannot tell whether another server answers on this "
		 "socket: %s", path, strerror(errno));
	return (-1);
    }
    return (1);
}

/*
 * listen_unix_place - move the socket "s" in tmpfd to base in dirfd, but
 * never over a file that is there now: another instance started at the
 * same moment may have put its socket there since the path was found
 * free. A stale socket is removed first, only while it is still the one
 * probed. renameat2(RENAME_NOREPLACE) where the system has it, else a
 * hard link (which never replaces) and the removal of the old name.
 */
static int listen_unix_place(int tmpfd, int dirfd, const char *base, const struct stat *stale)
{
    struct stat now;

    if (stale != NULL && fstatat(dirfd, base, &now, AT_SYMLINK_NOFOLLOW) == 0
	&& now.st_dev == stale->st_dev && now.st_ino == stale->st_ino)
	(void) unlinkat(dirfd, base, 0);
#ifdef RENAME_NOREPLACE
    if (renameat2(tmpfd, "s", dirfd, base, RENAME_NOREPLACE) == 0)
	return (0);
    if (errno != ENOSYS && errno != EINVAL)
	return (-1);
#endif
    if (linkat(tmpfd, "s", dirfd, base, 0) < 0)
	return (-1);
    (void) unlinkat(tmpfd, "s", 0);
    return (0);
}

/*
 * listen_unix_make - bind "s" inside a new private directory (mode 0700,
 * entered by descriptor) in dirfd, with the mode set by the umask and the
 * owner by fchownat() in that private directory, then rename it to base
 * in dirfd. Nobody else can reach the socket before the rename, and the
 * rename replaces a name without following it: no chmod or chown ever
 * runs on a path someone else could change. Returns the socket, with the
 * file's identity in *made, or -1 (errno set; *step says what failed).
 */
static int listen_unix_make(int dirfd, const char *base, const struct listen_unix_opts *o,
			            const struct stat *stale, struct stat *made, const char **step)
{
    char    tmpname[] = ".certpolicyd.XXXXXX";
    struct sockaddr_un sun;
    struct stat st;
    mode_t  old_mask;
    int     fd = -1, tmpfd = -1, err;

    memset(&sun, 0, sizeof(sun));
    sun.sun_family = AF_UNIX;
    strcpy(sun.sun_path, "s");
    *step = "cannot make a private directory";
    if (fchdir(dirfd) < 0 || mkdtemp(tmpname) == NULL)
	return (-1);
    if ((tmpfd = openat(dirfd, tmpname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0
	|| fstat(tmpfd, &st) < 0 || fchdir(tmpfd) < 0) {
	err = errno;
	goto fail;
    }
    if (st.st_uid != geteuid() || (st.st_mode & 077) != 0) {
	err = EPERM;				/* not the directory made: someone swapped it */
	goto fail;
    }
    *step = "cannot create the socket";
    if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0) {
	err = errno;
	goto fail;
    }
    old_mask = umask((mode_t) (~o->mode & 0777));
    err = bind(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0 ? errno : 0;
    (void) umask(old_mask);
    if (err == 0 && (o->uid != (uid_t) -1 || o->gid != (gid_t) -1)) {
	*step = "cannot set the owner";
	if (fchownat(tmpfd, "s", o->uid, o->gid, AT_SYMLINK_NOFOLLOW) < 0)
	    err = errno;
    }
    /* Listening before it is in place: a server probing the path then is answered. */
    if (err == 0 && listen(fd, LISTEN_BACKLOG) < 0) {
	*step = "cannot listen";
	err = errno;
    }
    /* Its identity, for removal at exit, while nobody else can reach it. */
    if (err == 0 && fstatat(tmpfd, "s", made, AT_SYMLINK_NOFOLLOW) < 0)
	err = errno;
    if (err == 0) {
	*step = "cannot move the socket into place";
	if (listen_unix_place(tmpfd, dirfd, base, stale) < 0)
	    err = errno;
	if (err == EEXIST)
	    *step = "another server took this path meanwhile";
    }
    if (err == 0) {
	(void) unlinkat(dirfd, tmpname, AT_REMOVEDIR);
	close(tmpfd);
	return (fd);
    }
fail:
    if (tmpfd >= 0) {
	(void) unlinkat(tmpfd, "s", 0);
	close(tmpfd);
    }
    (void) unlinkat(dirfd, tmpname, AT_REMOVEDIR);
    if (fd >= 0)
	close(fd);
    errno = err;
    return (-1);
}

/* listen_unix - unix:/path[,mode=OCTAL][,owner=USER][,group=GROUP]; -1 (why) */
static int listen_unix(const char *spec, char *why, size_t why_len)
{
    struct listen_unix_opts o;
    struct sockaddr_un sun;
    struct stat st, stale;
    const char *step = "";
    char   *path, *dir, *slash;
    int     fd = -1, dirfd = -1, cwd = -1, free_path;

    if ((path = listen_unix_spec(spec, &o, why, why_len)) == NULL)
	return (-1);
    slash = strrchr(path, '/');
    dir = slash ? mem_strndup(path, slash == path ? 1 : (size_t) (slash - path)) : mem_strdup(".");
    if (strlen(path) >= sizeof(sun.sun_path) || (slash && slash[1] == 0) || *path == 0) {
	snprintf(why, why_len, "unix:%s: %s", path, *path && strlen(path) >= sizeof(sun.sun_path) ?
		 "path too long" : "expected unix:PATH");
    } else if ((free_path = listen_unix_free_path(path, &stale, why, why_len)) >= 0) {
	if ((cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0
	    || (dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
	    step = "cannot open its directory (or the working directory)";
	else
	    fd = listen_unix_make(dirfd, slash ? slash + 1 : path, &o,
				  free_path ? &stale : NULL, &st, &step);
	if (fd < 0 || listen(fd, LISTEN_BACKLOG) < 0 || listen_prepare(fd) < 0) {
	    snprintf(why, why_len, "unix:%s: %s: %s", path, fd < 0 ? step : "cannot listen",
		     strerror(errno));
	    if (fd >= 0)
		close(fd);
	    fd = -1;
	} else {
	    listen_files = mem_realloc(listen_files, listen_nfiles + 1, sizeof(*listen_files));
	    listen_files[listen_nfiles].fd = fd;
	    listen_files[listen_nfiles].path = mem_strdup(path);
	    listen_files[listen_nfiles].dev = st.st_dev;
	    listen_files[listen_nfiles++].ino = st.st_ino;
	}
	if (cwd >= 0 && fchdir(cwd) < 0) {
	    snprintf(why, why_len, "cannot go back to the working directory: %s",
		     strerror(errno));
	    if (fd >= 0)
		listen_close(fd, 1);
	    fd = -1;
	}
    }
    if (cwd >= 0)
	close(cwd);
    if (dirfd >= 0)
	close(dirfd);
    free(dir);
    free(path);
    return (fd);
}

/* listen_inet - inet:HOST:PORT or inet:[HOST]:PORT; -1 (why) */
static int listen_inet(const char *spec, char *why, size_t why_len)
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
	snprintf(why, why_len, "inet:%s: expected inet:HOST:PORT", spec);
	free(host);
	return (-1);
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
    if ((err = getaddrinfo(host, port, &hints, &res)) != 0) {
	snprintf(why, why_len, "inet:%s: %s", spec, gai_strerror(err));
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
	snprintf(why, why_len, "inet:%s: %s", spec, strerror(errno));
    freeaddrinfo(res);
    free(host);
    return (fd);
}

/* listen_open - a listening socket for endpoint */
int     listen_open(const char *endpoint, char *why, size_t why_len)
{
    if (strncmp(endpoint, "unix:", 5) == 0)
	return (listen_unix(endpoint + 5, why, why_len));
    if (strncmp(endpoint, "inet:", 5) == 0)
	return (listen_inet(endpoint + 5, why, why_len));
    snprintf(why, why_len, "%s: expected unix:PATH or inet:HOST:PORT", endpoint);
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

/* listen_systemd_env - LISTEN_PID and LISTEN_FDS, read by hand; -1 (why) */
static int listen_systemd_env(char *why, size_t why_len)
{
    const char *pid = getenv("LISTEN_PID");
    const char *fds = getenv("LISTEN_FDS");
    char   *end;
    long    val;
    int     n = 0;

    if (pid != NULL && fds != NULL && strtol(pid, &end, 10) == (long) getpid() && *end == 0) {
	val = strtol(fds, &end, 10);
	if (*end != 0 || val < 0 || val > 1024) {
	    snprintf(why, why_len, "LISTEN_FDS=%s: not a number of sockets", fds);
	    return (-1);
	}
	n = (int) val;
    }
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    unsetenv("LISTEN_FDNAMES");
    return (n);
}

/* listen_is_listening - fd is a stream socket in the listening state */
static int listen_is_listening(int fd)
{
    int     type = 0, accepting = 0;
    socklen_t len = sizeof(type);

    if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0 || type != SOCK_STREAM)
	return (0);
    len = sizeof(accepting);
    return (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &accepting, &len) == 0 && accepting);
}

/* listen_systemd - sockets passed by systemd, from fd 3 */
int     listen_systemd(char *why, size_t why_len)
{
    int     n, fd;

    if (getenv("LISTEN_FDS") == NULL)
	return (0);
#ifdef HAVE_LIBSYSTEMD
    {
	int     (*listen_fds) (int) = (int (*) (int)) listen_libsystemd("sd_listen_fds");

	if (listen_fds == NULL)
	    n = listen_systemd_env(why, why_len);
	else if ((n = listen_fds(1)) < 0)
	    snprintf(why, why_len, "LISTEN_FDS: %s", strerror(-n));
    }
#else
    n = listen_systemd_env(why, why_len);
#endif
    for (fd = 3; n > 0 && fd < 3 + n; fd++) {
	if (!listen_is_listening(fd)) {
	    /* e.g. Accept=yes in the .socket unit passes a connection */
	    snprintf(why, why_len, "LISTEN_FDS: descriptor %d is not a listening stream socket "
		     "(use Accept=no in the socket unit)", fd);
	    return (-1);
	}
	if (listen_prepare(fd) < 0) {
	    snprintf(why, why_len, "LISTEN_FDS: socket %d: %s", fd, strerror(errno));
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

/* listen_close - close, and remove a unix socket file we made while it is still ours */
void    listen_close(int fd, int ours)
{
    struct stat st;
    size_t  i;

    for (i = 0; ours && i < listen_nfiles; i++) {
	struct listen_file *lf = listen_files + i;

	if (lf->fd != fd)
	    continue;
	if (lstat(lf->path, &st) == 0 && S_ISSOCK(st.st_mode)
	    && st.st_dev == lf->dev && st.st_ino == lf->ino)
	    (void) unlink(lf->path);
	free(lf->path);
	*lf = listen_files[--listen_nfiles];
	break;
    }
    if (listen_nfiles == 0) {
	free(listen_files);
	listen_files = NULL;
    }
    close(fd);
}
