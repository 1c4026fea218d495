/*
 * conf - certpolicy.conf, parsed
 *
 * conf_read() reads the whole file and checks everything that needs no
 * other file: syntax, settings, client attributes, fingerprint lengths,
 * duplicate names and tls lines. Certificates are loaded later, by
 * clientset_build(). Reading goes on to the end so that all problems are
 * reported at once.
 *
 * DIAGNOSTICS
 *	Every problem of the text goes to the collector conf->diag as a
 *	FILE:LINE: error or warning (diag.h); clientset and tls_policy add
 *	theirs to the same collector. Nothing here prints them: the command
 *	layer does (diag_print), and conf_free() drops what is left.
 *	conf_read() and conf_unchanged() return NULL or 0 with the reason
 *	in the caller's why buffer when the file cannot be read or changed
 *	while it was used.
 */
#ifndef CERTPOLICY_CONF_H
#define CERTPOLICY_CONF_H

#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include "policy/fprint.h"
#include "policy/bounds.h"
#include "util/diag.h"
#include "util/log.h"
#include "policy/settings.h"

struct conf_client {
    char   *name;
    int     line;
    size_t  start;			/* offset of the first byte of its line */
    size_t  end;			/* offset just past the text of its line */
    char  **certs;			/* resolved paths */
    int    *cert_lines;		/* where each cert= was given */
    size_t  ncerts;
    struct fprint *fps;			/* fingerprint= */
    size_t  nfps;
    struct fprint pin;			/* pubkey_fingerprint= */
    int     has_pin;
    int     revoked;
    time_t  revoked_at;
    char   *reason;			/* may be NULL */
};

struct conf_tls {
    char   *nexthop;
    char   *policy;			/* level and attributes, single-spaced */
    int     line;
};

struct conf {
    char   *path;
    struct stat source;			/* of the file read, when read_file */
    int     read_file;			/* conf_read(), not conf_parse() alone */
    struct settings set;		/* checked and typed (settings.h) */
    int     set_line[SETTING_COUNT];	/* 0 = default */
    struct conf_client *clients;
    size_t  nclients;
    size_t  clients_cap;
    struct conf_tls *tls;
    size_t  ntls;
    size_t  tls_cap;
    struct diag diag;			/* FILE:LINE: errors and warnings */
    const struct bounds *bounds;
    char    text_sha256[65];		/* of the text parsed, in hex */
};

/*
 * conf_read - read and check path; NULL only if the file cannot be read,
 * with the reason in why (why_len bytes; the caller names the file)
 */
struct conf *conf_read(const char *path, const struct bounds *bounds,
		               char *why, size_t why_len);

/*
 * conf_unchanged - the source file is still the one read: 1, or 0 with
 * the reason in why. Always 1 for text given to conf_parse().
 */
int     conf_unchanged(const struct conf *conf, char *why, size_t why_len);

/* conf_parse - check the text of a source file named path (for messages) */
struct conf *conf_parse(const char *path, const char *data, size_t len,
			        const struct bounds *bounds);

/* conf_free - release a conf; prints nothing (the messages not printed are dropped) */
void    conf_free(struct conf *conf);

/* conf_name_ok - a client name: letters, digits and . _ @ + -; 1 or 0 */
int     conf_name_ok(const char *name);

/* conf_digest - the fingerprint_digest setting */
enum fprint_digest conf_digest(const struct conf *conf);

#endif
