/*
 * settings - the NAME = VALUE settings of certpolicy.conf
 *
 * One table holds every setting's name, type, default and range, so the
 * defaults and limits live in one place (and the man page can be checked
 * against it). Values are validated and stored in a normal form: a
 * duration as a number of seconds, a list with ", " separators. The
 * policy server reads the normal forms back from the compiled database.
 */
#ifndef CERTPOLICY_SETTINGS_H
#define CERTPOLICY_SETTINGS_H

#include <stddef.h>

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
};

extern const struct setting_def settings_table[SETTING_COUNT];

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
