/*
 * policy_db - the policy server's view of certpolicy.cdb
 *
 * tinycdb maps the file and checks every offset against its size, so a
 * truncated or garbled file gives errors, not wild reads. Record values
 * are decoded by dbrec_decode(), which trusts nothing either.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mem.h"
#include "policy_db.h"

#define DB_DEFAULT_ERROR_ACTION "DEFER 4.3.0 Client certificate service unavailable"
#define DB_DEFAULT_NOCERT_ACTION "DUNNO"

void    policy_db_init(struct policy_db *db, const char *path)
{
    memset(db, 0, sizeof(*db));
    db->path = mem_strdup(path);
    db->fd = -1;
    db->error_action = mem_strdup(DB_DEFAULT_ERROR_ACTION);
    db->nocert_action = mem_strdup(DB_DEFAULT_NOCERT_ACTION);
    snprintf(db->why, sizeof(db->why), "not opened yet");
}

/* policy_db_close - forget the open file */
static void policy_db_close(struct policy_db *db)
{
    int     i;

    if (db->fd >= 0) {
	cdb_free(&db->cdb);
	close(db->fd);
	db->fd = -1;
    }
    for (i = 0; i < SETTING_COUNT; i++) {
	free(db->settings[i]);
	db->settings[i] = NULL;
    }
    db->usable = 0;
}

void    policy_db_free(struct policy_db *db)
{
    policy_db_close(db);
    free(db->path);
    free(db->error_action);
    free(db->nocert_action);
}

/* policy_db_get - a record's value as a new string; NULL if absent or bad */
static char *policy_db_get(struct policy_db *db, const char *key, int *bad)
{
    unsigned len;
    char   *val;
    int     found;

    if ((found = cdb_find(&db->cdb, key, (unsigned) strlen(key))) <= 0) {
	*bad = found < 0;
	return (NULL);
    }
    len = cdb_datalen(&db->cdb);
    val = mem_alloc(len + 1);
    if (cdb_read(&db->cdb, val, len, cdb_datapos(&db->cdb)) < 0) {
	free(val);
	*bad = 1;
	return (NULL);
    }
    val[len] = 0;
    return (memchr(val, 0, len) ? (free(val), *bad = 1, NULL) : val);
}

/* policy_db_load - check the newly opened file and read its settings */
static int policy_db_load(struct policy_db *db)
{
    char    key[64];
    char    why[256];
    char   *val, *normal;
    int     bad = 0, i;

    if (cdb_init(&db->cdb, db->fd) < 0) {
	snprintf(db->why, sizeof(db->why), "not a CDB file: %s", strerror(errno));
	close(db->fd);
	db->fd = -1;
	return (-1);
    }
    if ((val = policy_db_get(db, DBREC_FORMAT_KEY, &bad)) == NULL || strcmp(val, DBREC_FORMAT) != 0) {
	snprintf(db->why, sizeof(db->why), val ? "database format %.20s, expected "
		 DBREC_FORMAT " (recompile it with this version)" :
		 "not a certpolicy database (no format record)", val);
	free(val);
	return (-1);
    }
    free(val);
    for (i = 0; i < SETTING_COUNT; i++) {
	snprintf(key, sizeof(key), DBREC_SETTING_PREFIX "%s", settings_table[i].name);
	if ((val = policy_db_get(db, key, &bad)) == NULL) {
	    snprintf(db->why, sizeof(db->why), "setting %s is missing", settings_table[i].name);
	    return (-1);
	}
	normal = settings_normalize(settings_table + i, val, why, sizeof(why));
	if (normal == NULL || strcmp(normal, val) != 0) {
	    snprintf(db->why, sizeof(db->why), "setting %s is not valid", settings_table[i].name);
	    free(normal);
	    free(val);
	    return (-1);
	}
	free(normal);
	db->settings[i] = val;
    }
    free(db->error_action);
    db->error_action = mem_strdup(db->settings[SET_ERROR_ACTION]);
    free(db->nocert_action);
    db->nocert_action = mem_strdup(db->settings[SET_NOCERT_ACTION]);
    return (0);
}

/* policy_db_same_file - the same file, unchanged (ctime: a chmod counts) */
static int policy_db_same_file(const struct stat *a, const struct stat *b)
{
    return (a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size
	    && a->st_mtim.tv_sec == b->st_mtim.tv_sec
	    && a->st_mtim.tv_nsec == b->st_mtim.tv_nsec
	    && a->st_ctim.tv_sec == b->st_ctim.tv_sec
	    && a->st_ctim.tv_nsec == b->st_ctim.tv_nsec);
}

/* policy_db_refresh - follow a replaced file */
int     policy_db_refresh(struct policy_db *db, int *changed)
{
    struct stat st;

    *changed = 0;
    if (stat(db->path, &st) < 0) {
	if (db->examined || db->fd >= 0 || !db->missing) {
	    policy_db_close(db);
	    snprintf(db->why, sizeof(db->why), "cannot open: %s", strerror(errno));
	    db->examined = 0;
	    db->missing = 1;
	    *changed = 1;
	}
	return (0);
    }
    if (db->examined && policy_db_same_file(&st, &db->st))
	return (db->usable);			/* good or bad, as before */
    policy_db_close(db);
    db->st = st;
    db->examined = 1;
    db->missing = 0;
    *changed = 1;
    if ((db->fd = open(db->path, O_RDONLY | O_CLOEXEC)) < 0) {
	snprintf(db->why, sizeof(db->why), "cannot open: %s", strerror(errno));
	return (0);
    }
    if (policy_db_load(db) < 0) {
	policy_db_close(db);
	return (0);
    }
    db->usable = 1;
    return (1);
}

/* policy_db_lookup - find one fingerprint */
int     policy_db_lookup(struct policy_db *db, int kind, const struct fprint *fp,
			         struct dbrec *rec)
{
    char    key[DBREC_KEY_MAX];
    size_t  klen = dbrec_key(kind, fp, key);
    const char *data;
    unsigned len;
    int     found;

    if ((found = cdb_find(&db->cdb, key, (unsigned) klen)) == 0)
	return (0);
    len = cdb_datalen(&db->cdb);
    if (found < 0 || (data = cdb_get(&db->cdb, len, cdb_datapos(&db->cdb))) == NULL) {
	snprintf(db->why, sizeof(db->why), "corrupt database: lookup failed");
	return (-1);
    }
    if (dbrec_decode(data, len, rec) < 0) {
	snprintf(db->why, sizeof(db->why), "corrupt database: bad record for %s", key);
	return (-1);
    }
    return (1);
}

/* policy_db_setting - a setting of the open database */
const char *policy_db_setting(const struct policy_db *db, enum setting_id id)
{
    return (db->settings[id]);
}
