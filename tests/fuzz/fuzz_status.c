/*
 * fuzz_status - status.cdb as the policy server reads it, from any bytes
 *
 * The input is the status database. When its format is accepted, every
 * status record (certificates' and pinned keys') is decoded and described,
 * a few fingerprints are looked up, and the cRLNumbers record is read as
 * refresh reads it.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "policy/cdbfile.h"
#include "revocation/crlnum.h"
#include "fuzz.h"
#include "policy/statusrec.h"

/* describe - one status record */
static void describe(const char *val, unsigned len)
{
    struct statusrec rec;
    char    buf[256];

    if (statusrec_decode(val, len, &rec) == 0)
	(void) statusrec_describe(&rec, 1795000000, 300, buf, sizeof(buf));
}

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const unsigned char fills[] = {0x11, 0x22, 0x00, 0xff};
    struct cdbfile cf;
    struct statusrec rec;
    struct crlnum *nums;
    struct fprint fp;
    char    buf[256], *val;
    int     changed, bad;
    size_t  i;

    fuzz_quiet();
    cdbfile_init(&cf, fuzz_file(data, size), statusrec_file_check, NULL, NULL);
    if (cdbfile_refresh(&cf, &changed)) {
	fuzz_each_record(&cf, "sp", describe);
	for (i = 0; i < sizeof(fills); i++) {
	    fuzz_fprint(fills[i], &fp);
	    if (statusrec_lookup(&cf, &fp, &rec) > 0)
		(void) statusrec_describe(&rec, 1795000000, 300, buf, sizeof(buf));
	    if (statusrec_pin_lookup(&cf, &fp, &rec) > 0)
		(void) statusrec_describe(&rec, 1795000000, 300, buf, sizeof(buf));
	}
	if ((val = cdbfile_get(&cf, CRLNUM_KEY, &bad)) != NULL) {
	    nums = crlnum_new();
	    crlnum_load(nums, val);
	    free(crlnum_value(nums));
	    crlnum_free(nums);
	    free(val);
	}
    }
    cdbfile_free(&cf);
    return (0);
}
