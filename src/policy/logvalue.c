/*
 * logvalue - attribute values made safe for one log line
 */
#include "config.h"

#include <string.h>

#include "policy/fprint.h"
#include "policy/logvalue.h"

#define LOGVALUE_MAX 1024			/* longest value written */

static void logvalue_slow(char *, size_t, size_t *, const char *, const char *, size_t, int);

/* logvalue_xtext - decode xtext; a '+' not followed by two hex digits stays */
size_t  logvalue_xtext(const char *in, size_t len, char *out, size_t size)
{
    size_t  i, n = 0;
    int     hi, lo;

    for (i = 0; i < len && n < size; i++) {
	if (in[i] == '+' && i + 2 < len && (hi = fprint_hexval(in[i + 1])) >= 0
	    && (lo = fprint_hexval(in[i + 2])) >= 0) {
	    out[n++] = (char) (hi << 4 | lo);
	    i += 2;
	} else {
	    out[n++] = in[i];
	}
    }
    return (n);
}

/* logvalue_plain - a value that needs no decoding, quoting or replacing */
static int logvalue_plain(const char *value, size_t len)
{
    size_t  i;

    for (i = 0; i < len; i++) {
	unsigned char ch = (unsigned char) value[i];

	if (ch <= ' ' || ch >= 0x7f || ch == '"' || ch == '\\' || ch == '+')
	    return (0);
    }
    return (len < LOGVALUE_MAX);
}

/* logvalue_put - append name=value */
void    logvalue_put(char *buf, size_t size, size_t *used, const char *name,
		             const char *value, size_t len, int xtext)
{
    size_t  nlen = strlen(name);

    /* The common case: fingerprints, names, addresses. */
    if (logvalue_plain(value, len) && *used + nlen + len + 3 < size) {
	if (*used > 0)
	    buf[(*used)++] = ' ';
	memcpy(buf + *used, name, nlen);
	buf[*used + nlen] = '=';
	memcpy(buf + *used + nlen + 1, value, len);
	*used += nlen + 1 + len;
	buf[*used] = 0;
	return;
    }
    logvalue_slow(buf, size, used, name, value, len, xtext);
}

/* logvalue_slow - decode, replace, quote, cut: one byte at a time */
static void logvalue_slow(char *buf, size_t size, size_t *used, const char *name,
			          const char *value, size_t len, int xtext)
{
    char    text[LOGVALUE_MAX];
    size_t  n, i, pos = *used;
    int     quote = 0, cut = 0;

    if (xtext) {
	n = logvalue_xtext(value, len, text, sizeof(text));
    } else {
	n = len < sizeof(text) ? len : sizeof(text);
	memcpy(text, value, n);
    }
    cut = n == sizeof(text) && (xtext || len > n);
    for (i = 0; i < n; i++) {
	unsigned char ch = (unsigned char) text[i];

	if (ch < 0x20 || ch >= 0x7f)
	    text[i] = '?';
	else if (ch == ' ' || ch == '"' || ch == '\\')
	    quote = 1;
    }
#define PUT(c) do { if (pos + 1 < size) buf[pos++] = (c); } while (0)
    if (pos > 0)
	PUT(' ');
    for (; *name; name++)
	PUT(*name);
    PUT('=');
    if (quote)
	PUT('"');
    for (i = 0; i < n; i++) {
	if (quote && (text[i] == '"' || text[i] == '\\'))
	    PUT('\\');
	PUT(text[i]);
    }
    if (cut) {
	PUT('.');
	PUT('.');
	PUT('.');
    }
    if (quote)
	PUT('"');
#undef PUT
    buf[pos] = 0;
    *used = pos;
}
