/*
 * cdbfile - a CDB file that may be replaced at any time
 *
 * cdbfile_refresh() stats the path and, when the file there is not the
 * one examined last (device, inode, size, modification and change times),
 * opens it, lets tinycdb check its layout, and calls the caller's check
 * (format number, required records). A file that is missing, unreadable
 * or fails a check leaves the cdbfile unusable, with the reason in why,
 * until another file appears; the same bad file is not examined twice.
 *
 * With a filewatch attached (cdbfile_watch), the stat is skipped while
 * the watch reports nothing in the file's directory, except that the file
 * is still examined at least every 250 ms: a file system without change
 * events (NFS changed from another host) or a symlink pointed elsewhere
 * is then noticed within a quarter of a second.
 */
#ifndef CERTPOLICY_CDBFILE_H
#define CERTPOLICY_CDBFILE_H

#include <cdb.h>
#include <sys/stat.h>
#include <time.h>

#include "util/filewatch.h"

struct cdbfile {
    char   *path;
    int     fd;				/* -1 when nothing is open */
    struct cdb cdb;
    struct stat st;			/* of the file examined last */
    int     examined;
    int     missing;
    int     missing_errno;		/* why stat() failed, when missing */
    int     usable;
    char    why[256];
    int     (*check) (struct cdbfile *, void *);	/* 0, or -1 with why set */
    void    (*forget) (void *);		/* drop what check kept */
    void   *ctx;
    struct filewatch *watch;		/* or NULL: stat before every use */
    unsigned watch_gen;			/* watch->gen at the last stat */
    unsigned watch_epoch;		/* watch->epoch when the watch was added */
    int     watched;			/* the watch covers the file */
    long long stat_ms;			/* monotonic milliseconds of the last stat */
};

void    cdbfile_init(struct cdbfile *cf, const char *path,
		             int (*check) (struct cdbfile *, void *),
		             void (*forget) (void *), void *ctx);
void    cdbfile_free(struct cdbfile *cf);

/* cdbfile_watch - let fw tell when the file may have changed */
void    cdbfile_watch(struct cdbfile *cf, struct filewatch *fw);

/* cdbfile_refresh - follow a replaced file; returns usable; *changed if it changed */
int     cdbfile_refresh(struct cdbfile *cf, int *changed);

/*
 * cdbfile_fault - the mapped file changed under a lookup (a read of the
 * mapping faulted: the file was truncated or rewritten in place). Close
 * it, unusable with why, and examine the path again at the next refresh.
 */
void    cdbfile_fault(struct cdbfile *cf);

/* cdbfile_get - a record's value as a new string; NULL if absent (or bad: *bad) */
char   *cdbfile_get(struct cdbfile *cf, const char *key, int *bad);

/*
 * cdbfile_value - the value of the record found last (by cdb_find() or
 * cdb_seqnext()) as a new string; NULL with *bad if unreadable or holding
 * a NUL
 */
char   *cdbfile_value(struct cdbfile *cf, int *bad);

/* cdbfile_find - a record's value in place; 1 found, 0 not, -1 corrupt */
int     cdbfile_find(struct cdbfile *cf, const char *key, size_t klen,
		             const char **val, unsigned *vlen);

#endif
