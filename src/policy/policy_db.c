/*
 * policy_db - the policy server's view of certpolicy.cdb
 *
 * Record values are decoded by dbrec_decode(), which trusts nothing.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "policy/policy_db.h"

#define DB_DEFAULT_ERROR_ACTION "DEFER 4.3.0 Client certificate service unavailable"
#define DB_DEFAULT_NOCERT_ACTION "DUNNO"

/* policy_db_forget - drop the settings of the file closed */
static void policy_db_forget(void *ctx)
{
    struct policy_db *db = ctx;
    int     i;

    for (i = 0; i < SETTING_COUNT; i++) {
	free(db->stored[i]);
	db->stored[i] = NULL;
    }
    settings_free(&db->set);
}

/*
 * policy_db_scan - the format and setting records at the start of the
 * file. compile writes them first, so reading them in file order touches
 * a page or two; looking each up by key would touch a page of the hash
 * tables per setting, which is what made start-up slower with a large
 * database. Scanning stops at the first other record; whatever it did
 * not find is then looked up by key (a database written otherwise).
 */
static void policy_db_scan(struct cdbfile *cf, char *format, size_t fmtlen, char **vals)
{
    unsigned pos;
    char    name[64];
    const char *key;
    unsigned klen, plen = sizeof(DBREC_SETTING_PREFIX) - 1;
    int     id, bad;

    cdb_seqinit(&pos, &cf->cdb);
    while (cdb_seqnext(&pos, &cf->cdb) > 0) {
	klen = cdb_keylen(&cf->cdb);
	if ((key = cdb_getkey(&cf->cdb)) == NULL)
	    return;
	if (klen == sizeof(DBREC_FORMAT_KEY) - 1 && memcmp(key, DBREC_FORMAT_KEY, klen) == 0) {
	    /* copied to the caller's buffer, not the heap: a fault here leaks nothing */
	    unsigned vlen = cdb_datalen(&cf->cdb);
	    const char *v = cdb_get(&cf->cdb, vlen, cdb_datapos(&cf->cdb));

	    if (*format == 0 && v != NULL && vlen < fmtlen && memchr(v, 0, vlen) == NULL) {
		memcpy(format, v, vlen);
		format[vlen] = 0;
	    }
	    continue;
	}
	if (klen <= plen || klen - plen >= sizeof(name) || memcmp(key, DBREC_SETTING_PREFIX, plen) != 0)
	    return;
	memcpy(name, key + plen, klen - plen);
	name[klen - plen] = 0;
	if ((id = settings_lookup(name)) >= 0 && vals[id] == NULL)
	    vals[id] = cdbfile_value(cf, &bad);
    }
}

/* policy_db_check - our format, and every setting valid */
static int policy_db_check(struct cdbfile *cf, void *ctx)
{
    struct policy_db *db = ctx;
    char    key[64], why[256], format[32] = "";
    char   *val = NULL;
    int     bad, i;

    policy_db_scan(cf, format, sizeof(format), db->stored);
    val = *format ? mem_strdup(format) : cdbfile_get(cf, DBREC_FORMAT_KEY, &bad);
    if (val == NULL || strcmp(val, DBREC_FORMAT) != 0) {
	snprintf(cf->why, sizeof(cf->why), val ? "database format %.20s, expected "
		 DBREC_FORMAT " (recompile it with this version)" :
		 "not a certpolicy database (no format record)", val);
	free(val);
	return (-1);
    }
    free(val);
    for (i = 0; i < SETTING_COUNT; i++) {
	if (db->stored[i] == NULL) {		/* not among the leading records */
	    snprintf(key, sizeof(key), DBREC_SETTING_PREFIX "%s", settings_table[i].name);
	    if ((db->stored[i] = cdbfile_get(cf, key, &bad)) == NULL) {
		snprintf(cf->why, sizeof(cf->why), "setting %s is missing", settings_table[i].name);
		return (-1);
	    }
	}
	if (settings_load(&db->set, (enum setting_id) i, db->stored[i], why, sizeof(why)) < 0) {
	    snprintf(cf->why, sizeof(cf->why), "setting %s is not valid", settings_table[i].name);
	    return (-1);
	}
    }
    db->source_sha[0] = 0;
    if ((val = cdbfile_get(cf, DBREC_SOURCE_KEY, &bad)) != NULL && strlen(val) < sizeof(db->source_sha))
	strcpy(db->source_sha, val);
    free(val);
    free(db->error_action);
    db->error_action = mem_strdup(db->set.error_action.text);
    free(db->nocert_action);
    db->nocert_action = mem_strdup(db->set.nocert_action.text);
    return (0);
}

/* policy_db_overlay_forget - drop what the overlay check kept */
static void policy_db_overlay_forget(void *ctx)
{
    struct policy_db *db = ctx;

    db->overlay_of[0] = 0;
}

/* policy_db_overlay_check - an overlay: our format and the database it amends */
static int policy_db_overlay_check(struct cdbfile *cf, void *ctx)
{
    struct policy_db *db = ctx;
    char   *format, *of;
    int     bad, ok;

    format = cdbfile_get(cf, DBREC_FORMAT_KEY, &bad);
    of = cdbfile_get(cf, DBREC_OVERLAY_OF_KEY, &bad);
    ok = format != NULL && strcmp(format, DBREC_FORMAT) == 0 && of != NULL
	&& strlen(of) == sizeof(db->overlay_of) - 1;
    if (ok)
	strcpy(db->overlay_of, of);
    else
	snprintf(cf->why, sizeof(cf->why), "not an overlay of recent edits of this format");
    free(format);
    free(of);
    return (ok ? 0 : -1);
}

void    policy_db_init(struct policy_db *db, const char *path)
{
    char   *overlay = mem_printf("%s%s", path, DBREC_OVERLAY_SUFFIX);

    memset(db, 0, sizeof(*db));
    db->watch.fd = -1;
    cdbfile_init(&db->file, path, policy_db_check, policy_db_forget, db);
    cdbfile_init(&db->overlay, overlay, policy_db_overlay_check, policy_db_overlay_forget, db);
    free(overlay);
    db->why = db->file.why;
    db->error_action = mem_strdup(DB_DEFAULT_ERROR_ACTION);
    db->nocert_action = mem_strdup(DB_DEFAULT_NOCERT_ACTION);
}

void    policy_db_free(struct policy_db *db)
{
    if (db->status_open)
	cdbfile_free(&db->status);
    cdbfile_free(&db->file);
    cdbfile_free(&db->overlay);
    free(db->error_action);
    free(db->nocert_action);
    filewatch_close(&db->watch);
}

void    policy_db_watch(struct policy_db *db)
{
    filewatch_open(&db->watch);
    cdbfile_watch(&db->file, &db->watch);
    cdbfile_watch(&db->overlay, &db->watch);
}

/*
 * policy_db_refresh - follow a replaced database and overlay. The overlay
 * is examined first (see policy_db.h): a server that finds it gone then
 * finds the database that replaced it.
 */
int     policy_db_refresh(struct policy_db *db, int *changed)
{
    int     ov_changed = 0, ov_usable, bad_overlay;

    ov_usable = cdbfile_refresh(&db->overlay, &ov_changed);
    (void) cdbfile_refresh(&db->file, changed);
    *changed |= ov_changed;
    bad_overlay = !ov_usable && !(db->overlay.missing && db->overlay.missing_errno == ENOENT);
    db->overlay_active = ov_usable && db->file.usable
	&& strcmp(db->overlay_of, db->source_sha) == 0;
    db->usable = db->file.usable && !bad_overlay;
    if (!db->file.usable) {
	db->why = db->file.why;
    } else if (bad_overlay) {
	snprintf(db->why_buf, sizeof(db->why_buf), "%s: %s", db->overlay.path, db->overlay.why);
	db->why = db->why_buf;
    }
    return (db->usable);
}

/* policy_db_fault - forget files that changed under a lookup */
void    policy_db_fault(struct policy_db *db)
{
    cdbfile_fault(&db->file);
    cdbfile_fault(&db->overlay);
    db->usable = 0;
    db->overlay_active = 0;
    db->why = db->file.why;
    if (db->status_open)
	cdbfile_fault(&db->status);
}

/* policy_db_find - a record of the overlay, when it is active and has it, else of the database */
static int policy_db_find(struct policy_db *db, const char *key, size_t klen,
			          const char **data, unsigned *len)
{
    int     found;

    if (db->overlay_active && (found = cdbfile_find(&db->overlay, key, klen, data, len)) != 0)
	return (found);
    return (cdbfile_find(&db->file, key, klen, data, len));
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

    if ((found = policy_db_find(db, key, klen, &data, &len)) == 0)
	return (0);
    if (found < 0) {
	snprintf(db->file.why, sizeof(db->file.why), "corrupt database: lookup failed");
	return (-1);
    }
    if (dbrec_decode(data, len, rec) < 0) {
	snprintf(db->file.why, sizeof(db->file.why), "corrupt database: bad record for %s", key);
	return (-1);
    }
    return (1);
}

/* policy_db_key_certs - the certificates of a public key */
int     policy_db_key_certs(struct policy_db *db, const struct fprint *key,
			            const char **data, size_t *len)
{
    char    kbuf[DBREC_KEY_MAX];
    size_t  klen = dbrec_key(DBREC_KIND_KEY, key, kbuf);
    unsigned vlen;
    int     found;

    if ((found = policy_db_find(db, kbuf, klen, data, &vlen)) < 0)
	snprintf(db->file.why, sizeof(db->file.why), "corrupt database: lookup failed");
    *len = found > 0 ? vlen : 0;
    return (found);
}

/* policy_db_status_file - the status database, followed; NULL with *why if unusable */
static struct cdbfile *policy_db_status_file(struct policy_db *db, const char **why)
{
    const char *path = db->set.value[SET_STATUS_DATABASE];
    int     changed;

    if (db->status_open && strcmp(db->status.path, path) != 0) {
	cdbfile_free(&db->status);
	db->status_open = 0;
    }
    if (!db->status_open) {
	cdbfile_init(&db->status, path, statusrec_file_check, NULL, NULL);
	if (db->watch.fd >= 0)
	    cdbfile_watch(&db->status, &db->watch);
	db->status_open = 1;
    }
    if (!cdbfile_refresh(&db->status, &changed)) {
	snprintf(db->status_why, sizeof(db->status_why), "status database %s: %s",
		 path, db->status.why);
	*why = db->status_why;
	return (NULL);
    }
    return (&db->status);
}

/* policy_db_status - the revocation status of a certificate */
int     policy_db_status(struct policy_db *db, const struct fprint *fp,
			         struct statusrec *rec, const char **why)
{
    struct cdbfile *cf = policy_db_status_file(db, why);
    int     found;

    if (cf == NULL)
	return (-1);
    if ((found = statusrec_lookup(cf, fp, rec)) == 0)
	*why = "no revocation status";
    else if (found < 0)
	*why = "corrupt status database";
    return (found);
}

/* policy_db_pin_status - the revocation status of a pinned key */
int     policy_db_pin_status(struct policy_db *db, const struct fprint *fp,
			             struct statusrec *rec, const char **why)
{
    struct cdbfile *cf = policy_db_status_file(db, why);
    int     found;

    if (cf == NULL)
	return (-1);
    if ((found = statusrec_pin_lookup(cf, fp, rec)) == 0)
	*why = "no revocation status for the pinned key (no enrolled certificate carries it)";
    else if (found < 0)
	*why = "corrupt status database";
    return (found);
}

/* policy_db_settings - the settings of the open database */
const struct settings *policy_db_settings(const struct policy_db *db)
{
    return (db->usable ? &db->set : NULL);
}
