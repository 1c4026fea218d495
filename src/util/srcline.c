/*
 * srcline - logical lines of a Postfix-style text file
 *
 * The logical line buffer holds at most max_line + 1 bytes, whatever the
 * input: a huge physical line is measured, not copied.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/srcline.h"

#define SRCLINE_BLANK(c) ((c) == ' ' || (c) == '\t' || (c) == '\r')
#define SRCLINE_BOM "\xEF\xBB\xBF"		/* UTF-8 byte order mark */
#define SRCLINE_BOM_LEN 3

/* srcline_init - read lines from data[len] */
void    srcline_init(struct srcline *sl, const char *data, size_t len, size_t max_line)
{
    sl->data = data;
    sl->len = len;
    sl->pos = len >= SRCLINE_BOM_LEN && memcmp(data, SRCLINE_BOM, SRCLINE_BOM_LEN) == 0 ?
	SRCLINE_BOM_LEN : 0;
    sl->lineno = 0;
    sl->max_line = max_line;
    sl->buf = mem_alloc(max_line + 1);
    sl->buflen = 0;
}

/* srcline_free - release the reader's buffer */
void    srcline_free(struct srcline *sl)
{
    free(sl->buf);
    sl->buf = NULL;
}

enum srcline_kind {
    KIND_SKIP,				/* blank or comment */
    KIND_START,				/* starts a logical line */
    KIND_MORE,				/* continues one */
};

/* srcline_peek - classify the physical line at pos; its content in [*s, *e) */
static enum srcline_kind srcline_peek(const struct srcline *sl, size_t pos,
				              size_t *s, size_t *e, size_t *next)
{
    const char *nl = memchr(sl->data + pos, '\n', sl->len - pos);
    size_t  end = nl ? (size_t) (nl - sl->data) : sl->len;
    size_t  first = pos;

    *next = nl ? end + 1 : sl->len;
    while (end > pos && SRCLINE_BLANK(sl->data[end - 1]))
	end--;
    while (first < end && SRCLINE_BLANK(sl->data[first]))
	first++;
    *s = first;
    *e = end;
    if (first == end || sl->data[first] == '#')
	return (KIND_SKIP);
    return (first == pos ? KIND_START : KIND_MORE);
}

/* srcline_append - add [s, e) to the logical line; -1 if it gets too long */
static int srcline_append(struct srcline *sl, size_t s, size_t e)
{
    size_t  add = e - s + (sl->buflen ? 1 : 0);

    if (sl->buflen + add > sl->max_line)
	return (-1);
    if (sl->buflen)
	sl->buf[sl->buflen++] = ' ';
    memcpy(sl->buf + sl->buflen, sl->data + s, e - s);
    sl->buflen += e - s;
    return (0);
}

/* srcline_next - the next logical line */
enum srcline_status srcline_next(struct srcline *sl, char **text, int *line)
{
    enum srcline_status status = SRCLINE_OK;
    enum srcline_kind kind;
    size_t  s, e, next;
    int     started = 0;

    sl->buflen = 0;
    while (sl->pos < sl->len) {
	kind = srcline_peek(sl, sl->pos, &s, &e, &next);
	if (kind == KIND_SKIP) {
	    sl->pos = next;
	    sl->lineno++;
	    continue;
	}
	if (kind == KIND_START && started)
	    break;				/* the next logical line */
	sl->pos = next;
	sl->lineno++;
	if (kind == KIND_MORE && !started) {
	    *line = sl->lineno;
	    return (SRCLINE_ORPHAN);
	}
	if (!started) {
	    started = 1;
	    *line = sl->lineno;
	    sl->start = s;
	}
	if (status != SRCLINE_OK)
	    continue;				/* swallow the rest of a bad line */
	sl->end = e;
	if (memchr(sl->data + s, 0, e - s) != NULL)
	    status = SRCLINE_NUL;
	else if (srcline_append(sl, s, e) < 0)
	    status = SRCLINE_TOO_LONG;
	if (status != SRCLINE_OK)
	    *line = sl->lineno;
    }
    if (!started)
	return (SRCLINE_EOF);
    sl->buf[sl->buflen] = 0;
    *text = sl->buf;
    return (status);
}
