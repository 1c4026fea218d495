/*
 * logvalue - attribute values made safe for one log line
 */
#include "config.h"

#include <string.h>

#include "fprint.h"
#include "logvalue.h"

#define LOGVALUE_MAX 1024			/* longest value written */

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

/* logvalue_put - append name=value */
void    logvalue_put(char *buf, size_t size, size_t *used, const char *name,
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
