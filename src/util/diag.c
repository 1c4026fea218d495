/*
 * diag - a collector of FILE:LINE: diagnostics
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/diag.h"
#include "util/mem.h"

/* diag_init - an empty collector */
void    diag_init(struct diag *d, const char *path)
{
    memset(d, 0, sizeof(*d));
    d->path = mem_strdup(path);
}

/* diag_vadd - keep one message */
void    diag_vadd(struct diag *d, int line, int warning, const char *fmt, va_list ap)
{
    struct diag_item *it;
    char    text[DIAG_TEXT_MAX];

    vsnprintf(text, sizeof(text), fmt, ap);
    d->item = mem_grow(d->item, d->count, &d->cap, sizeof(*it));
    it = d->item + d->count++;
    it->line = line;
    it->warning = warning;
    it->seq = d->count;
    it->text = mem_strdup(text);
    if (warning)
	d->warnings++;
    else
	d->errors++;
}

/* diag_error - an error */
void    diag_error(struct diag *d, int line, const char *fmt,...)
{
    va_list ap;

    va_start(ap, fmt);
    diag_vadd(d, line, 0, fmt, ap);
    va_end(ap);
}

/* diag_warn - a warning */
void    diag_warn(struct diag *d, int line, const char *fmt,...)
{
    va_list ap;

    va_start(ap, fmt);
    diag_vadd(d, line, 1, fmt, ap);
    va_end(ap);
}

/* diag_order - by line, then in the order they were found */
static int diag_order(const void *a, const void *b)
{
    const struct diag_item *x = a, *y = b;

    if (x->line != y->line)
	return (x->line < y->line ? -1 : 1);
    return (x->seq < y->seq ? -1 : x->seq > y->seq);
}

/* diag_print - the collected messages on stderr, by line */
void    diag_print(struct diag *d, int with_warnings)
{
    const struct diag_item *it;
    size_t  i;

    if (d->count == 0)
	return;
    qsort(d->item, d->count, sizeof(*d->item), diag_order);
    fflush(stdout);
    for (i = 0; i < d->count; i++) {
	it = d->item + i;
	if (!with_warnings && it->warning)
	    continue;
	if (it->line > 0)
	    fprintf(stderr, "%s:%d: %s%s\n", d->path, it->line, it->warning ? "warning: " : "",
		    it->text);
	else
	    fprintf(stderr, "%s: %s%s\n", d->path, it->warning ? "warning: " : "", it->text);
    }
    diag_discard(d);
}

/* diag_discard - forget the collected messages */
void    diag_discard(struct diag *d)
{
    size_t  i;

    for (i = 0; i < d->count; i++)
	free(d->item[i].text);
    d->count = 0;
}

/* diag_free - release the collector */
void    diag_free(struct diag *d)
{
    diag_discard(d);
    free(d->item);
    free(d->path);
    memset(d, 0, sizeof(*d));
}
