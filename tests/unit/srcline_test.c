/*
 * srcline_test MAX_LINE - reads a whole file on stdin and prints its
 * logical lines, one per output line, with their numbers, or the error
 * found at a line.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/mem.h"
#include "util/srcline.h"

int     main(int argc, char **argv)
{
    static const char *status_name[] = {"eof", "ok", "too long", "NUL byte", "orphan continuation"};
    char   *data = NULL;
    size_t  len = 0, cap = 0, got;
    struct srcline sl;
    enum srcline_status status;
    char   *text;
    int     line;

    if (argc != 2)
	return (2);
    do {
	data = mem_realloc(data, cap += 4096, 1);
	got = fread(data + len, 1, cap - len, stdin);
	len += got;
    } while (got > 0);
    srcline_init(&sl, data, len, (size_t) strtoul(argv[1], NULL, 10));
    while ((status = srcline_next(&sl, &text, &line)) != SRCLINE_EOF) {
	if (status == SRCLINE_OK)
	    printf("%d: [%s]\n", line, text);
	else
	    printf("%d: error: %s\n", line, status_name[status]);
    }
    srcline_free(&sl);
    free(data);
    return (0);
}
