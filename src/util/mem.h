/*
 * mem - memory allocation that never returns NULL
 *
 * Out of memory is an environment failure: these report it with
 * log_fatal() and exit, so callers need no checks.
 *
 * DIAGNOSTICS
 *	Only log_fatal(), for out of memory, a size that does not fit in a
 *	size_t, or a format mem_printf() cannot expand. Nothing else is
 *	printed.
 */
#ifndef CERTPOLICY_MEM_H
#define CERTPOLICY_MEM_H

#include <stdarg.h>
#include <stddef.h>

#include "util/log.h"

void   *mem_alloc(size_t len);
void   *mem_calloc(size_t count, size_t size);
void   *mem_realloc(void *ptr, size_t count, size_t size);
char   *mem_strdup(const char *str);
char   *mem_strndup(const char *str, size_t len);

/*
 * mem_size_add - a + b (bytes), or log_fatal() when the sum does not fit
 * in a size_t: sizes computed from input never wrap around.
 */
size_t  mem_size_add(size_t a, size_t b);

/*
 * mem_reserve - grow a byte buffer of *cap bytes holding used bytes so that
 * len more bytes and a terminating NUL fit; returns the (maybe moved)
 * buffer and updates *cap. Overflow and out of memory are fatal.
 */
void   *mem_reserve(void *ptr, size_t used, size_t len, size_t *cap);

/*
 * mem_printf - format into new memory of exactly the size needed, so no
 * caller computes a length for sprintf(); release with free(). Out of
 * memory, a result longer than INT_MAX bytes and an encoding error are
 * fatal. mem_vprintf takes a va_list.
 */
char   *mem_printf(const char *fmt,...) LOG_PRINTF(1, 2);
char   *mem_vprintf(const char *fmt, va_list ap) LOG_PRINTF(1, 0);

/*
 * mem_join - the count strings of words joined by sep, in new memory of
 * exactly the size needed ("" when count is 0); release with free()
 */
char   *mem_join(char *const *words, size_t count, const char *sep);

/* mem_grow - make room for one more element of an array of *cap elements */
void   *mem_grow(void *ptr, size_t used, size_t *cap, size_t size);

#endif
