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
#include "util/diag.h"

/* report - look at every message, then forget them */
static void report(struct diag *diag, size_t *seen)
{
    size_t  i;

    for (i = 0; i < diag->count; i++)
	*seen += strlen(diag->item[i].text);
    diag_discard(diag);
}

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t  seen = 0;
    struct diag diag;
    char   *text = malloc(size + 1), *line, *next, *word, *save;
    char   *words[64];
    int     count;

    if (text == NULL)
	abort();
    diag_init(&diag, "fuzz");
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
				    (int) (size % (FPRINT_DIGEST_COUNT + 1)) - 1, &diag, 0, "");
	report(&diag, &seen);
    }
    diag_free(&diag);
    free(text);
    return (0);
}
