/*
 * fuzz_db - certpolicy.cdb as the policy server reads it, from any bytes
 *
 * The input is the database file. It is opened and checked as certpolicyd
 * does; when accepted, every record is decoded, a few fingerprints are
 * looked up, and requests are decided, with a certificate and as a raw
 * public key (revocation checking off: its status database would be
 * another file).
 */
#include "config.h"

#include <string.h>

#include "policy/dbrec.h"
#include "fuzz.h"
#include "policy/policy_decide.h"

/* decode - one fingerprint record */
static void decode(const char *val, unsigned len)
{
    struct dbrec rec;

    (void) dbrec_decode(val, len, &rec);
}

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char fills[] = {0x11, 0x22, 0x33, 0x44, 0x00, 0xff};
    struct policy_db db;
    struct policy_decision d;
    struct policy_req req;
    struct dbrec rec;
    struct fprint fp;
    char    text[FPRINT_TEXT_MAX + 1];
    int     changed;
    size_t  i;

    fuzz_quiet();
    policy_db_init(&db, fuzz_file(data, size));
    if (policy_db_refresh(&db, &changed)) {
	fuzz_each_record(&db.file, "cp", decode);
	memset(&req, 0, sizeof(req));
	for (i = 0; i < sizeof(fills); i++) {
	    fuzz_fprint(fills[i], &fp);
	    (void) policy_db_lookup(&db, 'c', &fp, &rec);
	    (void) policy_db_lookup(&db, 'p', &fp, &rec);
	    if (!db.set.revocation_on) {
		req.attr[PA_CCERT_FINGERPRINT] = fprint_format(&fp, text);
		policy_decide(&db, &req, 1795000000, &d);
		if (d.action == NULL || strchr(d.action, '\n') != NULL)
		    fuzz_fail("action missing or with a newline");
		req.attr[PA_CCERT_PUBKEY_FINGERPRINT] = req.attr[PA_CCERT_FINGERPRINT];
		req.attr[PA_CCERT_FINGERPRINT] = "";
		policy_decide(&db, &req, 1795000000, &d);
		if (d.action == NULL || strchr(d.action, '\n') != NULL)
		    fuzz_fail("raw public key: action missing or with a newline");
		req.attr[PA_CCERT_PUBKEY_FINGERPRINT] = NULL;
	    }
	}
    }
    policy_db_free(&db);
    return (0);
}
