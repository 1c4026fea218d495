/*
 * dbrec - the records of certpolicy.cdb, format 1
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policy/dbrec.h"
#include "util/mem.h"
#include "util/timeutil.h"

/* dbrec_key - "c:AB:.." or "p:AB:.." */
size_t  dbrec_key(int kind, const struct fprint *fp, char *buf)
{
    buf[0] = (char) kind;
    buf[1] = ':';
    fprint_format(fp, buf + 2);
    return (strlen(buf));
}

/* dbrec_encode - the value text */
char   *dbrec_encode(const struct dbrec *rec)
{
    char    nb[24] = "-", na[24] = "-", date[11] = "-";

    if (rec->has_validity) {
	snprintf(nb, sizeof(nb), "%lld", rec->not_before);
	snprintf(na, sizeof(na), "%lld", rec->not_after);
    }
    if (rec->revoked_at >= 0)
	time_format_date((time_t) rec->revoked_at, date);
    return (mem_printf("%.*s\t%s\t%s\t%s\t%s\t%.*s", (int) rec->name_len, rec->name,
		       rec->revoked ? "revoked" : "active", nb, na, date,
		       (int) rec->reason_len, rec->reason ? rec->reason : ""));
}

/* dbrec_field - the next TAB-separated field at *pos; -1 if there is none */
static int dbrec_field(const char *data, size_t len, size_t *pos,
		               const char **field, size_t *flen)
{
    const char *tab;

    if (*pos > len)
	return (-1);
    tab = memchr(data + *pos, '\t', len - *pos);
    *field = data + *pos;
    *flen = tab ? (size_t) (tab - *field) : len - *pos;
    *pos += *flen + 1;				/* len + 1: no more fields */
    return (0);
}

/* dbrec_number - a decimal number of at most 18 digits, optional '-' */
static int dbrec_number(const char *text, size_t len, long long *val)
{
    size_t  i = 0;
    int     neg = 0;

    if (len > 0 && text[0] == '-' && len > 1)
	neg = 1, i = 1;
    if (len == i || len - i > 18)
	return (-1);
    for (*val = 0; i < len; i++) {
	if (text[i] < '0' || text[i] > '9')
	    return (-1);
	*val = *val * 10 + (text[i] - '0');
    }
    if (neg)
	*val = -*val;
    return (0);
}

/* dbrec_decode - parse a value */
int     dbrec_decode(const char *data, size_t len, struct dbrec *rec)
{
    size_t  pos = 0;
    const char *state, *nb, *na, *date;
    size_t  state_len, nb_len, na_len, date_len;
    char    datebuf[11];
    time_t  when;

    if (dbrec_field(data, len, &pos, &rec->name, &rec->name_len) < 0
	|| dbrec_field(data, len, &pos, &state, &state_len) < 0
	|| dbrec_field(data, len, &pos, &nb, &nb_len) < 0
	|| dbrec_field(data, len, &pos, &na, &na_len) < 0
	|| dbrec_field(data, len, &pos, &date, &date_len) < 0
	|| dbrec_field(data, len, &pos, &rec->reason, &rec->reason_len) < 0
	|| pos <= len				/* a seventh field */
	|| rec->name_len == 0)
	return (-1);
    if (state_len == 6 && memcmp(state, "active", 6) == 0)
	rec->revoked = 0;
    else if (state_len == 7 && memcmp(state, "revoked", 7) == 0)
	rec->revoked = 1;
    else
	return (-1);
    if (nb_len == 1 && nb[0] == '-' && na_len == 1 && na[0] == '-') {
	rec->has_validity = 0;
	rec->not_before = rec->not_after = 0;
    } else if (dbrec_number(nb, nb_len, &rec->not_before) == 0
	       && dbrec_number(na, na_len, &rec->not_after) == 0) {
	rec->has_validity = 1;
    } else {
	return (-1);
    }
    if (date_len == 1 && date[0] == '-') {
	rec->revoked_at = -1;
    } else {
	if (date_len != 10)
	    return (-1);
	memcpy(datebuf, date, 10);
	datebuf[10] = 0;
	if (time_parse_date(datebuf, &when) < 0)
	    return (-1);
	rec->revoked_at = (long long) when;
    }
    return (0);
}
