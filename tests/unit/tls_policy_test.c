/*
 * tls_policy_test - each input line is "NEXTHOP LEVEL [ATTRIBUTE=VALUE...]"
 * (as after "tls" in certpolicy.conf); prints every error and warning, or
 * "ok". Lines starting with '#' are copied, to keep the cases readable.
 * A line "@digest NAME" (copied too) sets fingerprint_digest for the lines
 * after it; before the first, any known digest is taken.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policy/fprint.h"
#include "source/tls_policy.h"
#include "util/diag.h"

/* report - the diagnostics of one line, in order */
static void report(struct diag *diag)
{
    size_t  i;

    for (i = 0; i < diag->count; i++)
	printf("  %s%s\n", diag->item[i].warning ? "warning: " : "error: ", diag->item[i].text);
    diag_discard(diag);
}

int     main(void)
{
    struct diag diag;
    char    line[2048], copy[2048];
    char   *words[64];
    int     count;
    char   *word, *save;
    int     digest = -1;
    int     errors;

    diag_init(&diag, "-");

    while (fgets(line, sizeof(line), stdin) != NULL) {
	line[strcspn(line, "\n")] = 0;
	if (line[0] == '#' || line[0] == 0) {
	    printf("%s\n", line);
	    continue;
	}
	if (strncmp(line, "@digest ", 8) == 0) {
	    digest = fprint_digest_lookup(line + 8);
	    printf("%s\n", line);
	    continue;
	}
	strcpy(copy, line);
	count = 0;
	for (word = strtok_r(copy, " ", &save); word && count < 64; word = strtok_r(NULL, " ", &save))
	    words[count++] = word;
	printf("%s\n", line);
	errors = tls_policy_check(words[0], words + 1, count - 1, digest, &diag, 0, "");
	report(&diag);
	if (errors == 0)
	    printf("  ok\n");
    }
    diag_free(&diag);
    return (0);
}
