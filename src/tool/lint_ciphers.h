/*
 * lint_ciphers - the cipher lists a mail host's servers are configured with
 *
 * For "certpolicy lint --ciphers postfix" and "--ciphers dovecot[:FILE]":
 * Postfix's smtpd cipher list as Postfix 3.x builds it (tls_misc.c,
 * tls_set_ciphers(): tls_GRADE_cipherlist for the grade in
 * smtpd_tls_ciphers, then ":!NAME" for each smtpd_tls_exclude_ciphers
 * name; at smtpd_tls_security_level = encrypt the mandatory grade and
 * exclusions), read with postconf (which honours MAIL_CONFIG); Dovecot's
 * ssl_cipher_list, read with doveconf (-c FILE when given). Both run
 * through postconf_run() (its bound on their output; postconf is
 * CERTPOLICY_POSTCONF when set, as for check).
 *
 * DIAGNOSTICS: -1 with the reason in why (the command is missing, failed,
 * or printed nothing usable).
 */
#ifndef CERTPOLICY_LINT_CIPHERS_H
#define CERTPOLICY_LINT_CIPHERS_H

#include <stddef.h>

/*
 * lint_ciphers_resolve - spec is "postfix", "dovecot", "dovecot:FILE" or
 * an OpenSSL cipher list. Sets list[list_len] to the cipher list and
 * source[source_len] to where it came from, for messages. 0 or -1.
 */
int     lint_ciphers_resolve(const char *spec, char *list, size_t list_len,
			             char *source, size_t source_len, char *why, size_t why_len);

#endif
