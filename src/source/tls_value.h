/*
 * tls_value - can Postfix read this word back from a policy map?
 *
 * postmap splits a map line into key and value at the first white space,
 * and smtp(8) splits a policy value into the level and its attributes at
 * white space and commas (CHARS_COMMA_SP in Postfix's smtp_tls_policy.c);
 * a key that starts with '#' is a comment to postmap. A tls line whose
 * next-hop or attribute holds such a character would compile to a map
 * line Postfix reads as something else, so it is refused.
 *
 * DIAGNOSTICS: tls_value_check() returns -1 with the reason in why; the
 * caller reports it.
 */
#ifndef CERTPOLICY_TLS_VALUE_H
#define CERTPOLICY_TLS_VALUE_H

#include <stddef.h>

/*
 * tls_value_check - word (a next-hop when is_key, else the level or an
 * ATTRIBUTE=VALUE) survives the trip through a policy map: 0, or -1 with
 * why filled in
 */
int     tls_value_check(const char *word, int is_key, char *why, size_t why_len);

#endif
