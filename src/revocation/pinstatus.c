/*
 * pinstatus - the status of each pinned public key, for status.cdb
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "util/htable.h"
#include "util/mem.h"
#include "revocation/pinstatus.h"

struct pinstatus_key {
    struct statusrec rec;
    int     have;
};

/* pinstatus_better - does b decide over a for a key */
static int pinstatus_better(const struct statusrec *b, const struct statusrec *a)
{
    if (a->state == STATUS_REVOKED)
	return (0);				/* the first revocation stays */
    if (b->state == STATUS_REVOKED)
	return (1);
    if (b->state != a->state)
	return (b->state == STATUS_GOOD);
    return (b->next_update > a->next_update);
}

void    pinstatus_each(const struct clientset *set, const struct statusrec *st,
		               const int *have,
		               void (*put) (void *, const struct fprint *, const struct statusrec *),
		               void *ctx)
{
    enum fprint_digest digest = conf_digest(set->conf);
    struct pinstatus_key *keys = mem_calloc(set->nentries ? set->nentries : 1, sizeof(*keys));
    struct pinstatus_key *k;
    const struct entry *e;
    const struct fprint *pub;
    struct statusrec rec;
    struct htable ht;
    size_t  i;

    htable_init(&ht);
    for (i = 0; i < set->nentries; i++) {
	e = set->entries + i;
	if (e->cert == NULL)
	    continue;
	pub = e->cert->pubkey_fp + digest;
	if ((k = htable_insert(&ht, pub->bytes, pub->len, keys + i)) == NULL)
	    k = keys + i;
	memset(&rec, 0, sizeof(rec));
	if (set->conf->clients[e->client].revoked) {
	    rec.state = STATUS_REVOKED;
	    rec.source = SOURCE_FILE;
	    rec.revoked_at = (long long) set->conf->clients[e->client].revoked_at;
	} else if (have[i]) {
	    rec = st[i];
	} else {
	    continue;
	}
	if (!k->have || pinstatus_better(&rec, &k->rec)) {
	    k->rec = rec;
	    k->have = 1;
	}
    }
    for (i = 0; i < set->nentries; i++) {
	e = set->entries + i;
	if (e->kind != ENTRY_PIN)
	    continue;
	if ((k = htable_insert(&ht, e->fp.bytes, e->fp.len, keys + i)) != NULL && k->have)
	    put(ctx, &e->fp, &k->rec);
    }
    htable_free(&ht);
    free(keys);
}
