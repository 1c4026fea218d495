/*
 * statusmerge - what a certificate's status may become
 */
#include "config.h"

#include <stddef.h>

#include "revocation/statusmerge.h"

/* statusmerge_rank - revoked 3, hold 2, good 1, unknown 0 */
static int statusmerge_rank(const struct statusrec *st)
{
    if (st->state == STATUS_REVOKED)
	return (statusrec_is_hold(st) ? 2 : 3);
    return (st->state == STATUS_GOOD ? 1 : 0);
}

void    statusmerge_combine(const struct statusrec *answers, size_t n, struct statusrec *out)
{
    const struct statusrec *best[4] = {NULL, NULL, NULL, NULL};
    size_t  i;
    int     rank;

    for (i = 0; i < n; i++) {
	rank = statusmerge_rank(answers + i);
	if (best[rank] == NULL || (rank != 3 && answers[i].this_update > best[rank]->this_update))
	    best[rank] = answers + i;		/* revoked: the first in order */
    }
    if (best[3] != NULL)
	*out = *best[3];
    else if (best[2] != NULL && (best[1] == NULL || best[1]->this_update <= best[2]->this_update))
	*out = *best[2];			/* a hold no newer good answer releases */
    else if (best[1] != NULL)
	*out = *best[1];
    else
	*out = *best[0];
    if (out->state != STATUS_GOOD)
	return;
    for (i = 0; i < n; i++)			/* fresh while any good answer is */
	if (answers[i].state == STATUS_GOOD && answers[i].next_update > out->next_update)
	    out->next_update = answers[i].next_update;
}

/* statusmerge_keep - a recorded status kept when nothing answered */
static int statusmerge_keep(const struct statusrec *rec, long long now, long long skew)
{
    return (rec->state == STATUS_REVOKED
	    || (rec->state == STATUS_GOOD && rec->next_update + skew >= now));
}

/* statusmerge_final - revoked for good: any reason but certificateHold */
static int statusmerge_final(const struct statusrec *st)
{
    return (st->state == STATUS_REVOKED && !statusrec_is_hold(st));
}

int     statusmerge(const struct statusrec *verdict, const struct statusrec *recorded,
		            long long now, long long skew, struct statusrec *out,
		            const char **refused)
{
    *refused = NULL;
    if (verdict == NULL) {
	if (recorded == NULL || !statusmerge_keep(recorded, now, skew))
	    return (0);
	*out = *recorded;
	return (1);
    }
    *out = *verdict;
    if (recorded == NULL)
	return (1);
    if (statusmerge_final(recorded)) {
	if (!statusmerge_final(verdict))
	    *out = *recorded;			/* a newer revocation may replace it */
	if (verdict->state != STATUS_REVOKED)
	    *refused = "a revocation is final";
    } else if (statusmerge_final(verdict)) {
	/* a revocation always wins */ ;
    } else if (statusrec_is_hold(recorded)) {
	if (statusrec_is_hold(verdict) && verdict->depth != recorded->depth) {
	    *out = *recorded;			/* its own hold, under its CA's */
	} else if (verdict->state == STATUS_UNKNOWN) {
	    *out = *recorded;
	    *refused = "unknown never replaces a definite status";
	} else if (verdict->this_update <= recorded->this_update) {
	    *out = *recorded;
	    if (!statusrec_is_hold(verdict))
		*refused = "a hold is lifted only by an answer newer than the one that "
		    "reported it";
	}
    } else if (verdict->this_update < recorded->this_update
	       && !(recorded->state == STATUS_UNKNOWN && verdict->state != STATUS_UNKNOWN)) {
	*out = *recorded;
	if (verdict->state != recorded->state)
	    *refused = "the answer is older than the recorded status (replayed?)";
	else if (recorded->state == STATUS_GOOD && recorded->next_update + skew < now
		 && verdict->next_update > recorded->next_update)
	    out->next_update = verdict->next_update;	/* an older good, still fresh */
    } else if (verdict->state == STATUS_UNKNOWN && recorded->state == STATUS_GOOD) {
	*out = *recorded;
	*refused = "unknown never replaces a definite status";
    }
    return (1);
}

const struct statusrec *statusmerge_comparable(const struct statusrec *verdict,
					               const struct statusrec *recorded)
{
    if (recorded == NULL || verdict == NULL || (verdict->depth == 0 && recorded->depth == 0))
	return (recorded);
    if (statusmerge_final(recorded))
	return (recorded);
    if (verdict->depth > 0 && recorded->depth == 0 && statusrec_is_hold(verdict)
	&& statusrec_is_hold(recorded))
	return (recorded);			/* its own hold stays on record */
    return (NULL);
}
