/*
 * htable - a set of byte-string keys with one pointer each
 *
 * Used to find duplicate client names and fingerprints in linear time.
 * Keys are not copied: they must outlive the table.
 */
#ifndef CERTPOLICY_HTABLE_H
#define CERTPOLICY_HTABLE_H

#include <stddef.h>

struct htable_slot {
    const void *key;
    size_t  len;
    void   *value;
};

struct htable {
    struct htable_slot *slots;
    size_t  size;			/* a power of two */
    size_t  used;
};

void    htable_init(struct htable *ht);
void    htable_free(struct htable *ht);

/* htable_insert - add key; if it is already there, return its value instead */
void   *htable_insert(struct htable *ht, const void *key, size_t len, void *value);

/* htable_find - the value of key, or NULL when it is not there (nothing is added) */
void   *htable_find(const struct htable *ht, const void *key, size_t len);

#endif
