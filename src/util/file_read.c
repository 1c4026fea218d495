/*
 * file_read - read a whole file into memory, bounded
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/file_read.h"
#include "util/mem.h"

/* file_same - the same file, unchanged */
int     file_same(const struct stat *a, const struct stat *b)
{
    return (a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size
	    && a->st_mtim.tv_sec == b->st_mtim.tv_sec
	    && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec
	    && a->st_ctim.tv_sec == b->st_ctim.tv_sec
	    && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec);
}

/* file_read_all - the whole file, at most limit bytes */
char   *file_read_all(const char *path, size_t limit, const char *limit_name,
		              size_t *lenp, char *why, size_t why_len)
{
    char   *data;
    int     fd;

    if ((fd = open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK)) < 0) {
	snprintf(why, why_len, "cannot open: %s", strerror(errno));
	return (NULL);
    }
    data = file_read_fd(fd, limit, limit_name, lenp, why, why_len);
    close(fd);
    return (data);
}

/* file_read_fd - the whole of an open file, at most limit bytes */
char   *file_read_fd(int fd, size_t limit, const char *limit_name,
		             size_t *lenp, char *why, size_t why_len)
{
    struct stat st;
    char   *data;
    size_t  len = 0, cap;
    ssize_t got;
    int     failed = 0;

    if (fstat(fd, &st) < 0 || S_ISDIR(st.st_mode)) {
	snprintf(why, why_len, "cannot read: %s",
		 S_ISDIR(st.st_mode) ? "is a directory" : strerror(errno));
	return (NULL);
    }
    cap = S_ISREG(st.st_mode) && (size_t) st.st_size <= limit ?
	(size_t) st.st_size + 1 : 65536;
    data = mem_alloc(cap + 1);
    for (;;) {
	if (len == cap) {
	    if (len > limit)
		break;
	    cap = cap * 2 > limit + 1 ? limit + 1 : cap * 2;
	    data = mem_realloc(data, cap + 1, 1);
	}
	if ((got = read(fd, data + len, cap - len)) == 0)
	    break;
	if (got < 0) {
	    if (errno == EINTR)
		continue;
	    snprintf(why, why_len, "cannot read: %s", strerror(errno));
	    failed = 1;
	    break;
	}
	len += (size_t) got;
    }
    if (!failed && len > limit) {
	snprintf(why, why_len, "file is larger than %s (%zu bytes)", limit_name, limit);
	failed = 1;
    }
    if (failed) {
	free(data);
	return (NULL);
    }
    data[len] = 0;
    *lenp = len;
    return (data);
}

/* file_ours - a regular file only this user or root can have written */
int     file_ours(const struct stat *st)
{
    return (S_ISREG(st->st_mode) && (st->st_uid == geteuid() || st->st_uid == 0)
	    && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0);
}
