/*
 * postconf_run - read the running Postfix's settings through postconf(1)
 *
 * Runs the postconf command with the arguments given and the caller's
 * environment (so MAIL_CONFIG chooses the instance, as it does for
 * Postfix's own commands), and returns what it printed as "name = value"
 * lines, one entry per line. Output beyond POSTCONF_MAX_OUTPUT is refused.
 * Prints nothing: a failure returns -1 with a reason in why (postconf's
 * own first error line when it ran and failed).
 */
#ifndef CERTPOLICY_POSTCONF_RUN_H
#define CERTPOLICY_POSTCONF_RUN_H

#include <stddef.h>

#define POSTCONF_MAX_OUTPUT (4 * 1024 * 1024)	/* bytes of one postconf run */
#define POSTCONF_MAX_ARGS 48		/* arguments after the command */

struct postconf_entry {
    char   *name;			/* "name", or "service/type/name" for -P */
    char   *value;			/* after " = ", may be empty */
};

struct postconf_list {
    struct postconf_entry *entries;
    size_t  count;
    size_t  cap;
};

/*
 * postconf_run - run COMMAND ARGS... (args NULL-terminated); with entries,
 * parse "name = value" lines into list, else keep each line whole as a
 * name (postconf -M). 0, or -1 with why set.
 */
int     postconf_run(const char *command, const char *const *args, int entries,
		             struct postconf_list *list, char *why, size_t whylen);

/* postconf_get - the value of name in list, or NULL */
const char *postconf_get(const struct postconf_list *list, const char *name);

/* postconf_free - release what postconf_run() stored in list */
void    postconf_free(struct postconf_list *list);

#endif
