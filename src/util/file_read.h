/*
 * file_read - read a whole file into memory, bounded
 *
 * A file larger than the limit is refused, not truncated; the limit is
 * enforced while reading, so a file that grows, a FIFO or a device cannot
 * make us read more than limit + 1 bytes.
 */
#ifndef CERTPOLICY_FILE_READ_H
#define CERTPOLICY_FILE_READ_H

#include <stddef.h>
#include <sys/stat.h>

/*
 * file_read_all - returns new memory with a NUL after the data and sets
 * *lenp; NULL with a reason in why[why_len] ("cannot open: ...", "file is
 * larger than LIMIT_NAME (N bytes)").
 */
char   *file_read_all(const char *path, size_t limit, const char *limit_name,
		              size_t *lenp, char *why, size_t why_len);

/*
 * file_read_fd - file_read_all() of a file already open (left open)
 */
char   *file_read_fd(int fd, size_t limit, const char *limit_name,
		             size_t *lenp, char *why, size_t why_len);

/*
 * file_same - the same file, unchanged: device, inode, size, modification
 * and change times (a chmod counts)
 */
int     file_same(const struct stat *a, const struct stat *b);

/*
 * file_ours - a regular file that only this user or root can have
 * written: owned by the effective user or root, not writable by group
 * or others (for files whose content is trusted without a seal: the
 * certificate cache, the source index, the overlay of recent edits)
 */
int     file_ours(const struct stat *st);

#endif
