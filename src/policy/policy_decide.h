/*
 * policy_decide - one request, one outcome, one action
 *
 * The order of the DESIGN table: neither ccert_fingerprint nor
 * ccert_pubkey_fingerprint -> nocert (with the
 * last good database's nocert_action, DUNNO before any: a broken database
 * changes nothing for clients without a certificate); database unusable
 * or corrupt -> error; neither fingerprint enrolled (the public
 * key counts only for pinned clients) -> unknown; revoked in the source
 * -> revoked; outside the certificate's validity -> expired; revocation
 * checking on and no fresh status -> unavailable (defer, or permit with a
 * warning when revocation_failure = permit); else permit. A malformed
 * fingerprint is unknown. An unknown fingerprint of another digest's
 * length than fingerprint_digest (md5 from a Postfix whose
 * compatibility_level is below 3.6) can never match: the note says so and
 * names smtpd_tls_fingerprint_digest; the outcome stays unknown. No
 * network, no certificate parsing; nothing more than one comparison for
 * a request whose digest is right.
 *
 * A raw public key (RFC 7250: Postfix 3.9+ sends an empty
 * ccert_fingerprint and the key's ccert_pubkey_fingerprint) is decided by
 * the enrolled certificates that carry the key, each as if presented
 * (revoked when any is revoked), then by a pin of that key.
 */
#ifndef CERTPOLICY_POLICY_DECIDE_H
#define CERTPOLICY_POLICY_DECIDE_H

#include <stddef.h>
#include <time.h>

#include "policy/policy_db.h"
#include "policy/policy_proto.h"

#define POLICY_NOTE_MAX 128		/* a note made for one request */

enum policy_outcome {
    OUTCOME_NOCERT,
    OUTCOME_UNKNOWN,
    OUTCOME_REVOKED,
    OUTCOME_EXPIRED,
    OUTCOME_UNAVAILABLE,
    OUTCOME_PERMIT,
    OUTCOME_ERROR,
};

struct policy_decision {
    enum policy_outcome outcome;
    const char *action;			/* the action to answer */
    const char *name;			/* the client's name, or NULL */
    size_t  name_len;
    const char *note;			/* more for the log, or NULL */
    size_t  note_len;
    int     warn;			/* log as a warning */
    int     rpk;			/* decided for a raw public key */
    char    note_buf[POLICY_NOTE_MAX];	/* a note made for this request; keep last */
};

/* policy_decide - decide; the strings point into db or static text */
void    policy_decide(struct policy_db *db, const struct policy_req *req, time_t now,
		              struct policy_decision *d);

/* policy_outcome_name - "permit" and so on */
const char *policy_outcome_name(enum policy_outcome outcome);

/* policy_fingerprint_strict - Postfix's form only: hex pairs joined by ':' */
int     policy_fingerprint_strict(const char *text, struct fprint *fp);

#endif
