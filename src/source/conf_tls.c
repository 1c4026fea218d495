/*
 * conf_tls - the tls lines of certpolicy.conf, checked once the file is read
 *
 * The words of each line are copied (the line buffer they come from is
 * reused for the next line) and released by conf_tls_check().
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "source/conf_tls.h"
#include "util/htable.h"
#include "util/mem.h"
#include "source/tls_policy.h"
#include "source/tls_value.h"

struct conf_tls_line {
    struct srcwords words;		/* "tls" NEXTHOP LEVEL ..., copied */
    char   *key;			/* the next-hop in lower case */
    int     line;
};

/* conf_tls_keep - copy a tls line for conf_tls(), after the whole file */
void    conf_tls_keep(struct conf_tls_lines *lines, const struct srcwords *words, int line)
{
    struct conf_tls_line *t;
    char   *cp;
    size_t  i;

    lines->line = mem_grow(lines->line, lines->count, &lines->cap, sizeof(*t));
    t = lines->line + lines->count++;
    memset(t, 0, sizeof(*t));
    t->line = line;
    t->words.word = mem_calloc(words->count, sizeof(char *));
    for (i = 0; i < words->count; i++)
	t->words.word[i] = mem_strdup(words->word[i]);
    t->words.count = t->words.cap = words->count;
    if (words->count >= 2)
	for (t->key = mem_strdup(words->word[1]), cp = t->key; *cp; cp++)
	    *cp = (char) tolower((unsigned char) *cp);
}

/*
 * conf_tls - tls NEXTHOP LEVEL [ATTRIBUTE=VALUE...], after the whole file.
 * Next-hops are compared in lower case, as Postfix looks them up (postmap
 * folds keys; of two that fold the same it keeps the first).
 */
static void conf_tls(struct conf *conf, struct htable *nexthops, const struct conf_tls_line *tl)
{
    const struct srcwords *words = &tl->words;
    int     line = tl->line;
    struct conf_tls *t;
    size_t  i;
    void   *prev;
    char    why[512];

    if (words->count < 2) {
	diag_error(&conf->diag, line, "expected: tls NEXTHOP LEVEL [ATTRIBUTE=VALUE...]");
	return;
    }
    for (i = 1; i < words->count; i++) {
	if (tls_value_check(words->word[i], i == 1, why, sizeof(why)) < 0) {
	    diag_error(&conf->diag, line, "tls: %s", why);
	    return;
	}
    }
    if (tls_policy_check(words->word[1], words->word + 2, (int) words->count - 2,
			 (int) conf_digest(conf), &conf->diag, line, "tls: ") > 0)
	return;
    prev = htable_insert(nexthops, tl->key, strlen(tl->key), (void *) (size_t) line);
    if (prev != NULL) {
	diag_error(&conf->diag, line, "duplicate tls next-hop \"%s\" (first on line %d; Postfix "
		   "compares next-hops without regard to case)", words->word[1],
		   (int) (size_t) prev);
	return;
    }
    conf->tls = mem_grow(conf->tls, conf->ntls, &conf->tls_cap, sizeof(*conf->tls));
    t = conf->tls + conf->ntls++;
    t->nexthop = mem_strdup(words->word[1]);
    t->line = line;
    t->policy = mem_join(words->word + 2, words->count - 2, " ");
}

/* conf_tls_check - check and keep the tls lines, in file order */
void    conf_tls_check(struct conf *conf, struct conf_tls_lines *lines)
{
    struct htable nexthops;		/* next-hop, lower case -> line */
    size_t  i, j;

    htable_init(&nexthops);
    for (i = 0; i < lines->count; i++)
	conf_tls(conf, &nexthops, lines->line + i);
    htable_free(&nexthops);			/* its keys are freed below */
    for (i = 0; i < lines->count; i++) {
	for (j = 0; j < lines->line[i].words.count; j++)
	    free(lines->line[i].words.word[j]);
	free(lines->line[i].words.word);
	free(lines->line[i].key);
    }
    free(lines->line);
    memset(lines, 0, sizeof(*lines));
}
