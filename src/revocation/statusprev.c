/*
 * statusprev - what the previous refresh recorded, read back for the next
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "util/mem.h"
#include "revocation/statusprev.h"

int     statusprev_open(struct cdbfile *cf, const char *path, char *why, size_t why_len)
{
    int     changed;

    cdbfile_init(cf, path, statusrec_file_check, NULL, NULL);
    if (cdbfile_refresh(cf, &changed))
	return (1);
    if (cf->missing)
	return (0);
    snprintf(why, why_len, "%s", cf->why);
    return (-1);
}

int     statusprev_cert(struct cdbfile *cf, const struct fprint *fps, enum fprint_digest digest,
			        struct statusrec *rec, char *why, size_t why_len)
{
    int     d, found = statusrec_lookup(cf, fps + digest, rec);

    for (d = 0; found == 0 && d < FPRINT_DIGEST_COUNT; d++)
	if (d != (int) digest && fps[d].len > 0)
	    found = statusrec_lookup(cf, fps + d, rec);
    if (found < 0)
	snprintf(why, why_len, "a malformed status record");
    return (found);
}

int     statusprev_ca_fprint(X509 *ca, struct fprint *fp)
{
    unsigned len = 0;

    memset(fp, 0, sizeof(*fp));
    if (!X509_digest(ca, EVP_sha256(), fp->bytes, &len) || len != fprint_digest_size(FPRINT_SHA256))
	return (-1);
    fp->digest = FPRINT_SHA256;
    fp->len = (unsigned char) len;
    return (0);
}

/* statusprev_entries - every wanted certificate's record; 0 or -1 */
static int statusprev_entries(struct statusprev *sp, struct cdbfile *cf,
			              const struct clientset *set, const int *want,
			              char *why, size_t why_len)
{
    const struct entry *e;
    size_t  i;
    int     found;

    for (i = 0; i < set->nentries; i++) {
	if (!want[i] || (e = set->entries + i)->cert == NULL)
	    continue;
	found = statusprev_cert(cf, e->cert->cert_fp, e->fp.digest, sp->rec + i, why, why_len);
	if (found < 0)
	    return (-1);
	sp->had[i] = found;
    }
    return (0);
}

/* statusprev_cas - every CA's own record; 0 or -1 */
static int statusprev_cas(struct statusprev *sp, struct cdbfile *cf, int nca,
			          char *why, size_t why_len)
{
    int     i, found;

    for (i = 0; i < nca; i++) {
	if (sp->ca_fp[i].len == 0)
	    continue;
	if ((found = statusrec_ca_lookup(cf, sp->ca_fp + i, sp->ca_rec + i)) < 0) {
	    snprintf(why, why_len, "a malformed CA status record");
	    return (-1);
	}
	sp->ca_had[i] = found;
    }
    return (0);
}

int     statusprev_read(struct statusprev *sp, const char *path, const struct clientset *set,
			        const int *want, STACK_OF(X509) *cas, struct crlnum *nums,
			        char *why, size_t why_len)
{
    size_t  n = set->nentries + 1, nca = (size_t) sk_X509_num(cas) + 1;
    struct cdbfile cf;
    char   *value;
    int     i, ret, bad = 0;

    sp->rec = mem_calloc(n, sizeof(*sp->rec));
    sp->had = mem_calloc(n, sizeof(*sp->had));
    sp->ca_rec = mem_calloc(nca, sizeof(*sp->ca_rec));
    sp->ca_had = mem_calloc(nca, sizeof(*sp->ca_had));
    sp->ca_fp = mem_calloc(nca, sizeof(*sp->ca_fp));
    for (i = 0; i < sk_X509_num(cas); i++)
	if (statusprev_ca_fprint(sk_X509_value(cas, i), sp->ca_fp + i) < 0)
	    sp->ca_fp[i].len = 0;
    if ((ret = statusprev_open(&cf, path, why, why_len)) <= 0) {
	cdbfile_free(&cf);
	return (ret);
    }
    if ((value = cdbfile_get(&cf, CRLNUM_KEY, &bad)) != NULL)
	crlnum_load(nums, value);
    free(value);
    if (bad)
	snprintf(why, why_len, "its cRLNumbers cannot be read");
    ret = bad || statusprev_entries(sp, &cf, set, want, why, why_len) < 0
	|| statusprev_cas(sp, &cf, sk_X509_num(cas), why, why_len) < 0 ? -1 : 0;
    cdbfile_free(&cf);
    return (ret);
}

void    statusprev_free(struct statusprev *sp)
{
    free(sp->rec);
    free(sp->had);
    free(sp->ca_rec);
    free(sp->ca_had);
    free(sp->ca_fp);
}
