/*
 * srcindex - where each client's line is in the source
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/atomic_file.h"
#include "util/file_read.h"
#include "util/mem.h"
#include "policy/dbrec.h"
#include "tool/srcindex.h"

#define SRCINDEX_SOURCE_KEY "certpolicy:source"
#define SRCINDEX_CLIENTS_KEY "certpolicy:clients"

/* srcindex_path - DATABASE.index, in new memory */
static char *srcindex_path(const char *database)
{
    return (mem_printf("%s%s", database, SRCINDEX_SUFFIX));
}

/* srcindex_put - one record; -1 on a write error */
static int srcindex_put(struct cdb_make *cdbm, const char *key, size_t klen, const char *val)
{
    return (cdb_make_add(cdbm, key, (unsigned) klen, val, (unsigned) strlen(val)));
}

/* srcindex_header_end - where the first client starts; -1 if a setting comes after it */
static long long srcindex_header_end(const struct conf *conf, size_t text_len)
{
    int     i;

    if (conf->nclients == 0)
	return ((long long) text_len);
    for (i = 0; i < SETTING_COUNT; i++)
	if (conf->set_line[i] > conf->clients[0].line)
	    return (-1);
    return ((long long) conf->clients[0].start);
}

/* srcindex_save - write the index of conf beside its database */
int     srcindex_save(const struct clientset *set, const struct stat *st, char *why,
		              size_t why_len)
{
    const struct conf *conf = set->conf;
    char   *path = srcindex_path(conf->set.value[SET_DATABASE]);
    size_t *records;
    struct atomic_file af;
    struct cdb_make cdbm;
    char    key[8 + 256], val[160];
    long long header_end = srcindex_header_end(conf, (size_t) st->st_size);
    size_t  i, klen;
    int     err = 0;

    if (header_end < 0) {
	(void) unlink(path);
	snprintf(why, why_len, "%s: a setting comes after the first client line", conf->path);
	free(path);
	return (-1);
    }
    if (atomic_open(&af, path, 0600) < 0) {
	snprintf(why, why_len, "%s", af.why);
	free(path);
	return (-1);
    }
    if (cdb_make_start(&cdbm, af.fd) < 0) {
	snprintf(why, why_len, "cannot write %s: %s", af.temp, strerror(errno));
	atomic_abort(&af);
	free(path);
	return (-1);
    }
    err |= srcindex_put(&cdbm, DBREC_FORMAT_KEY, strlen(DBREC_FORMAT_KEY), DBREC_FORMAT);
    err |= srcindex_put(&cdbm, DBREC_SOURCE_KEY, strlen(DBREC_SOURCE_KEY), conf->text_sha256);
    snprintf(val, sizeof(val), "%ju %ju %jd %jd %ld %lld", (uintmax_t) st->st_dev,
	     (uintmax_t) st->st_ino, (intmax_t) st->st_size, (intmax_t) st->st_mtim.tv_sec,
	     (long) st->st_mtim.tv_nsec, header_end);
    err |= srcindex_put(&cdbm, SRCINDEX_SOURCE_KEY, strlen(SRCINDEX_SOURCE_KEY), val);
    snprintf(val, sizeof(val), "%zu", conf->nclients);
    err |= srcindex_put(&cdbm, SRCINDEX_CLIENTS_KEY, strlen(SRCINDEX_CLIENTS_KEY), val);
    records = mem_calloc(conf->nclients + 1, sizeof(*records));
    for (i = 0; i < set->nentries; i++)
	if (set->entries[i].client < conf->nclients)
	    records[set->entries[i].client]++;
    for (i = 0; err == 0 && i < conf->nclients; i++) {
	const struct conf_client *cl = conf->clients + i;

	klen = (size_t) snprintf(key, sizeof(key), "n:%s", cl->name);
	if (klen >= sizeof(key))
	    continue;				/* names are bounded far below this */
	snprintf(val, sizeof(val), "%zu %zu %zu", cl->start, cl->end, records[i]);
	err |= srcindex_put(&cdbm, key, klen, val);
    }
    free(records);
    if (cdb_make_finish(&cdbm) < 0)
	err = -1;
    if (err) {
	snprintf(why, why_len, "cannot write %s: %s", af.temp, strerror(errno));
	atomic_abort(&af);
    } else if (atomic_close(&af) < 0 || atomic_commit(&af) < 0) {
	snprintf(why, why_len, "%s", af.why);
	atomic_abort(&af);
	err = -1;
    } else {
	atomic_release(&af);
    }
    free(path);
    return (err ? -1 : 0);
}

/* srcindex_get - a record's value as text in buf; 1, 0 not there, -1 damaged */
static int srcindex_get(struct srcindex *ix, const char *key, size_t klen, char *buf, size_t len)
{
    unsigned vlen;
    int     found;

    if ((found = cdb_find(&ix->cdb, key, (unsigned) klen)) <= 0)
	return (found < 0 ? -1 : 0);
    vlen = cdb_datalen(&ix->cdb);
    if (vlen >= len || cdb_read(&ix->cdb, buf, vlen, cdb_datapos(&ix->cdb)) < 0)
	return (-1);
    buf[vlen] = 0;
    return (memchr(buf, 0, vlen) == NULL ? 1 : -1);
}

/* srcindex_open - the index of database, checked */
int     srcindex_open(struct srcindex *ix, const char *database, char *why, size_t why_len)
{
    char   *path = srcindex_path(database);
    char    val[160], tail;
    uintmax_t dev, ino;
    intmax_t size, msec;
    long    mnsec;
    long long header_end;
    struct stat st;

    memset(ix, 0, sizeof(*ix));
    ix->fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (ix->fd < 0) {
	snprintf(why, why_len, "%s: %s", path, strerror(errno));
	free(path);
	return (-1);
    }
    if (fstat(ix->fd, &st) < 0 || !file_ours(&st)) {
	snprintf(why, why_len, "%s: not a regular file of this user or root, writable by no one else",
		 path);
    } else if (cdb_init(&ix->cdb, ix->fd) < 0) {
	snprintf(why, why_len, "%s: not a CDB file", path);
    } else if (srcindex_get(ix, DBREC_FORMAT_KEY, strlen(DBREC_FORMAT_KEY), val, sizeof(val)) <= 0
	       || strcmp(val, DBREC_FORMAT) != 0
	       || srcindex_get(ix, DBREC_SOURCE_KEY, strlen(DBREC_SOURCE_KEY), ix->sha,
			       sizeof(ix->sha)) <= 0 || strlen(ix->sha) != 64
	       || srcindex_get(ix, SRCINDEX_SOURCE_KEY, strlen(SRCINDEX_SOURCE_KEY), val,
			       sizeof(val)) <= 0
	       || sscanf(val, "%ju %ju %jd %jd %ld %lld%c", &dev, &ino, &size, &msec, &mnsec,
			 &header_end, &tail) != 6 || size < 0 || header_end < 0 || header_end > size
	       || srcindex_get(ix, SRCINDEX_CLIENTS_KEY, strlen(SRCINDEX_CLIENTS_KEY), val,
			       sizeof(val)) <= 0 || sscanf(val, "%zu%c", &ix->nclients, &tail) != 1) {
	snprintf(why, why_len, "%s: damaged or of another format", path);
	cdb_free(&ix->cdb);
    } else {
	ix->source.st_dev = (dev_t) dev;
	ix->source.st_ino = (ino_t) ino;
	ix->source.st_size = (off_t) size;
	ix->source.st_mtim.tv_sec = (time_t) msec;
	ix->source.st_mtim.tv_nsec = mnsec;
	ix->header_end = (size_t) header_end;
	free(path);
	return (0);
    }
    close(ix->fd);
    ix->fd = -1;
    free(path);
    return (-1);
}

/* srcindex_find - client name's line */
int     srcindex_find(struct srcindex *ix, const char *name, size_t *start, size_t *end,
		              size_t *records)
{
    char    key[8 + 256], val[64], tail;
    size_t  klen;
    int     found;

    klen = (size_t) snprintf(key, sizeof(key), "n:%s", name);
    if (klen >= sizeof(key))
	return (0);
    if ((found = srcindex_get(ix, key, klen, val, sizeof(val))) <= 0)
	return (found);
    if (sscanf(val, "%zu %zu %zu%c", start, end, records, &tail) != 3 || *start >= *end
	|| *end > (size_t) ix->source.st_size)
	return (-1);
    return (1);
}

/* srcindex_same - same file, same content as the index sees it */
int     srcindex_same(const struct stat *a, const struct stat *b)
{
    return (a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size
	    && a->st_mtim.tv_sec == b->st_mtim.tv_sec && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec);
}

/* srcindex_close - release the index */
void    srcindex_close(struct srcindex *ix)
{
    if (ix->fd >= 0) {
	cdb_free(&ix->cdb);
	close(ix->fd);
    }
    ix->fd = -1;
}
