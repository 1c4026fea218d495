/*
 * tls_value - can Postfix read this word back from a policy map?
 */
#include "config.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "source/tls_value.h"

/* tls_value_check - word survives the trip through a policy map */
int     tls_value_check(const char *word, int is_key, char *why, size_t why_len)
{
    const char *cp;

    if (is_key && *word == '#') {
	snprintf(why, why_len, "\"%s\": postmap reads a line that starts with '#' as a comment",
		 word);
	return (-1);
    }
    for (cp = word; *cp; cp++) {
	if (iscntrl((unsigned char) *cp) || *cp == ' ' || (!is_key && *cp == ',')) {
	    snprintf(why, why_len, "\"%s\": Postfix splits a policy map %s at %s; "
		     "it cannot hold this value", word, is_key ? "key" : "value",
		     *cp == ',' ? "commas" : *cp == ' ' || *cp == '\t' ? "white space" :
		     "control characters");
	    return (-1);
	}
    }
    return (0);
}
