/*
 * settings - the NAME = VALUE settings of certpolicy.conf
 *
 * One table holds every setting's name, type, default and range, so the
 * defaults and limits live in one place (and the man page can be checked
 * against it). Values are validated and stored in a normal form: a
 * duration as a number of seconds, a list with ", " separators. The
 * policy server reads the normal forms back from the compiled database.
 *
 * struct settings binds each setting to a typed variable, as Postfix's
 * tables do: settings_set() checks a value once and fills both its
 * normal form (what the database stores) and the typed field, so that
 * the rest of the code asks revocation_on or clock_skew and never looks
 * at the text of a value other than a path, a map or a URL.
 *
 * DIAGNOSTICS
 *	Nothing is printed: a bad value is refused with -1 and the reason
 *	in the caller's why buffer. A default that does not pass its own
 *	check is a bug (log_panic).
 */
#ifndef CERTPOLICY_SETTINGS_H
#define CERTPOLICY_SETTINGS_H

#include <stddef.h>

#include "policy/fprint.h"

#define FETCH_REDIRECTS_DEFAULT 3	/* the fetch_redirects setting's default */
#define FETCH_REDIRECTS_MAX 10		/* and its maximum */

enum setting_id {
    SET_FINGERPRINT_DIGEST,
    SET_DATABASE,
    SET_STATUS_DATABASE,
    SET_RELAY_CLIENTCERTS,
    SET_TLS_POLICY_MAP,
    SET_POSTMAP_COMMAND,
    SET_CLIENT_CA_FILE,
    SET_REVOCATION_CHECK,
    SET_REVOCATION_FAILURE,
    SET_CRL_SOURCE,
    SET_OCSP_RESPONDER,
    SET_OCSP_NONCE,
    SET_FETCH_TIMEOUT,
    SET_FETCH_REDIRECTS,
    SET_FETCH_CONCURRENCY,
    SET_CRL_MAX_SIZE,
    SET_OCSP_MAX_SIZE,
    SET_CLOCK_SKEW,
    SET_EXPIRY_WARNING,
    SET_IDLE_TIMEOUT,
    SET_NOCERT_ACTION,
    SET_UNKNOWN_ACTION,
    SET_REVOKED_ACTION,
    SET_EXPIRED_ACTION,
    SET_UNAVAILABLE_ACTION,
    SET_PERMIT_ACTION,
    SET_ERROR_ACTION,
    SETTING_COUNT,
};

enum setting_type {
    SETTING_WORD,			/* one of the words in choices */
    SETTING_WORDLIST,			/* a list of distinct words from choices */
    SETTING_PATH,			/* absolute path, or empty if allowed */
    SETTING_MAP,			/* TYPE:PATH, or empty */
    SETTING_COMMAND,			/* non-empty command line */
    SETTING_SOURCES,			/* list of absolute paths and http URLs */
    SETTING_URL,			/* an http URL, or empty */
    SETTING_DURATION,			/* number with s/m/h/d, in range */
    SETTING_SIZE,			/* number, in range */
    SETTING_ACTION,			/* an access(5) action */
};

struct setting_def {
    const char *name;
    enum setting_type type;
    const char *defval;
    const char *choices;		/* WORD, WORDLIST: "a|b|c" */
    long long min;			/* DURATION, SIZE */
    long long max;
    int     may_be_empty;
    int     never_permits;		/* ACTION: an outcome OK must not answer */
};

extern const struct setting_def settings_table[SETTING_COUNT];

/* The methods of revocation_check, in the order given. */
enum revocation_method {
    REVOCATION_OCSP,
    REVOCATION_CRL,
};

#define REVOCATION_METHODS 2		/* ocsp, crl */

/* An access(5) action setting, checked (action_check). */
struct setting_action {
    const char *text;			/* the action as answered; in value[] */
    int     permits;			/* it is OK (permit) */
};

/* A TYPE:PATH map setting; all NULL when the setting is empty. */
struct setting_map {
    char   *type;			/* "cdb", "texthash"...: own memory */
    const char *path;			/* absolute; in value[] */
    const char *index_suffix;		/* what postmap adds; NULL for texthash */
};

/*
 * Every setting, checked, with a typed view of each. Text pointers point
 * into value[] and live as long as the struct. Durations are seconds.
 */
struct settings {
    char   *value[SETTING_COUNT];	/* normal forms; NULL until set */
    enum fprint_digest digest;		/* fingerprint_digest */
    int     revocation_on;		/* revocation_check is not "none" */
    enum revocation_method methods[REVOCATION_METHODS];	/* revocation_check */
    size_t  nmethods;			/* 0 when off */
    int     use_ocsp;			/* "ocsp" is among the methods */
    int     use_crl;			/* "crl" is among the methods */
    int     failure_permits;		/* revocation_failure = permit */
    struct setting_map relay_clientcerts;
    struct setting_map tls_policy_map;
    char  **crl_sources;		/* crl_source split; NULL when empty */
    size_t  ncrl_sources;
    int     ocsp_nonce;			/* ocsp_nonce = yes */
    long long fetch_timeout;		/* seconds */
    long long fetch_redirects;
    long long fetch_concurrency;
    long long crl_max_size;		/* bytes */
    long long ocsp_max_size;		/* bytes */
    long long clock_skew;		/* seconds */
    long long expiry_warning;		/* seconds */
    long long idle_timeout;		/* seconds */
    struct setting_action nocert_action;
    struct setting_action unknown_action;
    struct setting_action revoked_action;
    struct setting_action expired_action;
    struct setting_action unavailable_action;
    struct setting_action permit_action;
    struct setting_action error_action;
};

/*
 * settings_init - every setting at its default. Release with
 * settings_free().
 */
void    settings_init(struct settings *set);

/*
 * settings_set - check value for setting id and make it the setting's
 * value: 0, or -1 with the reason in why (why_len bytes) and the
 * setting unchanged.
 */
int     settings_set(struct settings *set, enum setting_id id, const char *value,
		             char *why, size_t why_len);

/*
 * settings_load - the same for a value read back from a database: it
 * must already be in its normal form, and an action of a never_permits
 * setting must not permit (a value compile would not have written is
 * refused): 0 or -1 with why.
 */
int     settings_load(struct settings *set, enum setting_id id, const char *value,
		              char *why, size_t why_len);

/* settings_free - release the values; the struct is then all zero */
void    settings_free(struct settings *set);

/* settings_action - the action of an *_ACTION setting id; NULL for another id */
const struct setting_action *settings_action(const struct settings *set, enum setting_id id);

/*
 * settings_equal - 1 when setting ida of a and setting idb of b have the
 * same normal form (the same file, the same map, the same value), else 0
 */
int     settings_equal(const struct settings *a, enum setting_id ida,
		               const struct settings *b, enum setting_id idb);

/* settings_map - the map of a SETTING_MAP id; NULL for another id */
const struct setting_map *settings_map(const struct settings *set, enum setting_id id);

/* settings_lookup - name to id, or -1 */
int     settings_lookup(const char *name);

/*
 * settings_normalize - validate a value and return its normal form (new
 * memory), or NULL with *why set (static text, or in why_buf).
 */
char   *settings_normalize(const struct setting_def *def, const char *value,
			           char *why_buf, size_t why_len);

/* settings_parse_number - decimal with optional suffix s/m/h/d (duration) */
int     settings_parse_number(const char *text, int duration, long long *val);

/* settings_map_suffix - file suffix postmap adds for a map type, or NULL */
const char *settings_map_suffix(const char *type);

#endif
