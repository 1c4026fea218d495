/*
 * tls_local - what this host's Postfix can use of a tls entry
 *
 * tls_policy judges an entry's words; some entries are well formed and
 * still make Postfix 3.7's smtp defer every message, for reasons that only
 * this host can tell: a tafile= that is missing or holds no trust anchor,
 * and an exclude= that leaves no cipher of the grade with this OpenSSL.
 * These checks read files and build OpenSSL cipher lists, so they run with
 * the tool's other file checks (check, compile), not while the source is
 * parsed.
 *
 * DIAGNOSTICS: tls_local_tafile() and tls_local_ciphers() return -1 with
 * the reason in why; tls_local_entries() adds errors and warnings to the
 * collector conf->diag (diag.h). Nothing is printed.
 */
#ifndef CERTPOLICY_TLS_LOCAL_H
#define CERTPOLICY_TLS_LOCAL_H

#include <stddef.h>

#include "source/conf.h"

/*
 * tls_local_tafile - path (at most max_size bytes) holds at least one
 * trust anchor as Postfix 3.7 reads a tafile (tls_dane.c,
 * tls_dane_load_trustfile()): PEM blocks, of which CERTIFICATE, X509
 * CERTIFICATE and PUBLIC KEY are trust anchors, read until no BEGIN line
 * is left. Returns -1 with why when Postfix defers the mail (a file it
 * cannot open, no PEM block, any PEM failure but the end of the blocks),
 * 1 with why when it holds PEM blocks but no trust anchor (Postfix 3.7
 * then ignores the file and verifies with smtp_tls_CAfile: seen when it
 * delivers), else 0.
 */
int     tls_local_tafile(const char *path, size_t max_size, char *why, size_t why_len);

/*
 * tls_local_ciphers - grade (high, medium, low, export, null) with the
 * ':'-separated exclusions leaves at least one cipher, as Postfix 3.7
 * builds the list (tls_misc.c, tls_set_ciphers(): its default
 * tls_GRADE_cipherlist, then ":!NAME" per exclusion, given to OpenSSL,
 * which refuses a list that selects no TLS 1.2 or older cipher: Postfix
 * then logs "error setting cipher grade" and defers). 0, or -1 with why.
 */
int     tls_local_ciphers(const char *grade, const char *exclude, char *why, size_t why_len);

/*
 * tls_local_entries - both checks for every tls entry of conf: errors
 * and warnings with the entry's line. An entry without ciphers= has Postfix's default
 * grade (smtp_tls_ciphers and smtp_tls_mandatory_ciphers: medium).
 */
void    tls_local_entries(struct conf *conf);

#endif
