/*
 * postfix_check - does the running Postfix use what certpolicy compiles?
 *
 * "certpolicy check" compares the source file with the Postfix instance
 * that postconf(1) reads (MAIL_CONFIG chooses another one): the
 * fingerprint digest, the relay_clientcerts map of main.cf and of every
 * master.cf service, whether any smtpd service asks for a client
 * certificate, whether any restriction asks a policy service that looks
 * like certpolicyd, and a compatibility_level that leaves the digest at
 * md5. The command named by CERTPOLICY_POSTCONF runs instead of
 * "postconf"; "none" skips the comparison.
 *
 * Prints each finding as "FILE: warning: ..." on stderr and one summary
 * line on stdout; when Postfix cannot be read (no postconf, no main.cf)
 * the summary says so and nothing is compared. Never fails the check.
 */
#ifndef CERTPOLICY_POSTFIX_CHECK_H
#define CERTPOLICY_POSTFIX_CHECK_H

#include "source/conf.h"

/* postfix_check - compare; returns the number of warnings printed */
int     postfix_check(const struct conf *conf);

#endif
