/*
 * diag - a collector of FILE:LINE: diagnostics
 *
 * A checker of a file (the source parser conf, clientset, tls_policy)
 * does not print and does not stop at the first problem: it adds each
 * error and warning here, with the line at fault, and goes on, so that
 * one run reports every problem. The collector counts them; the command
 * layer prints them, sorted by line, with diag_print(). Freeing a
 * collector prints nothing.
 *
 * DIAGNOSTICS
 *	diag_print() writes to stderr; nothing else here prints. A message
 *	longer than DIAG_TEXT_MAX bytes is cut there. Out of memory is
 *	fatal (mem).
 */
#ifndef CERTPOLICY_DIAG_H
#define CERTPOLICY_DIAG_H

#include <stdarg.h>
#include <stddef.h>

#include "util/log.h"

#define DIAG_TEXT_MAX 2048		/* bytes of one message, with its NUL */

struct diag_item {
    int     line;			/* 0: the file as a whole */
    int     warning;			/* else an error */
    size_t  seq;			/* order of arrival */
    char   *text;			/* the message alone, without FILE:LINE: */
};

struct diag {
    char   *path;			/* the file, for FILE:LINE: */
    int     errors;			/* counted since diag_init() */
    int     warnings;
    struct diag_item *item;		/* not yet printed */
    size_t  count;
    size_t  cap;
};

/* diag_init - an empty collector for messages about path (copied) */
void    diag_init(struct diag *d, const char *path);

/* diag_error - an error at line (0: the whole file), counted */
void    diag_error(struct diag *d, int line, const char *fmt,...) LOG_PRINTF(3, 4);

/* diag_warn - a warning at line, counted */
void    diag_warn(struct diag *d, int line, const char *fmt,...) LOG_PRINTF(3, 4);

/* diag_vadd - an error or (warning) a warning, va_list form */
void    diag_vadd(struct diag *d, int line, int warning, const char *fmt, va_list ap)
	        LOG_PRINTF(4, 0);

/*
 * diag_print - for the command layer: print the collected messages on
 * stderr as "FILE:LINE: [warning: ]message" (without :LINE for line 0),
 * by line and then in order of arrival, warnings only with_warnings;
 * then forget them (the counts stay). stdout is flushed first.
 */
void    diag_print(struct diag *d, int with_warnings);

/* diag_discard - forget the collected messages, printing nothing (the counts stay) */
void    diag_discard(struct diag *d);

/* diag_free - release the collector; prints nothing */
void    diag_free(struct diag *d);

#endif
