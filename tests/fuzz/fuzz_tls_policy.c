/*
 * fuzz_tls_policy - the tls policy validator: each line is a next-hop and
 * its words, as after "tls" in certpolicy.conf
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "policy/fprint.h"
#include "source/tls_policy.h"

/* report - look at every message */
static void report(void *ctx, int warning, const char *text)
{
    (void) warning;
    *(size_t *) ctx += strlen(text);
}

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t  seen = 0;
    struct tls_policy_diag diag = {report, &seen};
    char   *text = malloc(size + 1), *line, *next, *word, *save;
    char   *words[64];
    int     count;

    if (text == NULL)
	abort();
    memcpy(text, data, size);
    text[size] = 0;
    for (line = text; line != NULL; line = next) {
	if ((next = strchr(line, '\n')) != NULL)
	    *next++ = 0;
	count = 0;
	for (word = strtok_r(line, " \t", &save); word && count < 64; word = strtok_r(NULL, " \t", &save))
	    words[count++] = word;
	if (count > 0)
	    (void) tls_policy_check(words[0], words + 1, count - 1,
				    (int) (size % (FPRINT_DIGEST_COUNT + 1)) - 1, &diag);
    }
    free(text);
    return (0);
}
