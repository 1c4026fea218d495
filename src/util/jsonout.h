/*
 * jsonout - JSON strings on standard output
 *
 * The --json forms of "certpolicy probe" and "certpolicy lint" print
 * values that come from certificates and from the network: each is
 * written as a JSON string (RFC 8259 section 7), with '"' and '\'
 * escaped and every control character (and DEL) as \u00XX. Bytes of
 * 0x80 and above are written as they are (the values are UTF-8 or
 * ASCII). Prints only; nothing to free, no error.
 */
#ifndef CERTPOLICY_JSONOUT_H
#define CERTPOLICY_JSONOUT_H

/* jsonout_string - value, quoted and escaped, to stdout */
void    jsonout_string(const char *value);

#endif
