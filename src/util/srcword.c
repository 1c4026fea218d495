/*
 * srcword - split a logical line into words, with quoting
 */
#include "config.h"

#include <stdlib.h>

#include "util/mem.h"
#include "util/srcword.h"

#define SRCWORD_BLANK(c) ((c) == ' ' || (c) == '\t')

/* srcword_split - split line in place */
int     srcword_split(char *line, struct srcwords *words, const char **why)
{
    char   *in = line;
    char   *out;
    int     quoted;

    words->count = 0;
    for (;;) {
	while (SRCWORD_BLANK(*in))
	    in++;
	if (*in == 0)
	    return (0);
	words->word = mem_grow(words->word, words->count, &words->cap, sizeof(char *));
	words->word[words->count++] = out = in;
	for (quoted = 0; *in && (quoted || !SRCWORD_BLANK(*in)); in++) {
	    if (*in == '"') {
		quoted = !quoted;
	    } else if (quoted && *in == '\\' && (in[1] == '"' || in[1] == '\\')) {
		*out++ = *++in;
	    } else {
		*out++ = *in;
	    }
	}
	if (quoted) {
	    *why = "missing closing '\"'";
	    return (-1);
	}
	if (*in)
	    in++;
	*out = 0;
    }
}

void    srcword_free(struct srcwords *words)
{
    free(words->word);
    words->word = NULL;
    words->count = words->cap = 0;
}
