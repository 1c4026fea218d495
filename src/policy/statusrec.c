/*
 * statusrec - the records of status.cdb, format 2 (format 1 read)
 */
#include "config.h"

#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "policy/cdbfile.h"
#include "policy/statusrec.h"

static const char *const status_names[] = {"good", "revoked", "unknown"};
static const char *const source_names[] = {"crl", "ocsp", "source"};

#define STATUSREC_FIELDS	7		/* format 2; format 1 has 6 */

const char *statusrec_source_name(enum status_source source)
{
    return (source_names[source]);
}

int     statusrec_is_hold(const struct statusrec *rec)
{
    return (rec->state == STATUS_REVOKED && strcmp(rec->reason, STATUSREC_HOLD) == 0);
}

const char *statusrec_state_name(enum status_state state)
{
    return (status_names[state]);
}

/* statusrec_key_with - "X:AB:.." */
static size_t statusrec_key_with(int prefix, const struct fprint *fp, char *buf)
{
    buf[0] = (char) prefix;
    buf[1] = ':';
    fprint_format(fp, buf + 2);
    return (strlen(buf));
}

/* statusrec_key - "s:AB:.." */
size_t  statusrec_key(const struct fprint *fp, char *buf)
{
    return (statusrec_key_with('s', fp, buf));
}

/* statusrec_pin_key - "p:AB:.." */
size_t  statusrec_pin_key(const struct fprint *fp, char *buf)
{
    return (statusrec_key_with('p', fp, buf));
}

/* statusrec_ca_key - "c:AB:.." */
size_t  statusrec_ca_key(const struct fprint *fp, char *buf)
{
    return (statusrec_key_with('c', fp, buf));
}

/* statusrec_encode - the value text */
size_t  statusrec_encode(const struct statusrec *rec, char *buf, size_t len)
{
    char    rev[24] = "-";
    int     n;

    if (rec->revoked_at >= 0)
	snprintf(rev, sizeof(rev), "%lld", rec->revoked_at);
    n = snprintf(buf, len, "%s\t%s\t%lld\t%lld\t%s\t%s\t%d", status_names[rec->state],
		 source_names[rec->source], rec->this_update, rec->next_update, rev, rec->reason,
		 rec->depth);
    return (n < 0 ? 0 : (size_t) n < len ? (size_t) n : len - 1);
}

/* statusrec_number - at most 18 digits */
static int statusrec_number(const char *cp, size_t len, long long *val)
{
    size_t  i;

    if (len == 0 || len > 18)
	return (-1);
    for (*val = 0, i = 0; i < len; i++) {
	if (cp[i] < '0' || cp[i] > '9')
	    return (-1);
	*val = *val * 10 + (cp[i] - '0');
    }
    return (0);
}

/* statusrec_decode - parse a value: 7 fields (format 2) or 6 (format 1) */
int     statusrec_decode(const char *data, size_t len, struct statusrec *rec)
{
    const char *field[STATUSREC_FIELDS];
    size_t  flen[STATUSREC_FIELDS], pos = 0;
    long long depth = 0;
    int     i, n;

    for (n = 0; n < STATUSREC_FIELDS && pos <= len; n++) {
	const char *tab = memchr(data + pos, '\t', len - pos);

	field[n] = data + pos;
	flen[n] = tab ? (size_t) (tab - field[n]) : len - pos;
	pos += flen[n] + 1;
    }
    if (pos <= len || n < STATUSREC_FIELDS - 1)
	return (-1);				/* too many or too few fields */
    for (i = 0; i < 3; i++)
	if (strlen(status_names[i]) == flen[0] && memcmp(field[0], status_names[i], flen[0]) == 0)
	    break;
    if (i == 3)
	return (-1);
    rec->state = (enum status_state) i;
    for (i = 0; i < 3; i++)
	if (strlen(source_names[i]) == flen[1] && memcmp(field[1], source_names[i], flen[1]) == 0)
	    break;
    if (i == 3)
	return (-1);
    rec->source = (enum status_source) i;
    if (statusrec_number(field[2], flen[2], &rec->this_update) < 0
	|| statusrec_number(field[3], flen[3], &rec->next_update) < 0)
	return (-1);
    if (flen[4] == 1 && field[4][0] == '-')
	rec->revoked_at = -1;
    else if (statusrec_number(field[4], flen[4], &rec->revoked_at) < 0)
	return (-1);
    if (flen[5] >= sizeof(rec->reason))
	return (-1);
    memcpy(rec->reason, field[5], flen[5]);
    rec->reason[flen[5]] = 0;
    if (n == STATUSREC_FIELDS
	&& (statusrec_number(field[6], flen[6], &depth) < 0 || depth > STATUSREC_DEPTH_MAX))
	return (-1);
    rec->depth = (int) depth;
    return (0);
}

/* statusrec_file_check - a status database of our format */
int     statusrec_file_check(struct cdbfile *cf, void *ctx)
{
    char   *val;
    int     bad;

    (void) ctx;
    if ((val = cdbfile_get(cf, STATUSREC_FORMAT_KEY, &bad)) == NULL
	|| (strcmp(val, STATUSREC_FORMAT) != 0 && strcmp(val, STATUSREC_FORMAT_OLD) != 0)) {
	snprintf(cf->why, sizeof(cf->why), val ? "status database format %.20s, expected "
		 STATUSREC_FORMAT : "not a certpolicy status database", val);
	free(val);
	return (-1);
    }
    free(val);
    return (0);
}

/* statusrec_find - one record by key */
static int statusrec_find(struct cdbfile *cf, const char *key, size_t klen, struct statusrec *rec)
{
    const char *data;
    unsigned len;
    int     found = cdbfile_find(cf, key, klen, &data, &len);

    if (found > 0 && statusrec_decode(data, len, rec) < 0)
	return (-1);
    return (found);
}

/* statusrec_lookup - one certificate's status */
int     statusrec_lookup(struct cdbfile *cf, const struct fprint *fp, struct statusrec *rec)
{
    char    key[STATUSREC_KEY_MAX];

    return (statusrec_find(cf, key, statusrec_key(fp, key), rec));
}

/* statusrec_pin_lookup - one pinned key's status */
int     statusrec_pin_lookup(struct cdbfile *cf, const struct fprint *fp, struct statusrec *rec)
{
    char    key[STATUSREC_KEY_MAX];

    return (statusrec_find(cf, key, statusrec_pin_key(fp, key), rec));
}

/* statusrec_ca_lookup - one CA certificate's own status */
int     statusrec_ca_lookup(struct cdbfile *cf, const struct fprint *fp, struct statusrec *rec)
{
    char    key[STATUSREC_KEY_MAX];

    return (statusrec_find(cf, key, statusrec_ca_key(fp, key), rec));
}

/* statusrec_iso - seconds as YYYY-MM-DDTHH:MM:SSZ */
char   *statusrec_iso(long long when, char *buf, size_t len)
{
    time_t  t = (time_t) when;
    struct tm tm;

    if (gmtime_r(&t, &tm) == NULL || strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
	snprintf(buf, len, "%lld", when);
    return (buf);
}

/* statusrec_describe - one line for people */
char   *statusrec_describe(const struct statusrec *rec, long long now, long long skew,
			           char *buf, size_t len)
{
    const char *src = source_names[rec->source];
    char    t1[32], t2[32], depth[48] = "";

    if (rec->depth > 0)
	snprintf(depth, sizeof(depth), " (its issuer at depth %d)", rec->depth);
    if (rec->state == STATUS_REVOKED && rec->source == SOURCE_FILE)
	snprintf(buf, len, "revoked in the source file");
    else if (rec->state == STATUS_REVOKED)
	snprintf(buf, len, "revoked by %s on %s%s%s%s%s", src,
		 statusrec_iso(rec->revoked_at, t1, sizeof(t1)), *rec->reason ? " (" : "",
		 rec->reason, *rec->reason ? ")" : "", depth);
    else if (rec->state == STATUS_UNKNOWN)
	snprintf(buf, len, "unknown to %s (updated %s)%s", src,
		 statusrec_iso(rec->this_update, t1, sizeof(t1)), depth);
    else if (now > rec->next_update + skew)
	snprintf(buf, len, "stale: good by %s until %s", src,
		 statusrec_iso(rec->next_update, t1, sizeof(t1)));
    else
	snprintf(buf, len, "good by %s (updated %s), fresh until %s", src,
		 statusrec_iso(rec->this_update, t1, sizeof(t1)),
		 statusrec_iso(rec->next_update, t2, sizeof(t2)));
    return (buf);
}
