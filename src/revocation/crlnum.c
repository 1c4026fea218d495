/*
 * crlnum - cRLNumbers never go backwards, per CA key and CRL scope
 */
#include "config.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/bn.h>
#include <openssl/crypto.h>

#include "revocation/crlnum.h"
#include "util/mem.h"

struct crlnum_row {
    unsigned char keyid[CRLNUM_KEYID];
    unsigned char scope[CRLNUM_SCOPE];
    BIGNUM *max[2];			/* complete, delta, by earlier refreshes; NULL: none */
    BIGNUM *run[2];			/* the same, by this refresh */
};

struct crlnum {
    struct crlnum_row *rows;
    size_t  nrows, cap;
    pthread_mutex_t lock;
};

struct crlnum *crlnum_new(void)
{
    struct crlnum *cn = mem_calloc(1, sizeof(*cn));

    pthread_mutex_init(&cn->lock, NULL);
    return (cn);
}

void    crlnum_free(struct crlnum *cn)
{
    size_t  i;

    for (i = 0; i < cn->nrows; i++) {
	BN_free(cn->rows[i].max[0]);
	BN_free(cn->rows[i].max[1]);
	BN_free(cn->rows[i].run[0]);
	BN_free(cn->rows[i].run[1]);
    }
    pthread_mutex_destroy(&cn->lock);
    free(cn->rows);
    free(cn);
}

/* crlnum_find - the row of keyid and scope, added when asked; NULL if full */
static struct crlnum_row *crlnum_find(struct crlnum *cn, const unsigned char *keyid,
				              const unsigned char *scope, int add)
{
    struct crlnum_row *row;
    size_t  i;

    for (i = 0; i < cn->nrows; i++)
	if (memcmp(cn->rows[i].keyid, keyid, CRLNUM_KEYID) == 0
	    && memcmp(cn->rows[i].scope, scope, CRLNUM_SCOPE) == 0)
	    return (cn->rows + i);
    if (!add || cn->nrows >= CRLNUM_MAX)
	return (NULL);
    cn->rows = mem_grow(cn->rows, cn->nrows, &cn->cap, sizeof(*cn->rows));
    row = cn->rows + cn->nrows++;
    memset(row, 0, sizeof(*row));
    memcpy(row->keyid, keyid, CRLNUM_KEYID);
    memcpy(row->scope, scope, CRLNUM_SCOPE);
    return (row);
}

/* crlnum_hex - exactly len bytes from 2 * len hex digits; 0 or -1 */
static int crlnum_hex(const char *text, size_t tlen, unsigned char *out, size_t len)
{
    long    v;
    char    pair[3] = "";
    char   *end;
    size_t  i;

    if (tlen != 2 * len)
	return (-1);
    for (i = 0; i < len; i++) {
	pair[0] = text[2 * i];
	pair[1] = text[2 * i + 1];
	v = strtol(pair, &end, 16);
	if (*end != 0 || pair[0] == '-' || pair[0] == '+' || pair[0] == ' ')
	    return (-1);
	out[i] = (unsigned char) v;
    }
    return (0);
}

/* crlnum_bn - a decimal number of at most 60 digits, or "-" (NULL) */
static int crlnum_bn(const char *text, size_t len, BIGNUM **bn)
{
    char    buf[64];
    size_t  i;

    *bn = NULL;
    if (len == 1 && *text == '-')
	return (0);
    if (len == 0 || len >= sizeof(buf))
	return (-1);
    for (i = 0; i < len; i++)
	if (text[i] < '0' || text[i] > '9')
	    return (-1);
    memcpy(buf, text, len);
    buf[len] = 0;
    return (BN_dec2bn(bn, buf) == (int) len ? 0 : -1);
}

int     crlnum_load(struct crlnum *cn, const char *value)
{
    const char *line, *end, *f[4];
    size_t  flen[4], i;
    unsigned char keyid[CRLNUM_KEYID], scope[CRLNUM_SCOPE];
    struct crlnum_row *row;
    BIGNUM *bn[2];

    for (line = value; *line; line = *end ? end + 1 : end) {
	end = line + strcspn(line, "\n");
	for (i = 0, f[0] = line; i < 4; i++) {
	    flen[i] = strcspn(f[i], " \n");
	    if (i < 3)
		f[i + 1] = f[i] + flen[i] + (f[i][flen[i]] == ' ');
	}
	if (f[3] + flen[3] != end || crlnum_hex(f[0], flen[0], keyid, CRLNUM_KEYID) < 0
	    || crlnum_hex(f[1], flen[1], scope, CRLNUM_SCOPE) < 0)
	    continue;
	bn[0] = bn[1] = NULL;
	if (crlnum_bn(f[2], flen[2], bn) < 0 || crlnum_bn(f[3], flen[3], bn + 1) < 0
	    || (row = crlnum_find(cn, keyid, scope, 1)) == NULL) {
	    BN_free(bn[0]);
	    BN_free(bn[1]);
	    continue;
	}
	BN_free(row->max[0]);
	BN_free(row->max[1]);
	row->max[0] = bn[0];
	row->max[1] = bn[1];
    }
    return (0);
}

int     crlnum_check(struct crlnum *cn, const unsigned char *keyid, const unsigned char *scope,
		             int delta, const ASN1_INTEGER *number, char *why, size_t why_len)
{
    struct crlnum_row *row;
    BIGNUM *bn;
    char   *seen, *got;
    int     ret = 0;

    if (number == NULL)
	return (0);				/* nothing to compare */
    if ((bn = ASN1_INTEGER_to_BN(number, NULL)) == NULL) {
	snprintf(why, why_len, "an unreadable cRLNumber");
	return (-1);
    }
    pthread_mutex_lock(&cn->lock);
    if ((row = crlnum_find(cn, keyid, scope, 1)) == NULL) {
	snprintf(why, why_len, "more than %d CA keys and CRL scopes to remember", CRLNUM_MAX);
	ret = -1;
    } else if (row->max[delta] != NULL && BN_cmp(bn, row->max[delta]) < 0) {
	seen = BN_bn2dec(row->max[delta]);
	got = BN_bn2dec(bn);
	snprintf(why, why_len, "an old CRL: its cRLNumber %s is lower than %s, seen before "
		 "for the same CA key (replayed?)", got ? got : "?", seen ? seen : "?");
	OPENSSL_free(seen);
	OPENSSL_free(got);
	ret = -1;
    } else if (row->run[delta] == NULL || BN_cmp(bn, row->run[delta]) > 0) {
	BN_free(row->run[delta]);
	row->run[delta] = bn;			/* for the next refresh */
	bn = NULL;
    }
    pthread_mutex_unlock(&cn->lock);
    BN_free(bn);
    return (ret);
}

/* crlnum_highest - the highest number of a row, earlier or in this refresh (NULL: none) */
static const BIGNUM *crlnum_highest(const struct crlnum_row *row, size_t delta)
{
    if (row->max[delta] == NULL || (row->run[delta] != NULL
				    && BN_cmp(row->run[delta], row->max[delta]) > 0))
	return (row->run[delta]);
    return (row->max[delta]);
}

char   *crlnum_value(const struct crlnum *cn)
{
    size_t  i, j, len = 0, cap = 0;
    char   *out = NULL, *num[2], line[200];
    int     n;

    out = mem_grow(out, 0, &cap, 1);
    *out = 0;
    for (i = 0; i < cn->nrows; i++) {
	for (j = 0; j < 2; j++)
	    num[j] = crlnum_highest(cn->rows + i, j) ? BN_bn2dec(crlnum_highest(cn->rows + i, j))
		: NULL;
	n = 0;
	for (j = 0; j < CRLNUM_KEYID; j++)
	    n += snprintf(line + n, sizeof(line) - (size_t) n, "%02x", cn->rows[i].keyid[j]);
	line[n++] = ' ';
	for (j = 0; j < CRLNUM_SCOPE; j++)
	    n += snprintf(line + n, sizeof(line) - (size_t) n, "%02x", cn->rows[i].scope[j]);
	snprintf(line + n, sizeof(line) - (size_t) n, " %.60s %.60s\n", num[0] ? num[0] : "-",
		 num[1] ? num[1] : "-");
	OPENSSL_free(num[0]);
	OPENSSL_free(num[1]);
	while (cap < len + strlen(line) + 1)
	    out = mem_grow(out, cap, &cap, 1);
	memcpy(out + len, line, strlen(line) + 1);
	len += strlen(line);
    }
    return (out);
}
