/*
 * filewatch - notice that files may have changed, without asking each time
 *
 * The watches are on directories, not files: a file replaced by rename()
 * is a new inode, and only its directory sees that happen. Any event in a
 * watched directory counts; telling the files apart is not worth the risk
 * of missing one.
 */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifdef HAVE_SYS_INOTIFY_H
#include <sys/inotify.h>
#endif

#include "util/filewatch.h"

#ifndef PATH_MAX
#define PATH_MAX 4096
#endif

void    filewatch_open(struct filewatch *fw)
{
    fw->gen = 1;
    fw->epoch = 1;
#ifdef HAVE_SYS_INOTIFY_H
    fw->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
#else
    fw->fd = -1;
#endif
}

void    filewatch_close(struct filewatch *fw)
{
    if (fw->fd >= 0)
	close(fw->fd);
    fw->fd = -1;
}

#ifdef HAVE_SYS_INOTIFY_H

#define FILEWATCH_EVENTS (IN_ATTRIB | IN_CLOSE_WRITE | IN_CREATE | IN_DELETE \
	| IN_DELETE_SELF | IN_MODIFY | IN_MOVED_FROM | IN_MOVED_TO | IN_MOVE_SELF)

/* filewatch_dir - watch the directory that holds path */
static int filewatch_dir(struct filewatch *fw, const char *path)
{
    char    dir[PATH_MAX];
    const char *slash = strrchr(path, '/');
    size_t  len = slash == NULL ? 0 : slash == path ? 1 : (size_t) (slash - path);

    if (len >= sizeof(dir))
	return (-1);
    if (len == 0)
	strcpy(dir, ".");
    else {
	memcpy(dir, path, len);
	dir[len] = 0;
    }
    return (inotify_add_watch(fw->fd, dir, FILEWATCH_EVENTS) < 0 ? -1 : 0);
}

/*
 * filewatch_add - watch the directory of path, and of the file a symlink
 * there points to. Symlinks among the directories are followed by the
 * kernel; one of them pointed elsewhere later is not seen.
 */
int     filewatch_add(struct filewatch *fw, const char *path)
{
    struct stat st;
    char    real[PATH_MAX];

    if (fw->fd < 0 || filewatch_dir(fw, path) < 0)
	return (-1);
    if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) {
	if (realpath(path, real) == NULL || filewatch_dir(fw, real) < 0)
	    return (-1);
    }
    return (0);
}

/* filewatch_drain - read every pending event */
void    filewatch_drain(struct filewatch *fw)
{
    union {
	struct inotify_event align;
	char    buf[4096];
    }       u;
    ssize_t got;
    size_t  off;

    while ((got = read(fw->fd, u.buf, sizeof(u.buf))) > 0) {
	fw->gen++;
	for (off = 0; off + sizeof(struct inotify_event) <= (size_t) got;) {
	    const struct inotify_event *ev = (const struct inotify_event *) (u.buf + off);

	    if (ev->mask & (IN_IGNORED | IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF))
		fw->epoch++;
	    off += sizeof(*ev) + ev->len;
	}
    }
    if (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
	/* The watch itself broke: give it up; users stat every time. */
	filewatch_close(fw);
	fw->gen++;
	fw->epoch++;
    }
}

#else

int     filewatch_add(struct filewatch *fw, const char *path)
{
    (void) fw;
    (void) path;
    return (-1);
}

void    filewatch_drain(struct filewatch *fw)
{
    (void) fw;
}

#endif
