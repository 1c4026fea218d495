/*
 * logvalue - attribute values made safe for one log line
 *
 * Postfix sends ccert_subject and ccert_issuer xtext-encoded ("+20" for a
 * space). logvalue_put() decodes xtext when asked, replaces control and
 * non-ASCII bytes with '?', quotes the value when it has a space, '"' or
 * '\', and never writes more than the room it is given (a long value is
 * cut and marked with "...").
 */
#ifndef CERTPOLICY_LOGVALUE_H
#define CERTPOLICY_LOGVALUE_H

#include <stddef.h>

/* logvalue_put - append name=value to buf[*used..size) */
void    logvalue_put(char *buf, size_t size, size_t *used, const char *name,
		             const char *value, size_t len, int xtext);

/* logvalue_xtext - decode xtext into out[size]; returns the length */
size_t  logvalue_xtext(const char *in, size_t len, char *out, size_t size);

#endif
