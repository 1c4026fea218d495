/*
 * query - what certpolicyd would answer now for a certificate
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/cert.h"
#include "source/conf.h"
#include "util/log.h"
#include "policy/policy_decide.h"
#include "tool/query.h"
#include "util/timeutil.h"

/* query_revocation - the certificate's status, its source, its freshness */
static void query_revocation(struct policy_db *db, const struct fprint *fp)
{
    struct statusrec st;
    const char *why;
    char    text[256];

    if (policy_db_status(db, fp, &st, &why) > 0)
	printf("revocation: %s\n", statusrec_describe(&st, (long long) time_now(),
						      db->set.clock_skew, text, sizeof(text)));
    else
	printf("revocation: none (%s)\n", why);
}

/* query_run - ask the database as Postfix would */
int     query_run(const char *config, const struct bounds *bounds,
		          const char *certfile, const char *fingerprint)
{
    char    fptext[FPRINT_TEXT_MAX], pubtext[FPRINT_TEXT_MAX], why[1024];
    struct policy_req req;
    struct policy_decision d;
    struct policy_db db;
    struct conf *conf;
    struct cert *cert;
    struct fprint fp;
    const char *reason;
    const struct settings *dbset;
    int     changed, digest;

    if ((conf = conf_read(config, bounds, why, sizeof(why))) == NULL) {
	log_error("%s: %s", config, why);
	return (-1);
    }
    diag_print(&conf->diag, 0);
    if (conf->diag.errors) {
	log_error("%s: %d errors", config, conf->diag.errors);
	conf_free(conf);
	return (-1);
    }
    policy_db_init(&db, conf->set.value[SET_DATABASE]);
    policy_db_refresh(&db, &changed);
    digest = (dbset = policy_db_settings(&db)) != NULL ? dbset->digest : conf->set.digest;
    conf_free(conf);
    memset(&req, 0, sizeof(req));
    if (certfile != NULL) {
	if ((cert = cert_load(certfile, (size_t) bounds->value[BOUND_MAX_CERT_SIZE],
			      (int) bounds->value[BOUND_MAX_CHAIN_CERTS], NULL,
			      why, sizeof(why))) == NULL) {
	    log_error("%s: %s", certfile, why);
	    policy_db_free(&db);
	    return (-1);
	}
	req.attr[PA_CCERT_FINGERPRINT] = fprint_format(cert->cert_fp + digest, fptext);
	req.attr[PA_CCERT_PUBKEY_FINGERPRINT] = fprint_format(cert->pubkey_fp + digest, pubtext);
	cert_free(cert);
    } else if (fprint_parse(fingerprint, &fp, &reason) < 0) {
	log_error("%s: %s", fingerprint, reason);
	policy_db_free(&db);
	return (-1);
    } else {
	req.attr[PA_CCERT_FINGERPRINT] = fprint_format(&fp, fptext);
    }
    policy_decide(&db, &req, time_now(), &d);
    printf("fingerprint: %s\n", req.attr[PA_CCERT_FINGERPRINT]);
    printf("outcome: %s\n", policy_outcome_name(d.outcome));
    printf("action: %s\n", d.action);
    if (d.name != NULL)
	printf("client: %.*s\n", (int) d.name_len, d.name);
    if (d.note != NULL && d.note_len > 0)
	printf("reason: %.*s\n", (int) d.note_len, d.note);
    if ((dbset = policy_db_settings(&db)) != NULL && dbset->revocation_on
	&& fprint_parse(req.attr[PA_CCERT_FINGERPRINT], &fp, &reason) == 0)
	query_revocation(&db, &fp);
    policy_db_free(&db);
    return (0);
}
