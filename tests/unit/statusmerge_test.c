/*
 * statusmerge_test - the rules of "What a status may become", case by case
 *
 * Each input line is RECORDED | ANSWER [; ANSWER]: the status recorded by
 * the previous refresh and this run's verified answers, each
 * STATE/SOURCE/THIS_UPDATE/NEXT_UPDATE[/REASON][@DEPTH] or "-" for none
 * (DEPTH > 0: a verdict about a CA above, or a record made from one). The clock
 * is at 1000 seconds, clock_skew 60. Prints what is recorded, and why an
 * answer was refused.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "revocation/statusmerge.h"

/* parse - one status; 0, 1 for "-", -1 malformed */
static int parse(char *text, struct statusrec *st)
{
    char   *f[5] = {NULL, NULL, NULL, NULL, ""}, *save = NULL, *at;
    int     n = 0, depth = 0;

    text += strspn(text, " ");
    text[strcspn(text, " ")] = 0;
    if (strcmp(text, "-") == 0 || *text == 0)
	return (1);
    if ((at = strchr(text, '@')) != NULL) {
	*at = 0;
	depth = (int) strtol(at + 1, NULL, 10);
    }
    for (char *p = strtok_r(text, "/", &save); p && n < 5; p = strtok_r(NULL, "/", &save))
	f[n++] = p;
    if (n < 4)
	return (-1);
    memset(st, 0, sizeof(*st));
    st->state = strcmp(f[0], "good") == 0 ? STATUS_GOOD : strcmp(f[0], "revoked") == 0 ?
	STATUS_REVOKED : STATUS_UNKNOWN;
    st->source = strcmp(f[1], "ocsp") == 0 ? SOURCE_OCSP : SOURCE_CRL;
    st->this_update = strtoll(f[2], NULL, 10);
    st->next_update = strtoll(f[3], NULL, 10);
    st->revoked_at = st->state == STATUS_REVOKED ? st->this_update : -1;
    snprintf(st->reason, sizeof(st->reason), "%s", f[4]);
    st->depth = depth;
    return (0);
}

int     main(void)
{
    char    line[1024], copy[1024], *bar, *answer, *save = NULL;
    struct statusrec recorded, answers[4], verdict, out;
    const char *refused;
    size_t  n;
    int     none;

    while (fgets(line, sizeof(line), stdin) != NULL) {
	line[strcspn(line, "\n")] = 0;
	if (*line == 0 || *line == '#')
	    continue;
	snprintf(copy, sizeof(copy), "%s", line);
	if ((bar = strchr(copy, '|')) == NULL) {
	    printf("[%s] malformed\n", line);
	    continue;
	}
	*bar++ = 0;
	none = parse(copy, &recorded);
	for (n = 0, answer = strtok_r(bar, ";", &save); answer && n < 4;
	     answer = strtok_r(NULL, ";", &save))
	    if (parse(answer, answers + n) == 0)
		n++;
	if (n > 0)
	    statusmerge_combine(answers, n, &verdict);
	if (!statusmerge(n ? &verdict : NULL,
			 statusmerge_comparable(n ? &verdict : NULL, none ? NULL : &recorded),
			 1000, 60, &out, &refused))
	    printf("[%s] -> nothing\n", line);
	else
	    printf("[%s] -> %s/%s/%lld/%lld%s%s%s%s\n", line, statusrec_state_name(out.state),
		   statusrec_source_name(out.source), out.this_update, out.next_update,
		   *out.reason ? "/" : "", out.reason, refused ? " refused: " : "",
		   refused ? refused : "");
    }
    return (0);
}
