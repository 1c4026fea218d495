/*
 * htable - a set of byte-string keys with one pointer each
 *
 * Open addressing with linear probing, FNV-1a hash, kept at most half full.
 */
#include "config.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util/htable.h"
#include "util/mem.h"

/* htable_hash - FNV-1a */
static size_t htable_hash(const void *key, size_t len)
{
    const unsigned char *cp = key;
    uint64_t h = 14695981039346656037ULL;

    while (len-- > 0)
	h = (h ^ *cp++) * 1099511628211ULL;
    return ((size_t) h);
}

void    htable_init(struct htable *ht)
{
    ht->size = 64;
    ht->used = 0;
    ht->slots = mem_calloc(ht->size, sizeof(*ht->slots));
}

void    htable_free(struct htable *ht)
{
    free(ht->slots);
    ht->slots = NULL;
}

/* htable_find_slot - where key is, or where it would go */
static struct htable_slot *htable_find_slot(struct htable_slot *slots, size_t size,
					            const void *key, size_t len)
{
    size_t  i = htable_hash(key, len) & (size - 1);

    while (slots[i].key != NULL
	   && (slots[i].len != len || memcmp(slots[i].key, key, len) != 0))
	i = (i + 1) & (size - 1);
    return (slots + i);
}

/* htable_grow - double the table */
static void htable_grow(struct htable *ht)
{
    size_t  size = ht->size * 2;
    struct htable_slot *slots = mem_calloc(size, sizeof(*slots));
    size_t  i;

    for (i = 0; i < ht->size; i++)
	if (ht->slots[i].key != NULL)
	    *htable_find_slot(slots, size, ht->slots[i].key, ht->slots[i].len) = ht->slots[i];
    free(ht->slots);
    ht->slots = slots;
    ht->size = size;
}

/* htable_insert - add key, or return the value it already has */
void   *htable_insert(struct htable *ht, const void *key, size_t len, void *value)
{
    struct htable_slot *slot;

    if ((ht->used + 1) * 2 > ht->size)
	htable_grow(ht);
    slot = htable_find_slot(ht->slots, ht->size, key, len);
    if (slot->key != NULL)
	return (slot->value);
    slot->key = key;
    slot->len = len;
    slot->value = value;
    ht->used++;
    return (NULL);
}

/* htable_find - the value of key, or NULL; the table is not changed */
void   *htable_find(const struct htable *ht, const void *key, size_t len)
{
    struct htable_slot *slot = htable_find_slot(ht->slots, ht->size, key, len);

    return (slot->key != NULL ? slot->value : NULL);
}
