/*
 * srcword - split a logical line into words, with quoting
 *
 * Words are separated by white space. Double quotes may enclose any part
 * of a word (reason="left the company"); inside them, \" and \\ stand for
 * " and \. The quotes are removed. The line is rewritten in place.
 */
#ifndef CERTPOLICY_SRCWORD_H
#define CERTPOLICY_SRCWORD_H

#include <stddef.h>

struct srcwords {
    char  **word;
    size_t  count;
    size_t  cap;
};

/* srcword_split - split line in place; 0, or -1 with *why (unterminated quote) */
int     srcword_split(char *line, struct srcwords *words, const char **why);

void    srcword_free(struct srcwords *words);

#endif
