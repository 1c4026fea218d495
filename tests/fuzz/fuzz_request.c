/*
 * fuzz_request - the policy request reader and the decision
 *
 * The first byte sets how the rest arrives (1 to 64 bytes per read), the
 * rest is what a client sends. Every complete request is decided against
 * a fixed database: alice enrolled by certificate, bob pinned by public
 * key, carol revoked, dave expired. Wrong answers abort: a permit for
 * anything but alice's certificate or bob's key (presented with a
 * certificate or as a raw public key), a permit with neither
 * fingerprint, an action that could
 * break the reply (a newline), or a request whose attributes differ from
 * what a second, simple reading of the same bytes finds (each request
 * ends at an empty line; the last of a repeated attribute counts).
 */
#include "config.h"

#include <cdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/dbrec.h"
#include "fuzz.h"
#include "policy/policy_decide.h"
#include "policy/policy_proto.h"
#include "policy/settings.h"

#define FUZZ_NOW 1795000000			/* 2026-11-18 */

static struct policy_db db;
static struct fprint alice, bob, carol, dave;
static char db_path[64];

/* put - one record */
static void put(struct cdb_make *cm, const char *key, const char *val)
{
    if (cdb_make_add(cm, key, (unsigned) strlen(key), val, (unsigned) strlen(val)) < 0)
	abort();
}

/* put_client - a fingerprint record */
static void put_client(struct cdb_make *cm, int kind, const struct fprint *fp,
		               const char *name, int revoked, long long not_after)
{
    struct dbrec rec;
    char    key[DBREC_KEY_MAX + 1];
    char   *val;

    memset(&rec, 0, sizeof(rec));
    rec.name = name;
    rec.name_len = strlen(name);
    rec.revoked = revoked;
    rec.has_validity = not_after > 0;
    rec.not_after = not_after;
    rec.revoked_at = revoked ? FUZZ_NOW - 86400 : -1;
    key[dbrec_key(kind, fp, key)] = 0;
    val = dbrec_encode(&rec);
    put(cm, key, val);
    free(val);
}

/* setup - the fixed database */
static void setup(void)
{
    struct cdb_make cm;
    char    key[64], why[256];
    char   *normal;
    int     fd, i;

    fuzz_quiet();
    fuzz_fprint(0x11, &alice);
    fuzz_fprint(0x22, &bob);
    fuzz_fprint(0x33, &carol);
    fuzz_fprint(0x44, &dave);
    strcpy(db_path, "/tmp/certpolicy-fuzzdb.XXXXXX");
    if ((fd = mkstemp(db_path)) < 0 || cdb_make_start(&cm, fd) < 0)
	abort();
    put(&cm, DBREC_FORMAT_KEY, DBREC_FORMAT);
    for (i = 0; i < SETTING_COUNT; i++) {
	snprintf(key, sizeof(key), DBREC_SETTING_PREFIX "%s", settings_table[i].name);
	if ((normal = settings_normalize(settings_table + i, settings_table[i].defval,
					 why, sizeof(why))) == NULL)
	    abort();
	put(&cm, key, normal);
	free(normal);
    }
    put_client(&cm, 'c', &alice, "alice", 0, FUZZ_NOW + 86400 * 365);
    put_client(&cm, 'p', &bob, "bob", 0, 0);
    put_client(&cm, 'c', &carol, "carol", 1, FUZZ_NOW + 86400 * 365);
    put_client(&cm, 'c', &dave, "dave", 0, FUZZ_NOW - 86400);
    if (cdb_make_finish(&cm) < 0)
	abort();
    close(fd);
    policy_db_init(&db, db_path);
}

/* cleanup - at exit */
static void cleanup(void)
{
    policy_db_free(&db);
    unlink(db_path);
}

/* is - the attribute is the fingerprint fp */
static int is(const char *text, const struct fprint *fp)
{
    struct fprint got;

    return (text != NULL && policy_fingerprint_strict(text, &got) == 0 && fprint_equal(&got, fp));
}

/* ref_value - the value of name in the request text [p, end), or NULL (in *out) */
static int ref_value(const char *p, const char *end, const char *name, const char **val,
		             size_t *len)
{
    size_t  nlen = strlen(name);
    const char *nl;

    *val = NULL;
    for (; p < end; p = nl + 1) {
	nl = memchr(p, '\n', (size_t) (end - p));
	if ((size_t) (nl - p) > nlen && memcmp(p, name, nlen) == 0 && p[nlen] == '=') {
	    *val = p + nlen + 1;
	    *len = (size_t) (nl - *val);
	}
    }
    return (*val != NULL);
}

/* same - the reader's attribute equals the second reading's */
static void same(const struct policy_req *req, int attr, const char *p, const char *end)
{
    const char *val, *got = req->attr[attr];
    size_t  len;

    if (!ref_value(p, end, policy_attr_name(attr), &val, &len)) {
	if (got != NULL)
	    fuzz_fail("an attribute that the request does not have");
    } else if (got == NULL || strlen(got) != len || memcmp(got, val, len) != 0) {
	fuzz_fail("an attribute value that the request does not have");
    }
}

/* present - an attribute with a value */
static int present(const char *value)
{
    return (value != NULL && *value != 0);
}

/* check - the decision of one request */
static void check(const struct policy_req *req)
{
    struct policy_decision d;
    int     changed;

    policy_db_refresh(&db, &changed);
    if (!db.file.usable)
	fuzz_fail(db.file.why);
    policy_decide(&db, req, FUZZ_NOW, &d);
    if (d.action == NULL || strchr(d.action, '\n') != NULL)
	fuzz_fail("action missing or with a newline");
    if (d.outcome == OUTCOME_PERMIT && !is(req->attr[PA_CCERT_FINGERPRINT], &alice)
	&& !is(req->attr[PA_CCERT_PUBKEY_FINGERPRINT], &bob))
	fuzz_fail("permit for a client that is not enrolled");
    if (d.outcome == OUTCOME_PERMIT && !present(req->attr[PA_CCERT_FINGERPRINT])
	&& !present(req->attr[PA_CCERT_PUBKEY_FINGERPRINT]))
	fuzz_fail("permit without a certificate or a public key");
}

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct policy_reader rd;
    const struct policy_req *req;
    const char *why;
    size_t  chunk, off = 1, room, n, ref = 1;
    const char *text = (const char *) data, *end;
    char   *space;
    enum policy_status st = POLICY_MORE;

    if (db_path[0] == 0) {
	setup();
	atexit(cleanup);
    }
    if (size == 0)
	return (0);
    chunk = (size_t) data[0] % 64 + 1;
    policy_init(&rd, 65536, 4096, 128);
    while (off < size && st != POLICY_ERROR) {
	if ((space = policy_space(&rd, &room)) == NULL || room == 0)
	    break;
	n = size - off < chunk ? size - off : chunk;
	n = n < room ? n : room;
	memcpy(space, data + off, n);
	off += n;
	policy_filled(&rd, n);
	while ((st = policy_next(&rd, &req, &why)) == POLICY_REQUEST) {
	    /* The second reading: this request runs to the next empty line. */
	    if (ref >= size)
		fuzz_fail("a request where the bytes hold none");
	    if (text[ref] == '\n')
		end = text + ref;
	    else if ((end = memmem(text + ref, size - ref, "\n\n", 2)) != NULL)
		end++;
	    if (end == NULL)
		fuzz_fail("a request where the bytes hold none");
	    same(req, PA_CCERT_FINGERPRINT, text + ref, end);
	    same(req, PA_CCERT_PUBKEY_FINGERPRINT, text + ref, end);
	    same(req, PA_CLIENT_ADDRESS, text + ref, end);
	    ref = (size_t) (end - text) + 1;
	    check(req);
	}
    }
    policy_free(&rd);
    return (0);
}
