/*
 * policy_decide - one request, one outcome, one action
 */
#include "config.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/policy_decide.h"

static const char *const outcome_names[] = {
    [OUTCOME_NOCERT] = "nocert",
    [OUTCOME_UNKNOWN] = "unknown",
    [OUTCOME_REVOKED] = "revoked",
    [OUTCOME_EXPIRED] = "expired",
    [OUTCOME_UNAVAILABLE] = "unavailable",
    [OUTCOME_PERMIT] = "permit",
    [OUTCOME_ERROR] = "error",
};

static const enum setting_id outcome_actions[] = {
    [OUTCOME_NOCERT] = SET_NOCERT_ACTION,
    [OUTCOME_UNKNOWN] = SET_UNKNOWN_ACTION,
    [OUTCOME_REVOKED] = SET_REVOKED_ACTION,
    [OUTCOME_EXPIRED] = SET_EXPIRED_ACTION,
    [OUTCOME_UNAVAILABLE] = SET_UNAVAILABLE_ACTION,
    [OUTCOME_PERMIT] = SET_PERMIT_ACTION,
    [OUTCOME_ERROR] = SET_ERROR_ACTION,
};

/* policy_outcome_name - "permit" and so on */
const char *policy_outcome_name(enum policy_outcome outcome)
{
    return (outcome_names[outcome]);
}

/* policy_fingerprint_strict - Postfix's form only */
int     policy_fingerprint_strict(const char *text, struct fprint *fp)
{
    const char *why;
    size_t  len = strlen(text);

    /* Postfix always writes pairs joined by ':'; fprint_parse checks the rest. */
    if (len < 2 || len % 3 != 2 || strchr(text, ':') == NULL)
	return (-1);
    return (fprint_parse(text, fp, &why));
}

/* policy_set - outcome and its action from the database */
static void policy_set(struct policy_db *db, struct policy_decision *d,
		               enum policy_outcome outcome, const char *note)
{
    d->outcome = outcome;
    if (outcome == OUTCOME_ERROR)
	d->action = db->error_action;
    else if (outcome == OUTCOME_NOCERT)
	d->action = db->nocert_action;
    else
	d->action = settings_action(&db->set, outcome_actions[outcome])->text;
    if (note != NULL) {
	d->note = note;
	d->note_len = strlen(note);
    }
}

/*
 * policy_revocation - the outcome from a revocation status (of the
 * certificate, or of a pinned key when pin): revoked stays revoked, fresh
 * or not; good is good until its nextUpdate plus clock_skew; anything else
 * is unavailable.
 */
static void policy_revocation(struct policy_db *db, const struct fprint *fp, int pin,
			              time_t now, struct policy_decision *d)
{
    static char note[1024];		/* status_why (512) and more */
    struct statusrec st;
    const char *why = "no revocation status";
    int     found = pin ? policy_db_pin_status(db, fp, &st, &why)
    : policy_db_status(db, fp, &st, &why);

    if (found < 0) {
	/*
	 * No usable status database (missing, being copied, another format)
	 * or a corrupt record: an error, never revocation_failure's permit,
	 * which is for a status that could not be fetched or went stale.
	 */
	policy_set(db, d, OUTCOME_ERROR, why);
	return;
    }
    if (found > 0 && st.state == STATUS_REVOKED) {
	if (st.source == SOURCE_FILE)
	    snprintf(note, sizeof(note), "pinned key revoked (a certificate with that key is "
		     "revoked in the source file)");
	else if (st.depth > 0)
	    snprintf(note, sizeof(note), "%sits issuing CA at depth %d revoked (%s%s%s)",
		     pin ? "pinned key: " : "", st.depth, statusrec_source_name(st.source),
		     *st.reason ? ": " : "", st.reason);
	else
	    snprintf(note, sizeof(note), "%srevoked by the CA (%s%s%s)",
		     pin ? "pinned key " : "", statusrec_source_name(st.source),
		     *st.reason ? ": " : "", st.reason);
	policy_set(db, d, OUTCOME_REVOKED, note);
	return;
    }
    if (found > 0 && st.state == STATUS_GOOD && now <= st.next_update + db->set.clock_skew) {
	policy_set(db, d, OUTCOME_PERMIT, NULL);
	return;
    }
    if (found > 0)
	why = st.state == STATUS_UNKNOWN ? "the CA does not know the certificate" :
	    "revocation status is stale";
    if (db->set.failure_permits) {
	snprintf(note, sizeof(note), "%s; permitted by revocation_failure = permit", why);
	policy_set(db, d, OUTCOME_PERMIT, note);
	d->warn = 1;
    } else {
	policy_set(db, d, OUTCOME_UNAVAILABLE, why);
    }
}

/*
 * policy_other_digest - the note for a fingerprint of another digest: it
 * can never match (Postfix's smtpd_tls_fingerprint_digest chooses what
 * it sends)
 */
static void policy_other_digest(struct policy_db *db, const struct fprint *fp,
				        struct policy_decision *d)
{
    int     n;

    n = snprintf(d->note_buf, sizeof(d->note_buf), "digest=%s, expected %s: set Postfix's "
		 "smtpd_tls_fingerprint_digest = %s", fprint_digest_name(fp->digest),
		 fprint_digest_name(db->set.digest), fprint_digest_name(db->set.digest));
    d->note = d->note_buf;
    d->note_len = n > 0 && (size_t) n < sizeof(d->note_buf) ? (size_t) n : strlen(d->note_buf);
}

/*
 * policy_enrolled - the outcome for an enrolled fingerprint's record: revoked
 * in the source, outside its validity, its revocation status (when checking
 * is on: the certificate's, or with pin the pinned key's, as refresh
 * recorded it), else permit
 */
static void policy_enrolled(struct policy_db *db, const struct dbrec *rec,
			            const struct fprint *statusfp, int pin, time_t now,
			            struct policy_decision *d)
{
    d->name = rec->name;
    d->name_len = rec->name_len;
    if (rec->revoked) {
	policy_set(db, d, OUTCOME_REVOKED, NULL);
	d->note = rec->reason;
	d->note_len = rec->reason_len;
    } else if (rec->has_validity && (now < rec->not_before || now > rec->not_after)) {
	policy_set(db, d, OUTCOME_EXPIRED, now < rec->not_before ? "not valid yet" : NULL);
    } else if (db->set.revocation_on && statusfp != NULL) {
	policy_revocation(db, statusfp, pin, now, d);
    } else {
	policy_set(db, d, OUTCOME_PERMIT, NULL);
    }
}

/*
 * policy_key_cert - the decision for the i-th certificate of a key's
 * "k:" record, as if the client had presented it: 1 decided, 0 no
 * such certificate, -1 corrupt database
 */
static int policy_key_cert(struct policy_db *db, const char *data, size_t len, size_t i,
			           time_t now, struct policy_decision *d)
{
    char    text[FPRINT_TEXT_MAX];
    struct fprint certfp;
    struct dbrec rec;
    size_t  start = 0, end, n = 0;
    int     found;

    for (;;) {
	for (end = start; end < len && data[end] != ' '; end++)
	     /* void */ ;
	if (n == i)
	    break;
	if (end >= len)
	    return (0);
	start = end + 1;
	n++;
    }
    if (end - start >= sizeof(text))
	return (-1);
    memcpy(text, data + start, end - start);
    text[end - start] = 0;
    if (policy_fingerprint_strict(text, &certfp) < 0)
	return (-1);
    /* every certificate of a k: record is in the database: one missing is corruption */
    if ((found = policy_db_lookup(db, DBREC_KIND_CERT, &certfp, &rec)) <= 0)
	return (-1);
    memset(d, 0, sizeof(*d));

    /*
     * A certificate its CA revoked revokes the key even when it has
     * expired since (a renewal with the same key must not bring the key
     * back): the status is looked at before the validity.
     */
    if (db->set.revocation_on && !rec.revoked) {
	policy_revocation(db, &certfp, 0, now, d);
	if (d->outcome == OUTCOME_REVOKED || d->outcome == OUTCOME_ERROR) {
	    d->name = rec.name;
	    d->name_len = rec.name_len;
	    return (1);
	}
	memset(d, 0, sizeof(*d));
    }
    policy_enrolled(db, &rec, &certfp, 0, now, d);
    return (1);
}

/*
 * policy_decide_rpk - a raw public key (RFC 7250; Postfix 3.9 and later
 * with smtpd_tls_enable_rpk = yes send an empty ccert_fingerprint and the
 * key's digest in ccert_pubkey_fingerprint). The key is decided by the
 * enrolled certificates that carry it, as each would be when presented:
 * revoked when any of them is, else permit when one permits. A client
 * that pinned the key with pubkey_fingerprint= is decided by its pin
 * otherwise, unless the client is revoked: a pin trusts the key across
 * renewals, and a revoked certificate of that key revokes the pin too
 * (with revocation checking on, by the key's status from refresh).
 * Neither: unknown.
 */
static void policy_decide_rpk(struct policy_db *db, const char *pubtext, time_t now,
			              struct policy_decision *d)
{
    struct policy_decision one;
    struct fprint keyfp;
    struct dbrec rec;
    const char *data = NULL;
    size_t  len = 0, i, chosen = 0;
    int     found, got, rank, best = 0;

    d->rpk = 1;
    if (policy_fingerprint_strict(pubtext, &keyfp) < 0) {
	policy_set(db, d, OUTCOME_UNKNOWN, "malformed ccert_pubkey_fingerprint");
	return;
    }
    if ((found = policy_db_key_certs(db, &keyfp, &data, &len)) < 0) {
	policy_set(db, d, OUTCOME_ERROR, db->file.why);
	return;
    }
    /* Any revoked certificate decides; else the best: permit, permit with a warning, other. */
    for (i = 0; found > 0 && (got = policy_key_cert(db, data, len, i, now, &one)) != 0; i++) {
	if (got < 0) {
	    policy_set(db, d, OUTCOME_ERROR, "corrupt database: bad key record");
	    return;
	}
	if (one.outcome == OUTCOME_REVOKED || one.outcome == OUTCOME_ERROR) {
	    *d = one;
	    d->rpk = 1;
	    return;
	}
	rank = one.outcome != OUTCOME_PERMIT ? 1 : one.warn ? 2 : 3;
	if (rank > best) {
	    best = rank;
	    chosen = i;
	}
    }
    if (best < 3 && (found = policy_db_lookup(db, DBREC_KIND_PIN, &keyfp, &rec)) != 0) {
	if (found < 0) {
	    policy_set(db, d, OUTCOME_ERROR, db->file.why);
	    return;
	}
	policy_enrolled(db, &rec, &keyfp, 1, now, d);
    } else if (best > 0) {
	/* decided again: the notes of a decision live in static buffers */
	(void) policy_key_cert(db, data, len, chosen, now, d);
    } else {
	policy_set(db, d, OUTCOME_UNKNOWN, NULL);
	if (keyfp.digest != db->set.digest)
	    policy_other_digest(db, &keyfp, d);
    }
    d->rpk = 1;
}

/* policy_decide - decide */
void    policy_decide(struct policy_db *db, const struct policy_req *req, time_t now,
		              struct policy_decision *d)
{
    const char *fptext = req->attr[PA_CCERT_FINGERPRINT];
    const char *pubtext = req->attr[PA_CCERT_PUBKEY_FINGERPRINT];
    struct fprint fp, certfp;
    struct dbrec rec;
    int     found = 0, pin = 0;

    memset(d, 0, offsetof(struct policy_decision, note_buf));	/* the buffer on demand */
    if ((fptext == NULL || *fptext == 0) && (pubtext == NULL || *pubtext == 0)) {
	policy_set(db, d, OUTCOME_NOCERT, NULL);
	return;
    }
    if (!db->usable) {
	policy_set(db, d, OUTCOME_ERROR, db->why);
	return;
    }
    if (fptext == NULL || *fptext == 0) {
	policy_decide_rpk(db, pubtext, now, d);
	return;
    }
    if (policy_fingerprint_strict(fptext, &certfp) < 0) {
	policy_set(db, d, OUTCOME_UNKNOWN, "malformed ccert_fingerprint");
	return;
    }
    found = policy_db_lookup(db, DBREC_KIND_CERT, &certfp, &rec);
    if (found == 0 && pubtext != NULL && *pubtext) {
	if (policy_fingerprint_strict(pubtext, &fp) < 0) {
	    policy_set(db, d, OUTCOME_UNKNOWN, "malformed ccert_pubkey_fingerprint");
	    return;
	}
	found = policy_db_lookup(db, DBREC_KIND_PIN, &fp, &rec);
	pin = 1;
    }
    if (found < 0) {
	policy_set(db, d, OUTCOME_ERROR, db->file.why);
	return;
    }
    if (found == 0) {
	policy_set(db, d, OUTCOME_UNKNOWN, NULL);
	if (certfp.digest != db->set.digest)
	    policy_other_digest(db, &certfp, d);
	return;
    }
    policy_enrolled(db, &rec, pin ? &fp : &certfp, pin, now, d);
}
