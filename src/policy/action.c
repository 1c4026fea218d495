/*
 * action - access(5) actions that a policy server may answer
 *
 * Accepted: OK, DUNNO, REJECT/DEFER/DEFER_IF_REJECT/DEFER_IF_PERMIT with
 * optional text, 4NN/5NN with optional text, HOLD/DISCARD with optional
 * text, INFO/WARN/PREPEND with text, FILTER transport:destination,
 * REDIRECT/BCC address. An enhanced status code at the start of the text
 * must be well formed and of the same class (4 or 5) as the action.
 */
#include "config.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include "policy/action.h"

enum action_text {
    TEXT_NONE,				/* no text allowed */
    TEXT_OPTIONAL,
    TEXT_REQUIRED,
};

static const struct {
    const char *name;
    enum action_text text;
    char    class;			/* '4', '5', or 0: no status code */
} action_table[] = {
    {"OK", TEXT_NONE, 0},
    {"DUNNO", TEXT_NONE, 0},
    {"REJECT", TEXT_OPTIONAL, '5'},
    {"DEFER", TEXT_OPTIONAL, '4'},
    {"DEFER_IF_REJECT", TEXT_OPTIONAL, '4'},
    {"DEFER_IF_PERMIT", TEXT_OPTIONAL, '4'},
    {"HOLD", TEXT_OPTIONAL, 0},
    {"DISCARD", TEXT_OPTIONAL, 0},
    {"INFO", TEXT_REQUIRED, 0},
    {"WARN", TEXT_REQUIRED, 0},
    {"PREPEND", TEXT_REQUIRED, 0},
    {"FILTER", TEXT_REQUIRED, 0},
    {"REDIRECT", TEXT_REQUIRED, 0},
    {"BCC", TEXT_REQUIRED, 0},
};

/* action_status_ok - text starts with a well-formed X.Y.Z of class ch? */
static int action_status_ok(const char *text, char class, const char **why)
{
    const char *cp = text;
    int     part, digits;

    if (!isdigit((unsigned char) *cp) || cp[1] != '.')
	return (1);				/* no enhanced status code */
    for (part = 0; part < 3; part++) {
	for (digits = 0; isdigit((unsigned char) *cp); cp++)
	    digits++;
	if (digits == 0 || digits > 3 || (part < 2 && *cp++ != '.')) {
	    *why = "malformed enhanced status code (expected like 5.7.1)";
	    return (0);
	}
    }
    if (*cp != 0 && *cp != ' ') {
	*why = "malformed enhanced status code (expected like 5.7.1)";
	return (0);
    }
    if (text[0] != class) {
	*why = "enhanced status code class does not match the action";
	return (0);
    }
    return (1);
}

/* action_numeric - 4NN/5NN text */
static int action_numeric(const char *text, const char **why)
{
    if ((text[0] != '4' && text[0] != '5') || !isdigit((unsigned char) text[1])
	|| !isdigit((unsigned char) text[2])
	|| (text[3] != 0 && text[3] != ' ')) {
	*why = "not an access(5) action";
	return (-1);
    }
    if (text[3] == 0) {
	/* smtpd_check.c, check_table_result(): an all-digit result means OK */
	*why = "a code without text is an OK to Postfix (all-digit results permit): "
	    "add a text, e.g. \"554 5.7.1 Access denied\"";
	return (-1);
    }
    if (text[3] == ' ' && !action_status_ok(text + 4, text[0], why))
	return (-1);
    return (0);
}

/* action_check - is text an action Postfix accepts from a policy server */
int     action_check(const char *text, int *permits, const char **why)
{
    size_t  len, i;
    const char *rest;

    *permits = 0;
    for (rest = text; *rest; rest++) {
	if (iscntrl((unsigned char) *rest)) {
	    *why = "control character in action";
	    return (-1);
	}
    }
    if (isdigit((unsigned char) text[0]))
	return (action_numeric(text, why));
    len = strcspn(text, " ");
    rest = text[len] ? text + len + 1 : text + len;
    for (i = 0; i < sizeof(action_table) / sizeof(action_table[0]); i++) {
	if (strlen(action_table[i].name) != len
	    || strncasecmp(text, action_table[i].name, len) != 0)
	    continue;
	if (action_table[i].text == TEXT_NONE && *rest) {
	    *why = "this action takes no text";
	    return (-1);
	}
	if (action_table[i].text == TEXT_REQUIRED && *rest == 0) {
	    *why = "this action needs an argument";
	    return (-1);
	}
	if (action_table[i].class && !action_status_ok(rest, action_table[i].class, why))
	    return (-1);
	*permits = i == 0;
	return (0);
    }
    *why = "not an access(5) action";
    return (-1);
}
