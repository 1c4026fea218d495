/*
 * probe_suite - the protocol and cipher limits of a TLS policy, on an SSL
 *
 * As Postfix 3.7 applies them to each session (tls_misc.c,
 * tls_proto_mask_lims() and tls_set_ciphers(); tls_client.c,
 * tls_client_start()): protocol names exclude (with '!') or, when any is
 * named alone, exclude every other known protocol; ">=" and "<=" take a
 * name, None or a hex version as the floor and ceiling. The cipher list is
 * the grade's tls_GRADE_cipherlist from postconf, then ":!NAME" for each
 * exclusion; a name that starts with one of "!+-@" is an error, and so is
 * a list OpenSSL finds no cipher in ("error setting cipher grade").
 *
 * DIAGNOSTICS: both return -1 when Postfix would not start the session;
 * probe_suite_ciphers() says why in why.
 */
#ifndef CERTPOLICY_PROBE_SUITE_H
#define CERTPOLICY_PROBE_SUITE_H

#include <stddef.h>

#include <openssl/ssl.h>

#include "tls/pfconf.h"

/* probe_suite_protocols - list (Postfix syntax) on ssl; 0, or -1 when invalid */
int     probe_suite_protocols(SSL *ssl, const char *list);

/*
 * probe_suite_ciphers - grade (high, medium, low, export, null) minus the
 * exclusions (separated by white space, commas or ':') on ssl, the grade
 * lists from pf; 0, or -1 with why
 */
int     probe_suite_ciphers(SSL *ssl, const char *grade, const char *exclusions,
			            const struct pfconf *pf, char *why, size_t why_len);

#endif
