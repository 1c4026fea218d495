/*
 * policy_proto - read Postfix policy requests, bounded
 *
 * A request is "name=value" lines ended by an empty line; a connection
 * carries many. The reader owns one buffer of max_request_size bytes: the
 * caller reads into policy_space() and reports the count with
 * policy_filled(), then takes complete requests with policy_next() until
 * it answers POLICY_MORE. A request may arrive in any number of pieces.
 *
 * Limits: a line longer than max_request_line (found as soon as that many
 * bytes arrive without a newline), a request longer than max_request_size,
 * or more than max_request_attributes lines in one request, is
 * POLICY_ERROR: the caller logs it and drops the connection. Unknown
 * attributes are ignored; of duplicates the last wins. A line without '='
 * is an error too.
 */
#ifndef CERTPOLICY_POLICY_PROTO_H
#define CERTPOLICY_POLICY_PROTO_H

#include <stddef.h>

enum policy_attr {
    PA_CCERT_FINGERPRINT,
    PA_CCERT_PUBKEY_FINGERPRINT,
    PA_CCERT_SUBJECT,
    PA_CCERT_ISSUER,
    PA_CLIENT_ADDRESS,
    PA_CLIENT_NAME,
    PA_PROTOCOL_STATE,
    PA_INSTANCE,
    PA_SASL_USERNAME,
    PA_ENCRYPTION_PROTOCOL,
    PA_COUNT,
};

struct policy_req {
    const char *attr[PA_COUNT];		/* NUL-terminated, or NULL if absent */
};

struct policy_reader {
    char   *buf;
    size_t  alloc;			/* size of buf, grown up to cap */
    size_t  cap;			/* max_request_size */
    size_t  len;			/* bytes in buf */
    size_t  scan;			/* where the current line starts */
    size_t  done;			/* end of the request last returned */
    size_t  max_line;
    int     max_attrs;
    int     nattrs;			/* lines of the current request */
    struct policy_req req;
};

enum policy_status {
    POLICY_MORE,			/* no complete request yet */
    POLICY_REQUEST,			/* *req is the next request */
    POLICY_ERROR,			/* a limit was crossed or a line is bad */
};

void    policy_init(struct policy_reader *rd, size_t max_request, size_t max_line, int max_attrs);
void    policy_free(struct policy_reader *rd);

/* policy_space - where to read into, and how many bytes fit (0: request too big) */
char   *policy_space(struct policy_reader *rd, size_t *room);

/* policy_filled - that many bytes were read into policy_space() */
void    policy_filled(struct policy_reader *rd, size_t count);

/*
 * policy_next - the next complete request. Its strings stay valid until
 * the next policy_space(). On POLICY_ERROR *why says which limit or rule.
 */
enum policy_status policy_next(struct policy_reader *rd, const struct policy_req **req,
			               const char **why);

/* policy_pending - bytes of a request begun and not finished */
size_t  policy_pending(const struct policy_reader *rd);

/* policy_attr_name - "ccert_fingerprint" and so on */
const char *policy_attr_name(enum policy_attr attr);

#endif
