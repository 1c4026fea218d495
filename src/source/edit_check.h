/*
 * edit_check - what enroll and revoke must prove before they write
 *
 * A value from the command line is held to the same rules as the same
 * value in the source: no control character (newline, NUL, tab, ESC,
 * DEL...) anywhere. And an edited source must parse to exactly the change
 * asked for: the same settings, the same tls entries, every other client
 * the same and in the same place, and the one client changed by exactly
 * the attributes added.
 *
 * DIAGNOSTICS: each function returns 0, or -1 with the reason in why;
 * nothing here prints.
 */
#ifndef CERTPOLICY_EDIT_CHECK_H
#define CERTPOLICY_EDIT_CHECK_H

#include <stddef.h>

#include "source/conf.h"

/* edit_check_text - value has no control character; what names it in why */
int     edit_check_text(const char *what, const char *value, char *why, size_t why_len);

/*
 * edit_check_change - after is before with the client named name changed
 * by the attributes of the one client in added (a conf parsed from
 * "client NAME ATTRIBUTES" alone): certificates and fingerprints
 * appended, a pin set, revoked= and reason= set. A client not in before
 * must be the last one of after.
 */
int     edit_check_change(const struct conf *before, const struct conf *after,
			          const struct conf *added, char *why, size_t why_len);

#endif
