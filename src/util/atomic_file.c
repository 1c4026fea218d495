/*
 * atomic_file - replace an output file all at once, or not at all
 *
 * The temporary name is ".BASENAME.XXXXXX" in the target directory, made
 * by mkstemp() (O_CREAT|O_EXCL). Write errors (a full disk) surface at the
 * latest in atomic_close(), which checks fflush(), fsync() and close().
 * After a rename the directory is fsynced so the new name is on disk.
 */
#include "config.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/atomic_file.h"
#include "util/log.h"
#include "util/mem.h"

/* atomic_why - the reason of a failure, with errno's text, in af->why; errno kept */
static void LOG_PRINTF(2, 3) atomic_why(struct atomic_file *af, const char *fmt,...)
{
    int     err = errno;
    size_t  len;
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(af->why, sizeof(af->why), fmt, ap);
    va_end(ap);
    len = strlen(af->why);
    snprintf(af->why + len, sizeof(af->why) - len, ": %s", strerror(err));
    errno = err;
}

/* atomic_open - create a temporary file beside target */
int     atomic_open(struct atomic_file *af, const char *target, mode_t mode)
{
    const char *slash = strrchr(target, '/');
    size_t  dirlen = slash ? (size_t) (slash - target) + 1 : 0;

    af->target = mem_strdup(target);
    af->temp = mem_printf("%.*s.%s.XXXXXX", (int) dirlen, target, target + dirlen);
    af->fp = NULL;
    af->backup = NULL;
    af->kept = af->linked = af->adopted = 0;
    af->why[0] = 0;
    if ((af->fd = mkstemp(af->temp)) < 0) {
	atomic_why(af, "cannot create a temporary file for %s", target);
	atomic_release(af);
	return (-1);
    }
    if (fchmod(af->fd, mode) < 0) {
	atomic_why(af, "cannot set the mode of %s", af->temp);
	atomic_abort(af);
	return (-1);
    }
    return (0);
}

/* atomic_stdio - a FILE * for writing text */
FILE   *atomic_stdio(struct atomic_file *af)
{
    if (af->fp == NULL && (af->fp = fdopen(af->fd, "w")) == NULL)
	log_fatal("fdopen: %s", strerror(errno));
    return (af->fp);
}

/* atomic_adopt - track a temporary file another program wrote */
void    atomic_adopt(struct atomic_file *af, const char *temp, const char *target)
{
    af->target = mem_strdup(target);
    af->temp = mem_strdup(temp);
    af->fd = -1;
    af->fp = NULL;
    af->backup = NULL;
    af->kept = af->linked = 0;
    af->adopted = 1;
    af->why[0] = 0;
}

/* atomic_sync_adopted - fsync a file another program wrote */
int     atomic_sync_adopted(struct atomic_file *af)
{
    int     fd, err;

    if ((fd = open(af->temp, O_RDONLY | O_CLOEXEC)) < 0 && errno == ENOENT)
	return (0);				/* not written: its rename says so */
    if (fd < 0) {
	atomic_why(af, "cannot open %s", af->temp);
	return (-1);
    }
    if ((err = fsync(fd)) < 0)
	atomic_why(af, "cannot write %s to disk", af->temp);
    (void) close(fd);
    return (err < 0 ? -1 : 0);
}

/* atomic_close - flush, fsync and close */
int     atomic_close(struct atomic_file *af)
{
    int     err = 0;

    if (af->fp != NULL) {
	if (fflush(af->fp) != 0 || ferror(af->fp))
	    err = errno ? errno : EIO;
    }
    if (!err && fsync(af->fd) < 0)
	err = errno;
    if (af->fp != NULL) {
	if (fclose(af->fp) != 0 && !err)
	    err = errno;
    } else if (close(af->fd) < 0 && !err) {
	err = errno;
    }
    af->fp = NULL;
    af->fd = -1;
    if (err) {
	errno = err;
	atomic_why(af, "cannot write %s", af->temp);
	return (-1);
    }
    return (0);
}

/* atomic_sync_dir - make a rename durable */
static void atomic_sync_dir(const char *target)
{
    const char *slash = strrchr(target, '/');
    char   *dir = slash ? mem_strndup(target, slash == target ? 1 : (size_t) (slash - target))
    : mem_strdup(".");
    int     fd;

    if ((fd = open(dir, O_RDONLY | O_DIRECTORY)) >= 0) {
	(void) fsync(fd);
	close(fd);
    }
    free(dir);
}

/*
 * atomic_copy - copy the regular file from to a new file to (same mode):
 * the backup where a hard link is not allowed (fs.protected_hardlinks and
 * a target another user owns). 0, or -1 with errno set.
 */
static int atomic_copy(const char *from, const char *to)
{
    char    buf[65536];
    struct stat st;
    ssize_t n, done, w;
    int     in, out = -1, err = 0;

    if ((in = open(from, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) < 0)
	return (-1);
    if (fstat(in, &st) < 0)
	err = errno;
    else if (!S_ISREG(st.st_mode))
	err = EPERM;
    else if ((out = open(to, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			 st.st_mode & 07777)) < 0)
	err = errno;
    if (err) {
	close(in);
	errno = err;
	return (-1);
    }
    while (err == 0 && (n = read(in, buf, sizeof(buf))) != 0) {
	if (n < 0) {
	    err = errno;
	    break;
	}
	for (done = 0; done < n; done += w) {
	    if ((w = write(out, buf + done, (size_t) (n - done))) < 0) {
		err = errno;
		break;
	    }
	}
    }
    if (err == 0 && fsync(out) < 0)
	err = errno;
    if (close(out) < 0 && err == 0)
	err = errno;
    close(in);
    if (err) {
	(void) unlink(to);
	errno = err;
	return (-1);
    }
    return (0);
}

/* atomic_keep - link (or copy) the target's current version to a backup name */
int     atomic_keep(struct atomic_file *af)
{
    af->backup = mem_printf("%s.prev", af->temp);
    (void) unlink(af->backup);
    if (link(af->target, af->backup) == 0)
	af->linked = 1;
    else if (errno == ENOENT || atomic_copy(af->target, af->backup) < 0) {
	free(af->backup);
	af->backup = NULL;
	if (errno != ENOENT) {
	    atomic_why(af, "cannot keep the previous version of %s", af->target);
	    return (-1);
	}
    }
    af->kept = 1;
    return (0);
}

/* atomic_restore - put the kept version back */
int     atomic_restore(struct atomic_file *af)
{
    if (!af->kept)
	return (0);
    if (af->backup != NULL ? rename(af->backup, af->target) < 0 : unlink(af->target) < 0) {
	atomic_why(af, "cannot put back the previous version of %s", af->target);
	return (-1);
    }
    free(af->backup);
    af->backup = NULL;
    atomic_sync_dir(af->target);
    return (0);
}

/* atomic_forget - remove the backup link */
void    atomic_forget(struct atomic_file *af)
{
    if (af->backup != NULL)
	(void) unlink(af->backup);
    free(af->backup);
    af->backup = NULL;
    af->kept = 0;
    atomic_release(af);
}

/* atomic_commit - rename the temporary file over the target */
int     atomic_commit(struct atomic_file *af)
{
    if (rename(af->temp, af->target) < 0) {
	atomic_why(af, "cannot rename %s to %s", af->temp, af->target);
	return (-1);
    }
    atomic_sync_dir(af->target);
    free(af->temp);
    af->temp = NULL;
    return (0);
}

/* atomic_unlink_tmp - remove NAME.tmp, the other program's temporary file */
static void atomic_unlink_tmp(const char *name)
{
    char   *tmp = mem_printf("%s.tmp", name);

    (void) unlink(tmp);
    free(tmp);
}

/* atomic_abort - remove the temporary file */
void    atomic_abort(struct atomic_file *af)
{
    if (af->fp != NULL)
	fclose(af->fp);
    else if (af->fd >= 0)
	close(af->fd);
    af->fp = NULL;
    af->fd = -1;
    if (af->temp != NULL) {
	(void) unlink(af->temp);
	if (af->adopted)
	    atomic_unlink_tmp(af->temp);
    }
    if (af->backup != NULL)
	(void) unlink(af->backup);
    free(af->backup);
    af->backup = NULL;
    atomic_release(af);
}

/* atomic_release - release memory */
void    atomic_release(struct atomic_file *af)
{
    free(af->temp);
    free(af->target);
    af->temp = af->target = NULL;
}

/* atomic_swept - name is ".BASE.XXXXXX" or ".BASE.XXXXXX.SUFFIX" */
static int atomic_swept(const char *name, const char *base)
{
    size_t  blen = strlen(base);
    int     i;

    if (name[0] != '.' || strncmp(name + 1, base, blen) != 0 || name[blen + 1] != '.')
	return (0);
    name += blen + 2;
    for (i = 0; i < 6; i++)
	if (!isalnum((unsigned char) name[i]))
	    return (0);
    return (name[6] == 0 || name[6] == '.');
}

/* atomic_sweep - remove temporary files a killed run left beside target */
int     atomic_sweep(const char *target)
{
    const char *slash = strrchr(target, '/');
    const char *base = slash ? slash + 1 : target;
    char   *dir = slash ? mem_strndup(target, slash == target ? 1 : (size_t) (slash - target))
    : mem_strdup(".");
    struct dirent *de;
    struct stat st;
    DIR    *dp;
    int     dfd, removed = 0;

    if (*base != 0 && (dp = opendir(dir)) != NULL) {
	dfd = dirfd(dp);
	while ((de = readdir(dp)) != NULL) {
	    if (atomic_swept(de->d_name, base)
		&& fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0
		&& S_ISREG(st.st_mode) && unlinkat(dfd, de->d_name, 0) == 0)
		removed++;
	}
	closedir(dp);
    }
    free(dir);
    return (removed);
}
