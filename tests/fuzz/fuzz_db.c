/*
 * fuzz_db - certpolicy.cdb as the policy server reads it, from any bytes
 *
 * The input is the database file. It is opened and checked as certpolicyd
 * does; when accepted, every record is decoded, a few fingerprints are
 * looked up, and a request is decided (revocation checking off: its
 * status database would be another file).
 */
#include "config.h"

#include <string.h>

#include "dbrec.h"
#include "fuzz.h"
#include "policy_decide.h"

/* decode_all - every fingerprint record in file order */
static void decode_all(struct cdbfile *cf)
{
    unsigned pos;
    const char *key, *val;
    struct dbrec rec;

    cdb_seqinit(&pos, &cf->cdb);
    while (cdb_seqnext(&pos, &cf->cdb) > 0) {
	key = cdb_getkey(&cf->cdb);
	val = cdb_getdata(&cf->cdb);
	if (key == NULL || val == NULL)
	    return;
	if (cdb_keylen(&cf->cdb) > 2 && (key[0] == 'c' || key[0] == 'p') && key[1] == ':')
	    (void) dbrec_decode(val, cdb_datalen(&cf->cdb), &rec);
    }
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
	decode_all(&db.file);
	memset(&req, 0, sizeof(req));
	for (i = 0; i < sizeof(fills); i++) {
	    fuzz_fprint(fills[i], &fp);
	    (void) policy_db_lookup(&db, 'c', &fp, &rec);
	    (void) policy_db_lookup(&db, 'p', &fp, &rec);
	    if (!db.revocation_on) {
		req.attr[PA_CCERT_FINGERPRINT] = fprint_format(&fp, text);
		policy_decide(&db, &req, 1795000000, &d);
		if (d.action == NULL || strchr(d.action, '\n') != NULL)
		    fuzz_fail("action missing or with a newline");
	    }
	}
    }
    policy_db_free(&db);
    return (0);
}
