/*
 * statuswrite - the records of a new status.cdb, as refresh writes them
 */
#include "config.h"

#include <string.h>

#include "revocation/statuswrite.h"

/* statuswrite_put - one record of key[klen] and value[vlen] */
static void statuswrite_put(struct statuswrite *w, const char *key, size_t klen,
			            const char *value, size_t vlen)
{
    if (cdb_make_add(&w->cdbm, key, (unsigned) klen, value, (unsigned) vlen) < 0)
	w->error = 1;
}

/* statuswrite_status - one status record under key[klen] */
static void statuswrite_status(struct statuswrite *w, const char *key, size_t klen,
			               const struct statusrec *st)
{
    char    val[STATUSREC_VALUE_MAX];

    statuswrite_put(w, key, klen, val, statusrec_encode(st, val, sizeof(val)));
}

void    statuswrite_start(struct statuswrite *w, int fd)
{
    w->error = cdb_make_start(&w->cdbm, fd) < 0;
    statuswrite_put(w, STATUSREC_FORMAT_KEY, sizeof(STATUSREC_FORMAT_KEY) - 1,
		    STATUSREC_FORMAT, sizeof(STATUSREC_FORMAT) - 1);
}

void    statuswrite_value(struct statuswrite *w, const char *key, const char *value)
{
    statuswrite_put(w, key, strlen(key), value, strlen(value));
}

void    statuswrite_cert(struct statuswrite *w, const struct fprint *fp,
			         const struct statusrec *st)
{
    char    key[STATUSREC_KEY_MAX];

    statuswrite_status(w, key, statusrec_key(fp, key), st);
}

void    statuswrite_pin(void *ctx, const struct fprint *pin, const struct statusrec *st)
{
    char    key[STATUSREC_KEY_MAX];

    statuswrite_status(ctx, key, statusrec_pin_key(pin, key), st);
}

void    statuswrite_ca(struct statuswrite *w, const struct fprint *fp,
		               const struct statusrec *st)
{
    char    key[STATUSREC_KEY_MAX];

    statuswrite_status(w, key, statusrec_ca_key(fp, key), st);
}

int     statuswrite_finish(struct statuswrite *w)
{
    return (cdb_make_finish(&w->cdbm) < 0 || w->error ? -1 : 0);
}
