/*
 * slowcdb - tinycdb's cdb_find, made slow, for the refresh tests (LD_PRELOAD)
 *
 * Refresh workers must never share a struct cdb: tinycdb keeps the
 * position of the record found last inside it, so a find in one thread
 * and a read of the found value in another may pair one certificate with
 * another's record. This library widens that window, as a legal thread
 * schedule may: every cdb_find() returns only after sleeping
 * CERTPOLICY_TEST_CDB_DELAY microseconds (default 2000). A test preloads
 * it into "certpolicy refresh" and checks that each certificate keeps its
 * own status. Built only as a test program, never installed.
 */
#define _GNU_SOURCE
#include <cdb.h>
#include <dlfcn.h>
#include <stdlib.h>
#include <time.h>

typedef int (*cdb_find_fn) (struct cdb *, const void *, unsigned);

int     cdb_find(struct cdb *cdbp, const void *key, unsigned klen)
{
    static cdb_find_fn real;
    const char *text = getenv("CERTPOLICY_TEST_CDB_DELAY");
    long    us = text ? strtol(text, NULL, 10) : 2000;
    struct timespec ts;
    int     ret;

    if (real == NULL && (real = (cdb_find_fn) dlsym(RTLD_NEXT, "cdb_find")) == NULL)
	return (-1);
    ret = real(cdbp, key, klen);
    ts.tv_sec = us / 1000000;
    ts.tv_nsec = (us % 1000000) * 1000;
    nanosleep(&ts, NULL);
    return (ret);
}
