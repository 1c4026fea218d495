/*
 * action_test - each input line is a candidate *_action value; prints
 * whether Postfix would accept it from a policy server.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policy/action.h"

int     main(void)
{
    char    line[1024];
    const char *why;
    int     permits;

    while (fgets(line, sizeof(line), stdin) != NULL) {
	line[strcspn(line, "\n")] = 0;
	if (action_check(line, &permits, &why) < 0)
	    printf("[%s] error: %s\n", line, why);
	else
	    printf("[%s] ok%s\n", line, permits ? " (permits)" : "");
    }
    return (0);
}
