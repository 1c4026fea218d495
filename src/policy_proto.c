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

#include "mem.h"
#include "policy_proto.h"

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
    rd->buf = mem_alloc(max_request);
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

/* policy_discard - drop the request returned last */
static void policy_discard(struct policy_reader *rd)
{
    if (rd->done == 0)
	return;
    memmove(rd->buf, rd->buf + rd->done, rd->len - rd->done);
    rd->len -= rd->done;
    rd->scan -= rd->done;
    rd->done = 0;
}

/* policy_space - where to read into (drops the requests already taken) */
char   *policy_space(struct policy_reader *rd, size_t *room)
{
    policy_discard(rd);
    *room = rd->cap - rd->len;
    return (rd->buf + rd->len);
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
