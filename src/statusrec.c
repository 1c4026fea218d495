/*
 * statusrec - the records of status.cdb, format 1
 */
#include "config.h"

#include <stdio.h>
#include <time.h>
#include <stdlib.h>
#include <string.h>

#include "cdbfile.h"
#include "statusrec.h"

static const char *const status_names[] = {"good", "revoked", "unknown"};

const char *statusrec_state_name(enum status_state state)
{
    return (status_names[state]);
}

/* statusrec_key - "s:AB:.." */
size_t  statusrec_key(const struct fprint *fp, char *buf)
{
    buf[0] = 's';
    buf[1] = ':';
    fprint_format(fp, buf + 2);
    return (strlen(buf));
}

/* statusrec_encode - the value text */
size_t  statusrec_encode(const struct statusrec *rec, char *buf, size_t len)
{
    char    rev[24] = "-";
    int     n;

    if (rec->revoked_at >= 0)
	snprintf(rev, sizeof(rev), "%lld", rec->revoked_at);
    n = snprintf(buf, len, "%s\t%s\t%lld\t%lld\t%s\t%s", status_names[rec->state],
		 rec->ocsp ? "ocsp" : "crl", rec->this_update, rec->next_update, rev, rec->reason);
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

/* statusrec_decode - parse a value */
int     statusrec_decode(const char *data, size_t len, struct statusrec *rec)
{
    const char *field[6];
    size_t  flen[6], pos = 0;
    int     i;

    for (i = 0; i < 6; i++) {
	const char *tab;

	if (pos > len)
	    return (-1);
	tab = memchr(data + pos, '\t', len - pos);
	field[i] = data + pos;
	flen[i] = tab ? (size_t) (tab - field[i]) : len - pos;
	pos += flen[i] + 1;
    }
    if (pos <= len)
	return (-1);				/* a seventh field */
    for (i = 0; i < 3; i++)
	if (strlen(status_names[i]) == flen[0] && memcmp(field[0], status_names[i], flen[0]) == 0)
	    break;
    if (i == 3)
	return (-1);
    rec->state = (enum status_state) i;
    if (flen[1] == 4 && memcmp(field[1], "ocsp", 4) == 0)
	rec->ocsp = 1;
    else if (flen[1] == 3 && memcmp(field[1], "crl", 3) == 0)
	rec->ocsp = 0;
    else
	return (-1);
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
    return (0);
}

/* statusrec_file_check - a status database of our format */
int     statusrec_file_check(struct cdbfile *cf, void *ctx)
{
    char   *val;
    int     bad;

    (void) ctx;
    if ((val = cdbfile_get(cf, STATUSREC_FORMAT_KEY, &bad)) == NULL
	|| strcmp(val, STATUSREC_FORMAT) != 0) {
	snprintf(cf->why, sizeof(cf->why), val ? "status database format %.20s, expected "
		 STATUSREC_FORMAT : "not a certpolicy status database", val);
	free(val);
	return (-1);
    }
    free(val);
    return (0);
}

/* statusrec_lookup - one certificate's status */
int     statusrec_lookup(struct cdbfile *cf, const struct fprint *fp, struct statusrec *rec)
{
    char    key[STATUSREC_KEY_MAX];
    const char *data;
    unsigned len;
    int     found = cdbfile_find(cf, key, statusrec_key(fp, key), &data, &len);

    if (found > 0 && statusrec_decode(data, len, rec) < 0)
	return (-1);
    return (found);
}

/* statusrec_iso - seconds as YYYY-MM-DDTHH:MM:SSZ */
static char *statusrec_iso(long long when, char *buf, size_t len)
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
    const char *src = rec->ocsp ? "ocsp" : "crl";
    char    t1[32], t2[32];

    if (rec->state == STATUS_REVOKED)
	snprintf(buf, len, "revoked by %s on %s%s%s%s", src,
		 statusrec_iso(rec->revoked_at, t1, sizeof(t1)), *rec->reason ? " (" : "",
		 rec->reason, *rec->reason ? ")" : "");
    else if (rec->state == STATUS_UNKNOWN)
	snprintf(buf, len, "unknown to %s (updated %s)", src,
		 statusrec_iso(rec->this_update, t1, sizeof(t1)));
    else if (now > rec->next_update + skew)
	snprintf(buf, len, "stale: good by %s until %s", src,
		 statusrec_iso(rec->next_update, t1, sizeof(t1)));
    else
	snprintf(buf, len, "good by %s (updated %s), fresh until %s", src,
		 statusrec_iso(rec->this_update, t1, sizeof(t1)),
		 statusrec_iso(rec->next_update, t2, sizeof(t2)));
    return (buf);
}
