/*
 * fprint_test - each input line is a fingerprint as an administrator
 * might write it; prints the digest and Postfix form, or the reason it is
 * refused.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policy/fprint.h"

int     main(void)
{
    char    line[1024];
    char    text[FPRINT_TEXT_MAX];
    struct fprint fp;
    const char *why;

    while (fgets(line, sizeof(line), stdin) != NULL) {
	line[strcspn(line, "\n")] = 0;
	if (fprint_parse(line, &fp, &why) < 0)
	    printf("[%s] error: %s\n", line, why);
	else
	    printf("[%s] %s %s\n", line, fprint_digest_name(fp.digest), fprint_format(&fp, text));
    }
    return (0);
}
