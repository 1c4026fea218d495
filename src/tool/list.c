/*
 * list - "certpolicy list": one row per client
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "policy/cdbfile.h"
#include "tool/list.h"
#include "policy/statusrec.h"
#include "util/timeutil.h"

struct list_row {
    const char *name;
    const char *state;
    char    fingerprint[FPRINT_TEXT_MAX];
    char    not_after[24];		/* "-" or YYYY-MM-DD */
    char    iso[24];			/* YYYY-MM-DDTHH:MM:SSZ */
    char    days[24];			/* "-" or a number */
    int     has_expiry;
    long long days_left;
    char    revocation[256];		/* "" when not shown */
    int     revoked_by_ca;		/* the status database says revoked */
};

/* list_floor_days - whole days, rounded down (also below zero) */
static long long list_floor_days(long long seconds)
{
    return (seconds >= 0 ? seconds / 86400 : -((-seconds + 86399) / 86400));
}

/* list_revocation - the newest certificate's status, or why there is none */
static void list_revocation(const struct clientset *set, struct cdbfile *status,
			            const struct cert *cert, time_t now, struct list_row *row)
{
    struct statusrec st;
    int     found;

    if (cert == NULL) {
	snprintf(row->revocation, sizeof(row->revocation), "- (no certificate to check)");
	return;
    }
    found = status->usable ? statusrec_lookup(status, cert->cert_fp + conf_digest(set->conf), &st) : 0;
    row->revoked_by_ca = found > 0 && st.state == STATUS_REVOKED;
    if (found > 0)
	statusrec_describe(&st, (long long) now, set->conf->set.clock_skew,
			   row->revocation, sizeof(row->revocation));
    else
	snprintf(row->revocation, sizeof(row->revocation), "none (%.200s)",
		 !status->usable ? status->why : found < 0 ? "corrupt" : "not refreshed yet");
}

/* list_fill - one client's row */
static void list_fill(const struct clientset *set, struct cdbfile *status, size_t idx,
		              time_t now, struct list_row *row)
{
    const struct conf_client *cl = set->conf->clients + idx;
    const struct cert *cert = set->info[idx].newest;
    enum fprint_digest digest = conf_digest(set->conf);
    struct tm tm;
    size_t  i;

    row->name = cl->name;
    row->fingerprint[0] = 0;
    strcpy(row->not_after, "-");
    strcpy(row->days, "-");
    row->has_expiry = cert != NULL;
    if (cert != NULL) {
	fprint_format(cert->cert_fp + digest, row->fingerprint);
	time_format_date(cert->not_after, row->not_after);
	gmtime_r(&cert->not_after, &tm);
	strftime(row->iso, sizeof(row->iso), "%Y-%m-%dT%H:%M:%SZ", &tm);
	row->days_left = list_floor_days((long long) (cert->not_after - now));
	snprintf(row->days, sizeof(row->days), "%lld", row->days_left);
    } else {
	for (i = 0; i < set->nentries && set->entries[i].client != idx; i++)
	     /* void */ ;
	if (i < set->nentries)
	    fprint_format(&set->entries[i].fp, row->fingerprint);
    }
    row->revocation[0] = 0;
    row->revoked_by_ca = 0;
    if (status != NULL && !cl->revoked)
	list_revocation(set, status, cert, now, row);
    else if (status != NULL)
	strcpy(row->revocation, "-");
    if (cl->revoked || row->revoked_by_ca)
	row->state = "revoked";
    else if (cert != NULL && cert->not_after < now)
	row->state = "expired";
    else if (cert != NULL && cert->not_before > now)
	row->state = "not-yet-valid";
    else
	row->state = "active";
}

/* list_json_string - a JSON string (names and fingerprints need no escapes) */
static void list_json_string(const char *key, const char *value, const char *sep)
{
    const char *cp;

    printf("\"%s\": \"", key);
    for (cp = value; *cp; cp++) {
	if (*cp == '"' || *cp == '\\')
	    putchar('\\');
	putchar(*cp);
    }
    printf("\"%s", sep);
}

/* list_print - print the rows */
size_t  list_print(const struct clientset *set, struct cdbfile *status, time_t now,
		           long long expiring, int json)
{
    struct list_row row;
    int     wname = 4, wstate = 5, wfp = 11;
    size_t  i, shown = 0, measured = 0;
    int     pass;

    /* Two passes: measure the columns, then print. */
    for (pass = 0; pass < 2; pass++) {
	if (pass == 1 && json)
	    printf("[");
	/* --expiring with nothing due prints nothing at all (cron mails output) */
	if (pass == 1 && !json && (expiring < 0 || measured > 0))
	    printf("%-*s  %-*s  %-*s  %-10s  %-5s%s\n", wname, "NAME", wstate, "STATE",
		   wfp, "FINGERPRINT", "NOT_AFTER", "DAYS", status ? "  REVOCATION" : "");
	for (i = 0; i < set->conf->nclients; i++) {
	    list_fill(set, status, i, now, &row);
	    if (expiring >= 0 && (!row.has_expiry || set->conf->clients[i].revoked
				  || row.revoked_by_ca || row.days_left > expiring))
		continue;
	    if (pass == 0) {
		measured++;
		if ((int) strlen(row.name) > wname)
		    wname = (int) strlen(row.name);
		if ((int) strlen(row.state) > wstate)
		    wstate = (int) strlen(row.state);
		if ((int) strlen(row.fingerprint) > wfp)
		    wfp = (int) strlen(row.fingerprint);
		continue;
	    }
	    if (json) {
		printf("%s\n  {", shown ? "," : "");
		list_json_string("name", row.name, ", ");
		list_json_string("state", row.state, ", ");
		list_json_string("fingerprint", row.fingerprint, ", ");
		if (row.has_expiry) {
		    list_json_string("not_after", row.iso, ", ");
		    printf("\"days_left\": %lld", row.days_left);
		} else {
		    printf("\"not_after\": null, \"days_left\": null");
		}
		if (status != NULL) {
		    printf(", ");
		    list_json_string("revocation", row.revocation, "");
		}
		printf("}");
	    } else {
		if (status != NULL)
		    printf("%-*s  %-*s  %-*s  %-10s  %-5s  %s\n", wname, row.name, wstate,
			   row.state, wfp, row.fingerprint, row.not_after, row.days,
			   row.revocation);
		else
		    printf("%-*s  %-*s  %-*s  %-10s  %s\n", wname, row.name, wstate, row.state,
			   wfp, row.fingerprint, row.not_after, row.days);
	    }
	    shown++;
	}
    }
    if (json)
	printf("%s]\n", shown ? "\n" : "");
    return (shown);
}
