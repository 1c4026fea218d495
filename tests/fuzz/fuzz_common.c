/*
 * fuzz_common - scratch file, quiet logs, fixed fingerprints
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fuzz.h"
#include "util/log.h"

static char fuzz_path[64];

/* fuzz_cleanup - remove the scratch file at exit */
static void fuzz_cleanup(void)
{
    if (fuzz_path[0])
	unlink(fuzz_path);
}

const char *fuzz_file(const uint8_t *data, size_t size)
{
    int     fd;

    if (fuzz_path[0] == 0) {
	snprintf(fuzz_path, sizeof(fuzz_path), "/tmp/certpolicy-fuzz.XXXXXX");
	if ((fd = mkstemp(fuzz_path)) < 0) {
	    perror("mkstemp");
	    exit(1);
	}
	close(fd);
	atexit(fuzz_cleanup);
    }
    if ((fd = open(fuzz_path, O_WRONLY | O_TRUNC)) < 0
	|| (size > 0 && write(fd, data, size) != (ssize_t) size)) {
	perror(fuzz_path);
	exit(1);
    }
    close(fd);
    return (fuzz_path);
}

void    fuzz_quiet(void)
{
    static int done;

    if (!done) {
	log_open("fuzz", LOG_SINK_FILE);
	(void) log_file("/dev/null");
	done = 1;
    }
}

void    fuzz_fprint(unsigned char fill, struct fprint *fp)
{
    fp->digest = FPRINT_SHA256;
    fp->len = 32;
    memset(fp->bytes, fill, fp->len);
}

void    fuzz_each_record(struct cdbfile *cf, const char *kinds,
			         void (*fn) (const char *, unsigned))
{
    unsigned pos;
    const char *key, *val;

    cdb_seqinit(&pos, &cf->cdb);
    while (cdb_seqnext(&pos, &cf->cdb) > 0) {
	key = cdb_getkey(&cf->cdb);
	val = cdb_getdata(&cf->cdb);
	if (key == NULL || val == NULL)
	    return;
	if (cdb_keylen(&cf->cdb) > 2 && key[0] && key[1] == ':' && strchr(kinds, key[0]) != NULL)
	    fn(val, cdb_datalen(&cf->cdb));
    }
}

void    fuzz_fail(const char *what)
{
    fprintf(stderr, "fuzz: wrong answer: %s\n", what);
    abort();
}
