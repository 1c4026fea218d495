/*
 * policy_db - the policy server's view of certpolicy.cdb
 *
 * policy_db_refresh() is called before each request and follows a
 * replaced file (see cdbfile). A new file must have our format number and
 * every setting, each valid. A database that is missing, unreadable,
 * truncated, of another format or not ours makes the server unusable
 * until a good one appears; nothing is ever permitted meanwhile. The last
 * good error_action and nocert_action are kept across such failures.
 * The status database, when revocation checking is on, is followed the
 * same way; without it every status is unavailable.
 *
 * A long-running server calls policy_db_watch() once, polls watch.fd and
 * calls filewatch_drain(&db->watch) when it is readable; both files are
 * then examined only after a change in their directories (or every
 * 250 ms), not before every request.
 *
 * Recent edits: when DATABASE.edits (dbrec.h) exists and amends this
 * very database (its overlay-of record is the database's source-sha256),
 * its fingerprint and key records are looked up first; an overlay of
 * another database (the edit is compiled in since, its removal is yet to
 * come) is ignored. An overlay that exists but cannot be read or is not
 * one makes the database unusable: it may hold a revocation. The overlay
 * is examined before the database, and enroll and revoke replace the
 * database before they remove the overlay, so a server never sees the
 * overlay gone and the database still without the edit.
 *
 * The settings of a usable file are checked and typed (struct settings,
 * settings_load()): the decision reads db->set.revocation_on and the
 * like, never a setting's text.
 *
 * DIAGNOSTICS
 *	Nothing is printed: why a file is unusable is in db->file.why (the
 *	status database's in the why of policy_db_status()), for the
 *	daemon's loop or the query command to report.
 */
#ifndef CERTPOLICY_POLICY_DB_H
#define CERTPOLICY_POLICY_DB_H

#include "policy/cdbfile.h"
#include "policy/dbrec.h"
#include "policy/statusrec.h"
#include "policy/fprint.h"
#include "policy/settings.h"

struct policy_db {
    struct cdbfile file;		/* file.usable, file.path, file.why */
    char   *stored[SETTING_COUNT];	/* the setting records as read */
    struct settings set;		/* and checked: valid while file.usable */
    char   *error_action;		/* the last good ones, kept across failures */
    char   *nocert_action;
    struct cdbfile status;		/* status_database, once needed */
    int     status_open;
    char    status_why[512];
    struct filewatch watch;		/* fd -1 unless policy_db_watch() */
    char    source_sha[65];		/* the database's source-sha256, or "" */
    struct cdbfile overlay;		/* DATABASE.edits */
    char    overlay_of[65];		/* its overlay-of record */
    int     overlay_active;		/* usable, and amends this database */
    int     usable;			/* the database, and no bad overlay */
    const char *why;			/* why not usable */
    char    why_buf[300];
};

void    policy_db_init(struct policy_db *db, const char *path);
void    policy_db_free(struct policy_db *db);

/* policy_db_watch - follow changes through a filewatch instead of stat */
void    policy_db_watch(struct policy_db *db);

/*
 * policy_db_refresh - follow a replaced database or overlay; returns
 * db->usable (else db->why says why); *changed if either changed
 */
int     policy_db_refresh(struct policy_db *db, int *changed);

/*
 * policy_db_fault - a read of a mapped file faulted (SIGBUS: a database
 * or status database truncated in place under a lookup): forget both
 * files, so that the next refresh examines them again; until a whole file
 * is there the database is unusable.
 */
void    policy_db_fault(struct policy_db *db);

/* policy_db_lookup - 1 found (rec filled), 0 not there, -1 corrupt (why set) */
int     policy_db_lookup(struct policy_db *db, int kind, const struct fprint *fp,
			         struct dbrec *rec);

/*
 * policy_db_key_certs - the value of the "k:" record of a public key: the
 * fingerprints of the enrolled certificates that carry it, separated by
 * spaces, in place (not NUL-terminated). 1 found, 0 not there, -1 corrupt.
 */
int     policy_db_key_certs(struct policy_db *db, const struct fprint *key,
			            const char **data, size_t *len);

/*
 * policy_db_status - the revocation status of a certificate from
 * status_database (followed like the database itself): 1 found, 0 not
 * there, -1 no usable status database (missing, unreadable, not a whole
 * CDB, another format) or a corrupt record; *why says which.
 */
int     policy_db_status(struct policy_db *db, const struct fprint *fp,
			         struct statusrec *rec, const char **why);

/*
 * policy_db_pin_status - the same for a pinned public key (its
 * fingerprint): revoked when any enrolled certificate with that key is
 * (pinstatus.h)
 */
int     policy_db_pin_status(struct policy_db *db, const struct fprint *fp,
			             struct statusrec *rec, const char **why);

/* policy_db_settings - the settings of the open database, or NULL unless usable */
const struct settings *policy_db_settings(const struct policy_db *db);

#endif
