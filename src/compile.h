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
 */
#ifndef CERTPOLICY_COMPILE_H
#define CERTPOLICY_COMPILE_H

#include "atomic_file.h"
#include "clientset.h"

/* compile_run - 0 on success, -1 (messages logged) on failure */
int     compile_run(const struct clientset *set, int run_postmap);

/*
 * compile_run_with - compile_run(), with one more output written by the
 * caller (enroll and revoke: the edited source, closed, not committed),
 * replaced first and together with the others. compile_run_with() takes
 * it over: it is committed or removed. 0, or -1 (logged).
 */
int     compile_run_with(const struct clientset *set, int run_postmap, struct atomic_file *source);

#endif
