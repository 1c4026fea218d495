/*
 * probe - "certpolicy probe": will each tls entry deliver?
 *
 * One row per server tried; rows are printed as they are made (text), or
 * as one JSON array at the end of the run.
 */
#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/bounds.h"
#include "tls/pfconf.h"
#include "tls/probe_dest.h"
#include "tls/probe_policy.h"
#include "tls/probe_tls.h"
#include "util/jsonout.h"
#include "tls/smtp_client.h"
#include "tool/probe.h"

#define PROBE_POSTCONF "postconf"

struct probe_row {
    const char *nexthop;
    const char *level;
    char    host[PROBE_DEST_NAME_MAX];
    char    addr[64];
    int     port;
    const char *outcome;		/* deliver, defer, unchecked */
    char    reason[1200];
    char    protocol[32];
    char    cipher[128];
};

struct probe_run {
    const struct conf *conf;
    struct pfconf pf;
    int     json;
    int     rows;
    int     defers;
    int     timeout;			/* probe_timeout */
    size_t  max_reply;			/* probe_max_reply */
};

/* probe_json - a JSON string value, escaped */
static void probe_json(const char *key, const char *value, const char *sep)
{
    printf("\"%s\": ", key);
    jsonout_string(value);
    printf("%s", sep);
}

/* probe_print - one row */
static void probe_print(struct probe_run *run, const struct probe_row *row)
{
    run->defers += strcmp(row->outcome, "defer") == 0;
    if (run->json) {
	printf("%s\n  {", run->rows++ ? "," : "");
	probe_json("nexthop", row->nexthop, ", ");
	probe_json("level", row->level, ", ");
	probe_json("host", row->host, ", ");
	probe_json("address", row->addr, ", ");
	printf("\"port\": %d, ", row->port);
	probe_json("outcome", row->outcome, ", ");
	probe_json("reason", row->reason, ", ");
	probe_json("protocol", row->protocol, ", ");
	probe_json("cipher", row->cipher, "}");
	return;
    }
    run->rows++;
    printf("%s %s", row->nexthop, row->level);
    if (*row->addr)
	printf(" %s[%s]:%d", row->host, row->addr, row->port);
    printf(": %s: %s", row->outcome, row->reason);
    if (*row->protocol)
	printf(" (%s with cipher %s)", row->protocol, row->cipher);
    printf("\n");
    fflush(stdout);
}

/* probe_ehlo_starttls - the EHLO reply offers STARTTLS */
static int probe_ehlo_starttls(const char *text)
{
    const char *line, *next;

    for (line = text; line && *line; line = next) {
	next = strchr(line, '\n');
	if (strlen(line) >= 12 && strncasecmp(line + 4, "STARTTLS", 8) == 0
	    && (line[12] == 0 || line[12] == '\n' || line[12] == ' '))
	    return (1);
	if (next)
	    next++;
    }
    return (0);
}

/* probe_say - set the row's outcome and reason */
static void LOG_PRINTF(3, 4) probe_say(struct probe_row *row, const char *outcome,
				               const char *fmt,...)
{
    va_list ap;

    row->outcome = outcome;
    va_start(ap, fmt);
    vsnprintf(row->reason, sizeof(row->reason), fmt, ap);
    va_end(ap);
}

/* probe_quit - say goodbye, without caring for the answer */
static void probe_quit(struct smtp_client *c)
{
    char    why[256];

    if (smtp_client_send(c, "QUIT", why, sizeof(why)) == 0)
	(void) smtp_client_reply(c, "the QUIT response", NULL, 0, why, sizeof(why));
    smtp_client_close(c);
}

/*
 * probe_server - the conversation with one server, as smtp(8) has it up
 * to and through STARTTLS (smtp_proto.c, smtp_helo() and
 * smtp_start_tls()), and the outcome it leads to
 */
static void probe_server(struct probe_run *run, const struct probe_policy *pol,
			         struct probe_tls *pt, const struct probe_dest *d,
			         const struct probe_addr *a, struct probe_row *row)
{
    const char *ehlo_name = *pfconf_get(&run->pf, PF_MYHOSTNAME) ?
    pfconf_get(&run->pf, PF_MYHOSTNAME) : "localhost";
    struct smtp_client c;
    struct probe_tls_result res;
    char    peer[400], text[2048], why[1024], cmd[300];
    int     code;

    snprintf(peer, sizeof(peer), "%s[%s]:%d", a->host, a->addr, d->port);
    if (smtp_client_connect(&c, (const struct sockaddr *) &a->sa, a->salen, peer,
			    run->timeout, run->max_reply, why, sizeof(why)) < 0) {
	probe_say(row, "defer", "%s", why);
	return;
    }
    if ((code = smtp_client_reply(&c, "the initial server greeting", text, sizeof(text),
				  why, sizeof(why))) < 0) {
	probe_say(row, "defer", "%s", why);
	smtp_client_close(&c);
	return;
    }
    if (code != 220) {
	probe_say(row, "defer", "host %s refused to talk to me: %s", peer, text);
	probe_quit(&c);
	return;
    }
    snprintf(cmd, sizeof(cmd), "EHLO %s", ehlo_name);
    if (smtp_client_send(&c, cmd, why, sizeof(why)) < 0
	|| (code = smtp_client_reply(&c, "the EHLO response", text, sizeof(text), why,
				     sizeof(why))) < 0) {
	probe_say(row, "defer", "%s", why);
	smtp_client_close(&c);
	return;
    }
    if (pol->level == PROBE_NONE) {
	probe_say(row, "deliver", "without TLS (level none)");
    } else if (code / 100 != 2 || !probe_ehlo_starttls(text)) {
	if (pol->level == PROBE_MAY)
	    probe_say(row, "deliver", "without TLS: STARTTLS not offered");
	else
	    probe_say(row, "defer", "TLS is required, but was not offered by host %s", peer);
    } else if (smtp_client_send(&c, "STARTTLS", why, sizeof(why)) < 0
	       || (code = smtp_client_reply(&c, "the STARTTLS response", text, sizeof(text),
					    why, sizeof(why))) < 0) {
	probe_say(row, "defer", "%s", why);
    } else if (code / 100 != 2) {
	if (pol->level == PROBE_MAY)
	    probe_say(row, "deliver", "without TLS: host %s refused to start TLS: %s", peer, text);
	else
	    probe_say(row, "defer", "TLS is required, but host %s refused to start TLS: %s",
		      peer, text);
    } else if (probe_tls_start(pt, &c, a->host, d->domain, &res, why, sizeof(why)) < 0) {
	if (pol->level == PROBE_MAY)
	    probe_say(row, "deliver", "without TLS: Cannot start TLS: handshake failure (%s); "
		      "Postfix defers the first attempt, then delivers without TLS", why);
	else
	    probe_say(row, "defer", "Cannot start TLS: handshake failure (%s)", why);
	smtp_client_close(&c);
	return;
    } else {
	snprintf(row->protocol, sizeof(row->protocol), "%s", res.protocol);
	snprintf(row->cipher, sizeof(row->cipher), "%s", res.cipher);
	if (!res.matched)
	    probe_say(row, "defer", "Server certificate not verified: %s", res.detail);
	else if (smtp_client_send(&c, cmd, why, sizeof(why)) < 0
		 || (code = smtp_client_reply(&c, "the EHLO response after STARTTLS", text,
					      sizeof(text), why, sizeof(why))) < 0)
	    probe_say(row, "defer", "%s", why);
	else if (code / 100 != 2)
	    probe_say(row, "defer", "host %s refused EHLO after STARTTLS: %s", peer, text);
	else
	    probe_say(row, "deliver", "TLS, %s", res.detail);
    }
    probe_quit(&c);
}

/* probe_nexthop - every server of one next-hop, under its policy */
static void probe_nexthop(struct probe_run *run, const char *nexthop, const char *entry)
{
    struct probe_row row;
    struct probe_policy pol;
    struct probe_tls pt;
    static struct probe_dest d;
    char    why[1024];
    size_t  i;

    memset(&row, 0, sizeof(row));
    row.nexthop = nexthop;
    row.level = "(none)";
    if (probe_policy_build(&pol, entry, &run->pf, why, sizeof(why)) < 0) {
	probe_say(&row, "defer", "TLS policy lookup for %s: %s", nexthop, why);
	probe_print(run, &row);
	probe_policy_free(&pol);
	return;
    }
    row.level = probe_level_name(pol.level);
    if (pol.level == PROBE_DANE || pol.level == PROBE_DANE_ONLY) {
	probe_say(&row, "unchecked", "level %s is not checked by probe (it depends on DNSSEC "
		  "and TLSA records)", row.level);
	probe_print(run, &row);
	probe_policy_free(&pol);
	return;
    }
    if (probe_dest_resolve(nexthop, &run->pf, &d, why, sizeof(why)) < 0) {
	probe_say(&row, "unchecked", "%s", why);
	probe_print(run, &row);
	probe_policy_free(&pol);
	return;
    }
    row.port = d.port;
    if (d.naddr == 0) {
	probe_say(&row, "defer", "%s", d.why);
	snprintf(row.host, sizeof(row.host), "%s", d.domain);
	probe_print(run, &row);
	probe_policy_free(&pol);
	return;
    }
    if (pol.level > PROBE_NONE && probe_tls_prepare(&pt, &pol, &run->pf, why, sizeof(why)) < 0) {
	probe_say(&row, "defer", "TLS policy lookup for %s: %s", nexthop, why);
	snprintf(row.host, sizeof(row.host), "%s", d.domain);
	probe_print(run, &row);
	probe_tls_free(&pt);
	probe_policy_free(&pol);
	return;
    }
    for (i = 0; i < d.naddr; i++) {
	memset(row.protocol, 0, sizeof(row.protocol));
	memset(row.cipher, 0, sizeof(row.cipher));
	snprintf(row.host, sizeof(row.host), "%s", d.addr[i].host);
	snprintf(row.addr, sizeof(row.addr), "%s", d.addr[i].addr);
	probe_server(run, &pol, &pt, &d, d.addr + i, &row);
	probe_print(run, &row);
    }
    if (pol.level > PROBE_NONE)
	probe_tls_free(&pt);
    probe_policy_free(&pol);
}

/*
 * probe_lookup - the entry Postfix finds for nexthop (smtp_tls_policy.c,
 * tls_policy_lookup()): the next-hop itself, without regard to case, and
 * for a bare domain its parent domains as ".parent"; NULL when none
 */
static const struct conf_tls *probe_lookup(const struct conf *conf, const char *nexthop)
{
    const char *name = nexthop;
    size_t  i;

    do {
	for (i = 0; i < conf->ntls; i++)
	    if (strcasecmp(conf->tls[i].nexthop, name) == 0)
		return (conf->tls + i);
    } while (*nexthop != '[' && strchr(nexthop, ':') == NULL
	     && (name = strchr(name + 1, '.')) != NULL);
    return (NULL);
}

/* probe_run - the whole run */
int     probe_run(const struct conf *conf, char **nexthops, int count, int json)
{
    struct probe_run run;
    const struct conf_tls *t;
    const char *postconf;
    char    why[1024];
    size_t  i;
    int     n;

    memset(&run, 0, sizeof(run));
    run.conf = conf;
    run.json = json;
    run.timeout = (int) conf->bounds->value[BOUND_PROBE_TIMEOUT];
    run.max_reply = (size_t) conf->bounds->value[BOUND_PROBE_MAX_REPLY];
    if ((postconf = getenv("CERTPOLICY_POSTCONF")) == NULL || *postconf == 0)
	postconf = PROBE_POSTCONF;
    if (strcmp(postconf, "none") == 0) {
	log_error("CERTPOLICY_POSTCONF = none: probe needs Postfix's settings");
	return (1);
    }
    if (pfconf_read(&run.pf, postconf, why, sizeof(why)) < 0) {
	log_error("cannot read Postfix's settings: %s", why);
	return (1);
    }
    signal(SIGPIPE, SIG_IGN);
    if (json)
	printf("[");
    if (count > 0) {
	for (n = 0; n < count; n++) {
	    t = probe_lookup(conf, nexthops[n]);
	    probe_nexthop(&run, nexthops[n], t ? t->policy : NULL);
	}
    } else {
	for (i = 0; i < conf->ntls; i++)
	    probe_nexthop(&run, conf->tls[i].nexthop, conf->tls[i].policy);
    }
    if (json)
	printf("%s]\n", run.rows ? "\n" : "");
    if (!json && run.rows == 0)
	printf("certpolicy: %s: no tls entry to probe\n", conf->path);
    pfconf_free(&run.pf);
    return (run.defers > 0 ? 1 : 0);
}
