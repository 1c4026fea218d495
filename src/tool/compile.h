/*
 * compile - write the database and the Postfix maps, all or nothing
 *
 * Writes the database (dbrec format), the relay_clientcerts source (one
 * lowercase fingerprint per line, in fingerprint_digest, for every active
 * client, value = the client name) and the tls_policy_map source, each to
 * a temporary file beside its target; runs postmap on the temporary map
 * sources (not for texthash, not with run_postmap = 0); and only when all
 * of that worked, renames everything into place. On any failure every
 * temporary file is removed and every earlier output is left as it was.
 * The caller holds the writer lock (srclock): temporary files that a
 * killed run left beside the outputs are removed first (those beside the
 * source are the caller's to remove, with atomic_sweep(), before it
 * reads the source).
 */
#ifndef CERTPOLICY_COMPILE_H
#define CERTPOLICY_COMPILE_H

#include <sys/stat.h>

#include "util/atomic_file.h"
#include "source/clientset.h"

/*
 * compile_entry_value - the database record (dbrec.h) of one entry of
 * set, in new memory: what compile writes for it, and what enroll and
 * revoke put in the overlay of recent edits
 */
char   *compile_entry_value(const struct clientset *set, const struct entry *e);

/*
 * compile_sweep - remove what a killed writer left beside the outputs:
 * the temporary files and backups of the database, the maps, the
 * overlay of recent edits, the source index and the certificate cache
 * (the source's own leftovers are the caller's, before it reads the
 * source: removing a ".prev" link changes the source's change time).
 * The caller holds the writer lock.
 */
void    compile_sweep(const struct conf *conf);

/* compile_run - 0 on success, -1 (messages logged) on failure */
int     compile_run(const struct clientset *set, int run_postmap);

/* An edit's new source, and the file it was made from. */
struct compile_source {
    struct atomic_file file;		/* written and closed, not committed */
    int     read_fd;			/* open on the file that was read */
    struct stat read_st;		/* fstat(read_fd) when it was read */
};

/*
 * compile_run_with - compile_run(), with the edited source (enroll and
 * revoke) replaced last, together with the others. compile_run_with()
 * takes source->file over: it is committed or removed; read_fd stays the
 * caller's. When the file read was written to (size or modification time
 * through read_fd) or replaced at its path before the new source took
 * its place, every output and that version are put back. 0, or -1
 * (logged; also when SIGINT, SIGTERM or SIGHUP arrived under sigguard).
 */
int     compile_run_with(const struct clientset *set, int run_postmap,
			         struct compile_source *source);

/*
 * compile_current - 1 when conf's database holds the compile of exactly
 * conf's source text (its certpolicy:source-sha256 record), else 0:
 * missing, unreadable, compiled from another text or by an older version
 */
int     compile_current(const struct conf *conf);

#endif
