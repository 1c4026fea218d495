/*
 * action - access(5) actions that a policy server may answer
 *
 * Postfix answers an action it does not understand with "451 4.3.5 Server
 * configuration problem", so every *_action setting is checked when the
 * source is compiled, never at answer time.
 */
#ifndef CERTPOLICY_ACTION_H
#define CERTPOLICY_ACTION_H

/*
 * action_check - 0 if text is an action Postfix accepts from a policy
 * server, else -1 with *why set. *permits is set when the action is OK.
 */
int     action_check(const char *text, int *permits, const char **why);

#endif
