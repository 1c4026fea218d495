/*
 * srcindex - where each client's line is in the source, for enroll and revoke
 *
 * A compile that worked writes DATABASE SRCINDEX_SUFFIX, a CDB of text
 * records:
 *
 *   certpolicy:format         -> 1
 *   certpolicy:source-sha256  -> of the text compiled (as in the database)
 *   certpolicy:source         -> "DEV INO SIZE MTIME_SEC MTIME_NSEC HEADER_END"
 *                                of the source file compiled; HEADER_END is
 *                                the offset of its first client line
 *   certpolicy:clients        -> how many clients it has
 *   n:NAME                    -> "START END RECORDS": the byte offsets of
 *                                client NAME's logical line (END just past
 *                                its text) and how many fingerprint records
 *                                the database has for it (so that a
 *                                certificate file changed since shows)
 *
 * It is written only when every setting comes before the first client
 * line (so that the text before it, the header, holds every setting), and
 * it serves only while the source file is that very file (device, inode,
 * size and modification time) and the database was compiled from that
 * text. It is a hint, never trusted for a decision: fastedit reads the
 * line at START and parses it itself. Like the certificate cache it is
 * used only when it is a regular file of this user or root that no one
 * else may write.
 *
 * DIAGNOSTICS: nothing is printed; failures come back with a reason.
 */
#ifndef CERTPOLICY_SRCINDEX_H
#define CERTPOLICY_SRCINDEX_H

#include <stddef.h>
#include <sys/stat.h>

#include <cdb.h>

#include "source/clientset.h"
#include "source/conf.h"

#define SRCINDEX_SUFFIX ".index"

struct srcindex {
    int     fd;
    struct cdb cdb;
    char    sha[65];			/* certpolicy:source-sha256 */
    struct stat source;			/* st_dev, st_ino, st_size, st_mtim */
    size_t  header_end;
    size_t  nclients;			/* certpolicy:clients */
};

/*
 * srcindex_save - the index of set's clients beside its database, for
 * the source file identified by st (as it is after the compile: the file
 * read, or the edited file that replaced it). A source with a setting
 * after its first client gets none (an old one is removed). 0, or -1
 * with why (a failure only makes the next edit slower).
 */
int     srcindex_save(const struct clientset *set, const struct stat *st, char *why,
		              size_t why_len);

/* srcindex_open - the index of database; 0, or -1 with why (missing, not ours, damaged) */
int     srcindex_open(struct srcindex *ix, const char *database, char *why, size_t why_len);

/*
 * srcindex_find - client name's line and its number of records: 1
 * (start, end, records filled), 0 not there, -1 damaged
 */
int     srcindex_find(struct srcindex *ix, const char *name, size_t *start, size_t *end,
		              size_t *records);

/*
 * srcindex_same - a and b are the same file with the same content as far
 * as the index can tell: device, inode, size and modification time (not
 * the change time, which a rename and a link count change move)
 */
int     srcindex_same(const struct stat *a, const struct stat *b);

/* srcindex_close - release what srcindex_open() made */
void    srcindex_close(struct srcindex *ix);

#endif
