/*
 * conf - certpolicy.conf, parsed
 *
 * conf_read() reads the whole file and checks everything that needs no
 * other file: syntax, settings, client attributes, fingerprint lengths,
 * duplicate names and tls lines. Certificates are loaded later, by
 * clientset_build(). Every problem is kept as "FILE:LINE: message" and
 * counted; conf_flush() prints them on stderr in line order. Reading goes
 * on to the end so that all problems are reported at once.
 */
#ifndef CERTPOLICY_CONF_H
#define CERTPOLICY_CONF_H

#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include "policy/fprint.h"
#include "policy/bounds.h"
#include "util/log.h"
#include "policy/settings.h"

struct conf_client {
    char   *name;
    int     line;
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

struct conf_diag {
    int     line;
    int     warning;
    size_t  seq;
    char   *text;
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
    int     errors;
    int     warnings;
    struct conf_diag *diags;		/* kept until conf_flush() */
    size_t  ndiags;
    size_t  diags_cap;
    const struct bounds *bounds;
    char    text_sha256[65];		/* of the text parsed, in hex */
};

/* conf_read - read and check path; NULL only if the file cannot be read */
struct conf *conf_read(const char *path, const struct bounds *bounds);

/*
 * conf_unchanged - the source file is still the one read: 1, or 0 with
 * the reason logged. Always 1 for text given to conf_parse().
 */
int     conf_unchanged(const struct conf *conf);

/* conf_parse - check the text of a source file named path (for messages) */
struct conf *conf_parse(const char *path, const char *data, size_t len,
			        const struct bounds *bounds);

/* conf_free - release a conf */
void    conf_free(struct conf *conf);

/* conf_flush - print the kept messages (errors only, unless with_warnings) by line */
void    conf_flush(struct conf *conf, int with_warnings);

/* conf_error - "FILE:LINE: message", counted as an error */
void    conf_error(struct conf *conf, int line, const char *fmt,...) LOG_PRINTF(3, 4);

/* conf_warn - "FILE:LINE: warning: message", counted as a warning */
void    conf_warn(struct conf *conf, int line, const char *fmt,...) LOG_PRINTF(3, 4);

/* conf_name_ok - a client name: letters, digits and . _ @ + -; 1 or 0 */
int     conf_name_ok(const char *name);

/* conf_digest - the fingerprint_digest setting */
enum fprint_digest conf_digest(const struct conf *conf);

#endif
