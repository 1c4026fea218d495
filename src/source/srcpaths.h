/*
 * srcpaths - the files of one source are distinct files
 *
 * The source file, database, status_database, the map sources of
 * relay_clientcerts and tls_policy_map and the index postmap makes of
 * each (PATH.cdb, PATH.db, PATH.lmdb) must be different files: compile
 * would otherwise overwrite the source with the database, or a map source
 * with another map's index, and Postfix's lookups would find nothing.
 * Paths are compared normalized (the directory resolved by realpath(),
 * the last name as given) and, for files that exist, by device and inode
 * (hard links; the source's symlinks followed, an output's not, since an
 * output replaces whatever is at its name).
 *
 * DIAGNOSTICS: each clash is an error in the collector conf->diag
 * (diag.h) at the line of the later setting; nothing is printed.
 */
#ifndef CERTPOLICY_SRCPATHS_H
#define CERTPOLICY_SRCPATHS_H

#include "source/conf.h"

/* srcpaths_check - report each pair of those that name the same file */
void    srcpaths_check(struct conf *conf);

#endif
