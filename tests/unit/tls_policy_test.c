/*
 * tls_policy_test - each input line is "NEXTHOP LEVEL [ATTRIBUTE=VALUE...]"
 * (as after "tls" in certpolicy.conf); prints every error and warning, or
 * "ok". Lines starting with '#' are copied, to keep the cases readable.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "tls_policy.h"

/* report - one diagnostic */
static void report(void *ctx, int warning, const char *text)
{
    (void) ctx;
    printf("  %s%s\n", warning ? "warning: " : "error: ", text);
}

int     main(void)
{
    struct tls_policy_diag diag = {report, NULL};
    char    line[2048], copy[2048];
    char   *words[64];
    int     count;
    char   *word, *save;

    while (fgets(line, sizeof(line), stdin) != NULL) {
	line[strcspn(line, "\n")] = 0;
	if (line[0] == '#' || line[0] == 0) {
	    printf("%s\n", line);
	    continue;
	}
	strcpy(copy, line);
	count = 0;
	for (word = strtok_r(copy, " ", &save); word && count < 64; word = strtok_r(NULL, " ", &save))
	    words[count++] = word;
	printf("%s\n", line);
	if (tls_policy_check(words[0], words + 1, count - 1, &diag) == 0)
	    printf("  ok\n");
    }
    return (0);
}
