/*
 * policy_db - the policy server's view of certpolicy.cdb
 *
 * policy_db_refresh() is called before each request: it stats the path
 * and, when the file there is not the one open (device, inode, size or
 * modification time differ), opens the new one and checks it: a CDB
 * (tinycdb checks the layout), our format number, and every setting
 * present and valid. A database that is missing, unreadable, truncated,
 * of another format or not ours makes the server unusable until a good
 * one appears; nothing is ever permitted meanwhile. The previous database
 * stays mapped until the switch, so a request in flight finishes on it.
 */
#ifndef CERTPOLICY_POLICY_DB_H
#define CERTPOLICY_POLICY_DB_H

#include <cdb.h>
#include <sys/stat.h>

#include "dbrec.h"
#include "fprint.h"
#include "settings.h"

struct policy_db {
    char   *path;
    int     fd;				/* -1 when nothing is open */
    struct cdb cdb;
    struct stat st;			/* of the file examined last */
    int     examined;			/* st is valid */
    int     missing;			/* the path did not exist */
    int     usable;
    char    why[256];			/* why it is not usable */
    char   *settings[SETTING_COUNT];	/* of the open file */
    char   *error_action;		/* the last good ones, kept across failures */
    char   *nocert_action;
};

void    policy_db_init(struct policy_db *db, const char *path);
void    policy_db_free(struct policy_db *db);

/*
 * policy_db_refresh - follow a replaced file; returns db->usable. Sets
 * *changed when the state (usable or not, or the file) changed.
 */
int     policy_db_refresh(struct policy_db *db, int *changed);

/* policy_db_lookup - 1 found (rec filled), 0 not there, -1 corrupt (why set) */
int     policy_db_lookup(struct policy_db *db, int kind, const struct fprint *fp,
			         struct dbrec *rec);

/* policy_db_setting - a setting of the open, usable database */
const char *policy_db_setting(const struct policy_db *db, enum setting_id id);

#endif
