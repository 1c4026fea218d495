/*
 * mem - memory allocation that never returns NULL
 *
 * Sizes are checked for overflow before they reach the allocator.
 */
#include "config.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/log.h"
#include "util/mem.h"

/* mem_alloc - malloc or die */
void   *mem_alloc(size_t len)
{
    void   *ptr = malloc(len ? len : 1);

    if (ptr == NULL)
	log_fatal("out of memory (%zu bytes)", len);
    return (ptr);
}

/* mem_calloc - calloc or die */
void   *mem_calloc(size_t count, size_t size)
{
    void   *ptr = calloc(count ? count : 1, size ? size : 1);

    if (ptr == NULL)
	log_fatal("out of memory (%zu x %zu bytes)", count, size);
    return (ptr);
}

/* mem_realloc - realloc an array or die */
void   *mem_realloc(void *ptr, size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
	log_fatal("out of memory (%zu x %zu bytes)", count, size);
    ptr = realloc(ptr, count && size ? count * size : 1);
    if (ptr == NULL)
	log_fatal("out of memory (%zu x %zu bytes)", count, size);
    return (ptr);
}

/* mem_strdup - strdup or die */
char   *mem_strdup(const char *str)
{
    return (mem_strndup(str, strlen(str)));
}

/* mem_strndup - copy len bytes and a terminator */
char   *mem_strndup(const char *str, size_t len)
{
    char   *copy = mem_alloc(len + 1);

    memcpy(copy, str, len);
    copy[len] = 0;
    return (copy);
}

/* mem_size_add - a + b in bytes; fatal (out of memory) when the sum overflows */
size_t  mem_size_add(size_t a, size_t b)
{
    if (a > SIZE_MAX - b)
	log_fatal("out of memory (%zu + %zu bytes)", a, b);
    return (a + b);
}

/* mem_reserve - room for len more bytes and a terminator after used bytes */
void   *mem_reserve(void *ptr, size_t used, size_t len, size_t *cap)
{
    size_t  need = mem_size_add(mem_size_add(used, len), 1);

    if (need <= *cap)
	return (ptr);
    *cap = need <= SIZE_MAX / 2 ? need * 2 : need;
    return (mem_realloc(ptr, *cap, 1));
}

/* mem_grow - make room for one more element */
void   *mem_grow(void *ptr, size_t used, size_t *cap, size_t size)
{
    if (used < *cap)
	return (ptr);
    *cap = *cap ? *cap * 2 : 16;
    return (mem_realloc(ptr, *cap, size));
}

/* mem_vprintf - format into new memory, va_list form */
char   *mem_vprintf(const char *fmt, va_list ap)
{
    va_list copy;
    char   *buf;
    int     len;

    va_copy(copy, ap);
    len = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (len < 0)
	log_fatal("cannot format \"%s\"", fmt);
    buf = mem_alloc((size_t) len + 1);
    if (vsnprintf(buf, (size_t) len + 1, fmt, ap) != len)
	log_panic("mem_vprintf: \"%s\" changed length", fmt);
    return (buf);
}

/* mem_printf - format into new memory */
char   *mem_printf(const char *fmt,...)
{
    va_list ap;
    char   *buf;

    va_start(ap, fmt);
    buf = mem_vprintf(fmt, ap);
    va_end(ap);
    return (buf);
}

/* mem_join - strings joined by a separator */
char   *mem_join(char *const *words, size_t count, const char *sep)
{
    size_t  len = 0, seplen = strlen(sep), i;
    char   *out, *cp;

    for (i = 0; i < count; i++)
	len = mem_size_add(len, mem_size_add(strlen(words[i]), i ? seplen : 0));
    cp = out = mem_alloc(mem_size_add(len, 1));
    for (i = 0; i < count; i++) {
	if (i > 0) {
	    memcpy(cp, sep, seplen);
	    cp += seplen;
	}
	len = strlen(words[i]);
	memcpy(cp, words[i], len);
	cp += len;
    }
    *cp = 0;
    return (out);
}
