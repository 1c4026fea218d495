/*
 * statusprev - what the previous refresh recorded, read back for the next
 *
 * refresh judges every answer against the status recorded last (DESIGN
 * "What a status may become"), so the previous status database is an
 * input it cannot do without: a file that is there but cannot be read
 * (truncated, a partial copy, garbage, another format, a corrupt record)
 * is an error, never an empty history, or a replayed old CRL or OCSP
 * answer would undo every revocation it recorded. Only a missing file
 * starts a new history.
 *
 * Records are found under the fingerprint of fingerprint_digest and, when
 * that setting changed since the last refresh, under any other digest, so
 * a change of digest forgets nothing. CA certificates' own statuses are
 * keyed by their SHA-256 fingerprint, whatever fingerprint_digest says.
 *
 * Nothing here prints: each function returns a status and, on error, the
 * reason in why. Only one thread may use the database at a time.
 */
#ifndef CERTPOLICY_STATUSPREV_H
#define CERTPOLICY_STATUSPREV_H

#include <stddef.h>

#include <openssl/x509.h>

#include "policy/cdbfile.h"
#include "source/clientset.h"
#include "revocation/crlnum.h"
#include "policy/fprint.h"
#include "policy/statusrec.h"

struct statusprev {
    struct statusrec *rec;		/* one per entry of the client set */
    int    *had;			/* rec[i] was recorded */
    struct statusrec *ca_rec;		/* one per CA certificate */
    int    *ca_had;			/* ca_rec[i] was recorded */
    struct fprint *ca_fp;		/* each CA's c: key (len 0: none) */
};

/*
 * statusprev_read - everything the previous refresh recorded at path:
 * the status of every entry of set with a certificate for which want[i]
 * is set, the own status of every CA in cas, and the cRLNumbers seen
 * (into nums). Returns 0 (a missing file included: nothing recorded), or
 * -1 with why when the file is there but cannot be read, or holds a
 * malformed record. *sp is filled in both cases; statusprev_free()
 * releases it.
 */
int     statusprev_read(struct statusprev *sp, const char *path, const struct clientset *set,
			        const int *want, STACK_OF(X509) *cas, struct crlnum *nums,
			        char *why, size_t why_len);
void    statusprev_free(struct statusprev *sp);

/*
 * statusprev_open - the previous status database at path, into *cf (to be
 * released with cdbfile_free in every case). Returns 1 usable, 0 missing
 * (no such file: a first refresh), -1 there but unusable (why says how).
 */
int     statusprev_open(struct cdbfile *cf, const char *path, char *why, size_t why_len);

/*
 * statusprev_cert - a certificate's recorded status, by its fingerprints
 * in every digest (fps[FPRINT_DIGEST_COUNT], as cert.h has them), the
 * digest of fingerprint_digest tried first. Returns 1 found, 0 not, -1 a
 * corrupt record (why set).
 */
int     statusprev_cert(struct cdbfile *cf, const struct fprint *fps, enum fprint_digest digest,
			        struct statusrec *rec, char *why, size_t why_len);

/* statusprev_ca_fprint - a CA certificate's SHA-256 fingerprint (its c: key); 0 or -1 */
int     statusprev_ca_fprint(X509 *ca, struct fprint *fp);

#endif
