/*
 * policy_proto - read Postfix policy requests, bounded
 *
 * Lines are parsed in place: '=' and '\n' become NULs, so a request costs
 * no allocation. Bytes of a finished request are dropped (moved out) only
 * when the next request is asked for, which keeps the returned strings
 * valid meanwhile.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "policy/policy_proto.h"

#define POLICY_FIRST_BUF 4096			/* grown as a request needs */

static const char *const policy_names[PA_COUNT] = {
    [PA_CCERT_FINGERPRINT] = "ccert_fingerprint",
    [PA_CCERT_PUBKEY_FINGERPRINT] = "ccert_pubkey_fingerprint",
    [PA_CCERT_SUBJECT] = "ccert_subject",
    [PA_CCERT_ISSUER] = "ccert_issuer",
    [PA_CLIENT_ADDRESS] = "client_address",
    [PA_CLIENT_NAME] = "client_name",
    [PA_PROTOCOL_STATE] = "protocol_state",
    [PA_INSTANCE] = "instance",
    [PA_SASL_USERNAME] = "sasl_username",
    [PA_ENCRYPTION_PROTOCOL] = "encryption_protocol",
};

/* policy_attr_name - "ccert_fingerprint" and so on */
const char *policy_attr_name(enum policy_attr attr)
{
    return (policy_names[attr]);
}

void    policy_init(struct policy_reader *rd, size_t max_request, size_t max_line, int max_attrs)
{
    rd->alloc = max_request < POLICY_FIRST_BUF ? max_request : POLICY_FIRST_BUF;
    rd->buf = mem_alloc(rd->alloc);
    rd->cap = max_request;
    rd->len = rd->scan = rd->done = 0;
    rd->max_line = max_line;
    rd->max_attrs = max_attrs;
    rd->nattrs = 0;
    memset(&rd->req, 0, sizeof(rd->req));
}

void    policy_free(struct policy_reader *rd)
{
    free(rd->buf);
    rd->buf = NULL;
}

/*
 * policy_move - the request being read moved from old to new: its
 * attributes read so far move with it. (Before its first attribute the
 * pointers are the last request's, which is done with.)
 */
static void policy_move(struct policy_reader *rd, const char *old, char *new)
{
    int     i;

    if (rd->nattrs == 0)
	return;
    for (i = 0; i < PA_COUNT; i++)
	if (rd->req.attr[i] != NULL)
	    rd->req.attr[i] = new + (rd->req.attr[i] - old);
}

/* policy_discard - drop the request returned last */
static void policy_discard(struct policy_reader *rd)
{
    if (rd->done == 0)
	return;
    policy_move(rd, rd->buf + rd->done, rd->buf);
    memmove(rd->buf, rd->buf + rd->done, rd->len - rd->done);
    rd->len -= rd->done;
    rd->scan -= rd->done;
    rd->done = 0;
}

/* policy_grow - a larger buffer, at most cap */
static void policy_grow(struct policy_reader *rd)
{
    size_t  size = rd->alloc > rd->cap / 2 ? rd->cap : rd->alloc * 2;
    char   *buf = mem_alloc(size);

    memcpy(buf, rd->buf, rd->len);
    policy_move(rd, rd->buf, buf);
    free(rd->buf);
    rd->buf = buf;
    rd->alloc = size;
}

/*
 * policy_space - where to read into (drops the requests already taken).
 * The buffer starts small and grows, up to max_request_size, only for a
 * request that needs it: a thousand idle connections cost little.
 */
char   *policy_space(struct policy_reader *rd, size_t *room)
{
    policy_discard(rd);
    if (rd->len == rd->alloc && rd->alloc < rd->cap)
	policy_grow(rd);
    *room = rd->alloc - rd->len;
    return (rd->buf + rd->len);
}

/* policy_pending - bytes of a request begun and not finished */
size_t  policy_pending(const struct policy_reader *rd)
{
    return (rd->len - rd->done);
}

/* policy_filled - count bytes read */
void    policy_filled(struct policy_reader *rd, size_t count)
{
    rd->len += count;
}

/* policy_store - remember a known attribute (names compared by length first) */
static void policy_store(struct policy_reader *rd, const char *name, size_t len,
			         const char *value)
{
    static size_t lens[PA_COUNT];
    int     i;

    if (lens[0] == 0)
	for (i = 0; i < PA_COUNT; i++)
	    lens[i] = strlen(policy_names[i]);
    for (i = 0; i < PA_COUNT; i++) {
	if (lens[i] == len && memcmp(name, policy_names[i], len) == 0) {
	    rd->req.attr[i] = value;
	    return;
	}
    }
}

/* policy_next - the next complete request */
enum policy_status policy_next(struct policy_reader *rd, const struct policy_req **req,
			               const char **why)
{
    char   *line, *nl, *eq;

    /*
     * Requests already taken stay in the buffer until policy_space() needs
     * the room: moving the rest after each one would cost quadratic time
     * when many requests arrive in one read.
     */
    for (;;) {
	line = rd->buf + rd->scan;
	nl = memchr(line, '\n', rd->len - rd->scan);
	if (nl == NULL) {
	    if (rd->len - rd->scan > rd->max_line) {
		*why = "a request line is longer than max_request_line";
		return (POLICY_ERROR);
	    }
	    if (rd->len == rd->cap && rd->done == 0) {
		*why = "a request is longer than max_request_size";
		return (POLICY_ERROR);
	    }
	    return (POLICY_MORE);
	}
	if ((size_t) (nl - line) > rd->max_line) {
	    *why = "a request line is longer than max_request_line";
	    return (POLICY_ERROR);
	}
	if (memchr(line, 0, (size_t) (nl - line)) != NULL) {
	    *why = "a request line contains a NUL byte";
	    return (POLICY_ERROR);
	}
	*nl = 0;
	rd->scan = (size_t) (nl - rd->buf) + 1;
	if (nl == line) {			/* the empty line: a request */
	    if (rd->nattrs == 0)		/* with no attributes at all */
		memset(&rd->req, 0, sizeof(rd->req));
	    rd->done = rd->scan;
	    rd->nattrs = 0;
	    *req = &rd->req;
	    return (POLICY_REQUEST);
	}
	if (rd->nattrs == 0)
	    memset(&rd->req, 0, sizeof(rd->req));
	if (++rd->nattrs > rd->max_attrs) {
	    *why = "a request has more than max_request_attributes attributes";
	    return (POLICY_ERROR);
	}
	if ((eq = strchr(line, '=')) == NULL || eq == line) {
	    *why = "a request line is not name=value";
	    return (POLICY_ERROR);
	}
	*eq = 0;
	policy_store(rd, line, (size_t) (eq - line), eq + 1);
    }
}
