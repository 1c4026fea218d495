/*
 * dbrec_test - each input line is a database value with "\t" written for
 * TAB; prints the decoded fields or "malformed". A decoded record is
 * encoded again and must come back byte for byte.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy/dbrec.h"

int     main(void)
{
    char    line[1024], value[1024];
    struct dbrec rec;
    char   *again;
    size_t  i, len;

    while (fgets(line, sizeof(line), stdin) != NULL) {
	line[strcspn(line, "\n")] = 0;
	for (i = len = 0; line[i]; i++) {
	    if (line[i] == '\\' && line[i + 1] == 't')
		value[len++] = '\t', i++;
	    else
		value[len++] = line[i];
	}
	if (dbrec_decode(value, len, &rec) < 0) {
	    printf("[%s] malformed\n", line);
	    continue;
	}
	printf("[%s] name=%.*s revoked=%d validity=%s", line, (int) rec.name_len, rec.name,
	       rec.revoked, rec.has_validity ? "" : "-");
	if (rec.has_validity)
	    printf("%lld..%lld", rec.not_before, rec.not_after);
	printf(" revoked_at=%lld reason=%.*s", rec.revoked_at, (int) rec.reason_len, rec.reason);
	again = dbrec_encode(&rec);
	printf("%s\n", strlen(again) == len && memcmp(again, value, len) == 0 ? "" :
	       " (re-encoded differently)");
	free(again);
    }
    return (0);
}
