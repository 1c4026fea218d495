/*
 * cdbfile - a CDB file that may be replaced at any time
 *
 * tinycdb maps the file and checks every offset against its size, so a
 * truncated or garbled file gives errors, not wild reads.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "policy/cdbfile.h"
#include "util/file_read.h"
#include "util/lateclose.h"
#include "util/mem.h"
#include "util/timeutil.h"

#define CDBFILE_RECHECK_MS 250

static char *cdbfile_inflight;		/* a value being copied from the mapping */		/* stat at least this often, watched or not */

void    cdbfile_init(struct cdbfile *cf, const char *path,
		             int (*check) (struct cdbfile *, void *),
		             void (*forget) (void *), void *ctx)
{
    memset(cf, 0, sizeof(*cf));
    cf->path = mem_strdup(path);
    cf->fd = -1;
    cf->check = check;
    cf->forget = forget;
    cf->ctx = ctx;
    snprintf(cf->why, sizeof(cf->why), "not opened yet");
}

/* cdbfile_close - forget the open file */
static void cdbfile_close(struct cdbfile *cf)
{
    if (cf->fd >= 0) {
	cdb_free(&cf->cdb);			/* the mapping first: see lateclose.h */
	lateclose(cf->fd);
	cf->fd = -1;
    }
    if (cf->forget != NULL)
	cf->forget(cf->ctx);
    cf->usable = 0;
}

void    cdbfile_free(struct cdbfile *cf)
{
    cdbfile_close(cf);
    free(cf->path);
    cf->path = NULL;
}

void    cdbfile_watch(struct cdbfile *cf, struct filewatch *fw)
{
    cf->watch = fw;
    cf->watched = 0;
}

/*
 * cdbfile_quiet - nothing can have changed since the last stat. The watch
 * is added before the stat that follows, so no change falls between them;
 * after a change the watch is added again (a symlink may point elsewhere)
 * and the file is looked at once more.
 */
static int cdbfile_quiet(struct cdbfile *cf)
{
    struct filewatch *fw = cf->watch;
    long long now;

    if (fw == NULL || fw->fd < 0)
	return (0);
    now = time_monotonic_ms();
    if (cf->watched && cf->watch_epoch == fw->epoch && cf->watch_gen == fw->gen
	&& now - cf->stat_ms < CDBFILE_RECHECK_MS)
	return (1);
    if (!cf->watched || cf->watch_epoch != fw->epoch) {
	cf->watch_epoch = fw->epoch;
	cf->watched = filewatch_add(fw, cf->path) == 0;
    }
    cf->watch_gen = fw->gen;
    cf->stat_ms = now;
    return (0);
}

/* cdbfile_refresh - follow a replaced file */
int     cdbfile_refresh(struct cdbfile *cf, int *changed)
{
    struct stat st;

    *changed = 0;
    if (cdbfile_quiet(cf))
	return (cf->usable);
    if (stat(cf->path, &st) < 0) {
	cf->missing_errno = errno;
	if (cf->examined || cf->fd >= 0 || !cf->missing) {
	    cdbfile_close(cf);
	    snprintf(cf->why, sizeof(cf->why), "cannot open: %s", strerror(errno));
	    cf->examined = 0;
	    cf->missing = 1;
	    cf->watched = 0;
	    *changed = 1;
	}
	return (0);
    }
    if (cf->examined && file_same(&st, &cf->st))
	return (cf->usable);			/* good or bad, as before */
    cdbfile_close(cf);
    cf->st = st;
    cf->examined = 1;
    cf->watched = 0;
    cf->missing = 0;
    *changed = 1;
    if ((cf->fd = open(cf->path, O_RDONLY | O_CLOEXEC)) < 0) {
	/* removed between the stat and the open: missing, as the next stat will say */
	cf->missing = errno == ENOENT;
	cf->missing_errno = errno;
	snprintf(cf->why, sizeof(cf->why), "cannot open: %s", strerror(errno));
	return (0);
    }
    if (cdb_init(&cf->cdb, cf->fd) < 0) {
	snprintf(cf->why, sizeof(cf->why), "not a CDB file: %s", strerror(errno));
	close(cf->fd);
	cf->fd = -1;
	return (0);
    }

    /*
     * Lookups touch a few scattered pages. Without this the kernel reads
     * ahead around every fault, and a process serving a large database
     * pulls in (and keeps) megabytes it never uses. tinycdb keeps the
     * mapping in cdb_mem, a field of its public struct.
     */
    if (cf->cdb.cdb_mem != NULL && cf->cdb.cdb_fsize > 0)
	(void) madvise((void *) cf->cdb.cdb_mem, cf->cdb.cdb_fsize, MADV_RANDOM);
    if (cf->check != NULL && cf->check(cf, cf->ctx) < 0) {
	cdbfile_close(cf);
	return (0);
    }
    cf->usable = 1;
    return (1);
}

/* cdbfile_fault - forget a file that changed under a lookup */
void    cdbfile_fault(struct cdbfile *cf)
{
    free(cdbfile_inflight);
    cdbfile_inflight = NULL;
    if (cf->fd < 0 && !cf->examined)
	return;
    cdbfile_close(cf);
    cf->examined = 0;
    cf->watched = 0;
    snprintf(cf->why, sizeof(cf->why), "the file changed under a lookup (rewritten in place?)");
}

/* cdbfile_get - a record's value as a new string */
char   *cdbfile_get(struct cdbfile *cf, const char *key, int *bad)
{
    int     found;

    *bad = 0;
    if ((found = cdb_find(&cf->cdb, key, (unsigned) strlen(key))) <= 0) {
	*bad = found < 0;
	return (NULL);
    }
    return (cdbfile_value(cf, bad));
}

/* cdbfile_value - the value of the record found last, as a new string */
char   *cdbfile_value(struct cdbfile *cf, int *bad)
{
    unsigned len = cdb_datalen(&cf->cdb);
    const char *val = cdb_get(&cf->cdb, len, cdb_datapos(&cf->cdb));

    char   *copy;

    *bad = val == NULL || memchr(val, 0, len) != NULL;
    if (*bad)
	return (NULL);

    /*
     * The copy is made from the mapping, which a file truncated in place
     * can take away under it (SIGBUS, see cdbfile_fault): until it is
     * returned it is kept where cdbfile_fault() can free it.
     */
    cdbfile_inflight = mem_alloc((size_t) len + 1);
    memcpy(cdbfile_inflight, val, len);
    cdbfile_inflight[len] = 0;
    copy = cdbfile_inflight;
    cdbfile_inflight = NULL;
    return (copy);
}

/* cdbfile_find - a record's value in place */
int     cdbfile_find(struct cdbfile *cf, const char *key, size_t klen,
		             const char **val, unsigned *vlen)
{
    int     found;

    if ((found = cdb_find(&cf->cdb, key, (unsigned) klen)) <= 0)
	return (found < 0 ? -1 : 0);
    *vlen = cdb_datalen(&cf->cdb);
    if ((*val = cdb_get(&cf->cdb, *vlen, cdb_datapos(&cf->cdb))) == NULL)
	return (-1);
    return (1);
}
