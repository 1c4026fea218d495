/*
 * jsonout - JSON strings on standard output; see jsonout.h
 */
#include "config.h"

#include <stdio.h>

#include "util/jsonout.h"

void    jsonout_string(const char *value)
{
    const unsigned char *cp;

    putchar('"');
    for (cp = (const unsigned char *) value; *cp; cp++) {
	if (*cp == '"' || *cp == '\\')
	    printf("\\%c", *cp);
	else if (*cp < 0x20 || *cp == 0x7f)
	    printf("\\u%04x", *cp);
	else
	    putchar(*cp);
    }
    putchar('"');
}
