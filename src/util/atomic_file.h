/*
 * atomic_file - replace an output file all at once, or not at all
 *
 * An output is written to a temporary file in the target's directory
 * (created with O_EXCL, so a planted symlink or file is never followed or
 * reused), flushed to disk, and renamed over the target only when every
 * output of the run is ready. On failure the temporary files are removed
 * and the targets are exactly as they were.
 *
 * Several outputs are replaced all or none: atomic_keep() makes a hard
 * link to each target's current version (beside it, named after the
 * temporary file, with ".prev"; a copy where a link is not allowed), then
 * the renames run; if one fails,
 * atomic_restore() puts each earlier target back (or removes it when
 * there was none), and atomic_forget() drops the links once every rename
 * has worked.
 *
 * DIAGNOSTICS
 *	Nothing is printed: a failure returns -1 with the reason (and
 *	errno's text) in af->why, for the caller to report. Out of memory
 *	and a failing fdopen() are fatal (log_fatal).
 */
#ifndef CERTPOLICY_ATOMIC_FILE_H
#define CERTPOLICY_ATOMIC_FILE_H

#include <stdio.h>
#include <sys/types.h>

#define ATOMIC_WHY_MAX 4096		/* bytes of af->why, with its NUL */

struct atomic_file {
    char   *target;			/* the final name */
    char   *temp;			/* the temporary name */
    int     fd;				/* open while writing, else -1 */
    FILE   *fp;				/* stdio on fd, for text outputs */
    char   *backup;			/* link to the target's previous version */
    int     kept;			/* atomic_keep() ran: backup, or no target */
    int     linked;			/* backup is a hard link, not a copy */
    int     adopted;			/* written by another program (postmap) */
    char    why[ATOMIC_WHY_MAX];	/* why the last call failed */
};

/*
 * atomic_open - create a temporary file beside target with the given
 * mode. Returns 0, or -1 with the reason in af->why.
 */
int     atomic_open(struct atomic_file *af, const char *target, mode_t mode);

/* atomic_stdio - a FILE * for writing text to the temporary file */
FILE   *atomic_stdio(struct atomic_file *af);

/*
 * atomic_adopt - track a temporary file another program wrote (postmap);
 * atomic_abort() then also removes that program's own temporary name,
 * TEMP.tmp (postmap's, left behind when it fails on a full disk)
 */
void    atomic_adopt(struct atomic_file *af, const char *temp, const char *target);

/*
 * atomic_sync_adopted - fsync the temporary file of atomic_adopt() (the
 * other program may not have), so that it is on disk before its rename,
 * as ours are; 0 (also when there is no such file: the rename reports
 * that) or -1 (af->why)
 */
int     atomic_sync_adopted(struct atomic_file *af);

/* atomic_close - flush, fsync and close the temporary file; 0 or -1 (af->why, errno) */
int     atomic_close(struct atomic_file *af);

/* atomic_commit - rename the temporary file over the target; 0 or -1 (af->why) */
int     atomic_commit(struct atomic_file *af);

/*
 * atomic_keep - before atomic_commit(): link the target's current version
 * to a backup name (none when there is no target). 0, or -1 (af->why).
 */
int     atomic_keep(struct atomic_file *af);

/*
 * atomic_restore - after atomic_commit(): put the kept version back, or
 * remove the target when there was none. 0, or -1 (af->why).
 */
int     atomic_restore(struct atomic_file *af);

/* atomic_forget - remove the backup link, if any; release memory */
void    atomic_forget(struct atomic_file *af);

/* atomic_abort - remove the temporary file, if any; release memory */
void    atomic_abort(struct atomic_file *af);

/* atomic_release - release memory after a commit */
void    atomic_release(struct atomic_file *af);

/*
 * atomic_sweep - remove what a run killed before it could clean up left
 * beside target: regular files named ".BASENAME.XXXXXX" (six letters or
 * digits, as mkstemp() makes them) or that followed by ".SUFFIX" (the
 * ".prev" backups, postmap's indexes and its ".tmp" files). Only for a
 * caller that holds the writer lock, so no such file is in use. Returns
 * the number of files removed (errors are ignored: a file that cannot be
 * removed is left, like before).
 */
int     atomic_sweep(const char *target);

#endif
