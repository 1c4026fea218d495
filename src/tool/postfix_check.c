/*
 * postfix_check - does the running Postfix use what certpolicy compiles?
 *
 * Four postconf runs: the settings that matter (expanded, defaults
 * included), the settings main.cf sets (for restrictions and to tell a
 * chosen digest from a default one), the master.cf services, and their
 * -o overrides. Each finding names the file to change; the summary line
 * names the instance (config_directory).
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "policy/settings.h"
#include "util/postconf_run.h"
#include "tool/postfix_check.h"
#include "util/mem.h"

#define POSTFIX_LIST_SEPARATORS ", \t"		/* Postfix splits lists at these */

struct postfix_check {
    const struct conf *conf;
    struct postconf_list main;		/* postconf -x NAMES */
    struct postconf_list set;		/* postconf -nx: what main.cf sets */
    struct postconf_list services;	/* postconf -M: one line a service */
    struct postconf_list overrides;	/* postconf -Px: service/type/name */
    const char *dir;			/* config_directory */
    int     warnings;
};

/* postfix_check_warn - "DIR/FILE: [SERVICE: ]warning: ...", counted */
static void postfix_check_warn(struct postfix_check *p, const char *file, const char *service,
			               const char *fmt, ...)
{
    va_list ap;

    fflush(stdout);
    fprintf(stderr, "%s/%s: %s%swarning: ", p->dir, file, service ? service : "",
	    service ? ": " : "");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    p->warnings++;
}

/* postfix_check_override - the service part ("smtp/inet") of "smtp/inet/NAME", or NULL */
static char *postfix_check_override(const char *entry, const char *name)
{
    size_t  elen = strlen(entry), nlen = strlen(name);

    if (elen <= nlen + 1 || strcmp(entry + elen - nlen, name) != 0 || entry[elen - nlen - 1] != '/')
	return (NULL);
    if (memchr(entry, '/', elen - nlen - 1) == NULL)
	return (NULL);
    return (mem_strndup(entry, elen - nlen - 1));
}

/* postfix_check_level_below - compatibility_level older than major.minor */
static int postfix_check_level_below(const char *level, unsigned long major, unsigned long minor)
{
    char   *end;
    unsigned long maj, min = 0;

    maj = strtoul(level, &end, 10);
    if (end == level)
	return (0);			/* not a level we know how to read */
    if (*end == '.')
	min = strtoul(end + 1, &end, 10);
    return (maj < major || (maj == major && min < minor));
}

/* postfix_check_digest_one - one smtpd_tls_fingerprint_digest against the source */
static void postfix_check_digest_one(struct postfix_check *p, const char *file,
				             const char *service, const char *value)
{
    const char *ours = fprint_digest_name(p->conf->set.digest);

    if (fprint_digest_lookup(value) != (int) p->conf->set.digest)
	postfix_check_warn(p, file, service, "smtpd_tls_fingerprint_digest = %s, but %s has "
		 "fingerprint_digest = %s: no client certificate will ever match",
		 value, p->conf->path, ours);
}

/* postfix_check_digest - the digests of main.cf and master.cf, and the md5 default */
static void postfix_check_digest(struct postfix_check *p)
{
    const char *value = postconf_get(&p->main, "smtpd_tls_fingerprint_digest");
    const char *level = postconf_get(&p->main, "compatibility_level");
    char   *service;
    size_t  i;

    if (value == NULL)
	return;
    postfix_check_digest_one(p, "main.cf", NULL, value);
    for (i = 0; i < p->overrides.count; i++) {
	service = postfix_check_override(p->overrides.entries[i].name,
					 "smtpd_tls_fingerprint_digest");
	if (service) {
	    postfix_check_digest_one(p, "master.cf", service, p->overrides.entries[i].value);
	    free(service);
	}
    }
    if (level && postfix_check_level_below(level, 3, 6) && strcasecmp(value, "md5") == 0
	&& postconf_get(&p->set, "smtpd_tls_fingerprint_digest") == NULL)
	postfix_check_warn(p, "main.cf", NULL, "compatibility_level = %s (below 3.6) leaves "
		 "smtpd_tls_fingerprint_digest at md5: set smtpd_tls_fingerprint_digest = sha256",
		 level);
}

/* postfix_check_list_has - item is one of the entries of a Postfix list */
static int postfix_check_list_has(const char *list, const char *item)
{
    size_t  len, ilen = strlen(item);

    while (*(list += strspn(list, POSTFIX_LIST_SEPARATORS))) {
	len = strcspn(list, POSTFIX_LIST_SEPARATORS);
	if (len == ilen && strncmp(list, item, len) == 0)
	    return (1);
	list += len;
    }
    return (0);
}

/* postfix_check_relay_one - one relay_clientcerts value against the compiled map */
static void postfix_check_relay_one(struct postfix_check *p, const char *file,
				            const char *service, const char *value)
{
    const char *ours = p->conf->set.value[SET_RELAY_CLIENTCERTS];

    if (*value == 0 || (*ours && postfix_check_list_has(value, ours)))
	return;
    if (*ours == 0)
	postfix_check_warn(p, file, service, "relay_clientcerts = %s, but %s writes no "
			   "relay_clientcerts map (its relay_clientcerts is empty)",
			   value, p->conf->path);
    else
	postfix_check_warn(p, file, service, "relay_clientcerts = %s, but %s compiles %s: Postfix "
		 "reads another map", value, p->conf->path, ours);
}

/* postfix_check_relay - main.cf's relay_clientcerts and every service's */
static void postfix_check_relay(struct postfix_check *p)
{
    const char *value = postconf_get(&p->main, "relay_clientcerts");
    char   *service;
    size_t  i;

    if (value)
	postfix_check_relay_one(p, "main.cf", NULL, value);
    for (i = 0; i < p->overrides.count; i++) {
	if ((service = postfix_check_override(p->overrides.entries[i].name, "relay_clientcerts"))) {
	    postfix_check_relay_one(p, "master.cf", service, p->overrides.entries[i].value);
	    free(service);
	}
    }
}

/*
 * postfix_check_fields - split a postconf -M line into at most max fields (the
 * last keeps the rest of the line); returns the count. line is changed.
 */
static int postfix_check_fields(char *line, char **fields, int max)
{
    int     n = 0;

    while (n < max && *(line += strspn(line, " \t"))) {
	fields[n++] = line;
	if (n == max)
	    break;
	line += strcspn(line, " \t");
	if (*line)
	    *line++ = 0;
    }
    return (n);
}

/* postfix_check_setting - a service's value of name: its -o override, else main.cf's */
static const char *postfix_check_setting(struct postfix_check *p, const char *service,
				                 const char *name)
{
    char    key[512];
    const char *value;

    snprintf(key, sizeof(key), "%s/%s", service, name);
    if ((value = postconf_get(&p->overrides, key)) != NULL)
	return (value);
    value = postconf_get(&p->main, name);
    return (value ? value : "");
}

/* postfix_check_ask - some smtpd service asks for (or requires) a client certificate */
static void postfix_check_ask(struct postfix_check *p)
{
    char   *fields[8], *line, service[256];
    size_t  i;
    int     asks = 0;

    for (i = 0; i < p->services.count && !asks; i++) {
	line = mem_strdup(p->services.entries[i].name);
	if (postfix_check_fields(line, fields, 8) == 8 && strncmp(fields[7], "smtpd", 5) == 0
	    && (fields[7][5] == 0 || fields[7][5] == ' ' || fields[7][5] == '\t')) {
	    snprintf(service, sizeof(service), "%s/%s", fields[0], fields[1]);
	    asks = strcasecmp(postfix_check_setting(p, service, "smtpd_tls_ask_ccert"), "yes") == 0
		|| strcasecmp(postfix_check_setting(p, service, "smtpd_tls_req_ccert"), "yes") == 0;
	}
	free(line);
    }
    if (!asks)
	postfix_check_warn(p, "master.cf", NULL, "no smtpd service sets smtpd_tls_ask_ccert = yes "
		 "(in main.cf, or -o smtpd_tls_ask_ccert=yes): no client is asked for a "
		 "certificate, so certpolicyd never sees one");
}

/* postfix_check_runs_certpolicyd - endpoint is a master.cf unix service running certpolicyd */
static int postfix_check_runs_certpolicyd(struct postfix_check *p, const char *endpoint)
{
    char   *fields[8], *line;
    size_t  i, len;
    int     found = 0;

    if (strncmp(endpoint, "unix:", 5) == 0)
	endpoint += 5;
    if (strncmp(endpoint, "private/", 8) == 0)
	endpoint += 8;
    len = strcspn(endpoint, POSTFIX_LIST_SEPARATORS "}");
    for (i = 0; i < p->services.count && !found; i++) {
	line = mem_strdup(p->services.entries[i].name);
	if (postfix_check_fields(line, fields, 8) == 8 && strlen(fields[0]) == len
	    && strncmp(fields[0], endpoint, len) == 0 && strcmp(fields[1], "unix") == 0)
	    found = strstr(fields[7], "certpolicyd") != NULL;
	free(line);
    }
    return (found);
}

/* postfix_check_names_certpolicyd - a restriction list asks a certpolicyd */
static int postfix_check_names_certpolicyd(struct postfix_check *p, const char *value)
{
    const char *word;
    size_t  len;

    while ((word = strstr(value, "check_policy_service")) != NULL) {
	value = word + strlen("check_policy_service");
	value += strspn(value, POSTFIX_LIST_SEPARATORS "{");
	len = strcspn(value, POSTFIX_LIST_SEPARATORS "}");
	if (len > 0 && (memmem(value, len, "certpolicy", 10) != NULL
			|| postfix_check_runs_certpolicyd(p, value)))
	    return (1);
    }
    return (0);
}

/* postfix_check_policy - some restriction asks a policy service that looks like ours */
static void postfix_check_policy(struct postfix_check *p)
{
    size_t  i;

    for (i = 0; i < p->set.count; i++)
	if (postfix_check_names_certpolicyd(p, p->set.entries[i].value))
	    return;
    for (i = 0; i < p->overrides.count; i++)
	if (postfix_check_names_certpolicyd(p, p->overrides.entries[i].value))
	    return;
    postfix_check_warn(p, "main.cf", NULL, "no restriction names a policy service that looks "
	     "like certpolicyd (check_policy_service with \"certpolicy\" in its name, or a master.cf "
	     "service that runs certpolicyd): Postfix never asks it");
}

/* postfix_check_read - the four postconf runs; 0, or -1 with why set */
static int postfix_check_read(struct postfix_check *p, const char *command, char *why,
			              size_t whylen)
{
    static const char *const names[] = {"-x", "config_directory", "compatibility_level",
	"smtpd_tls_fingerprint_digest", "relay_clientcerts", "smtpd_tls_ask_ccert",
    "smtpd_tls_req_ccert", NULL};
    static const char *const set[] = {"-nx", NULL};
    static const char *const services[] = {"-M", NULL};
    static const char *const overrides[] = {"-Px", NULL};

    if (postconf_run(command, names, 1, &p->main, why, whylen) < 0
	|| postconf_run(command, set, 1, &p->set, why, whylen) < 0
	|| postconf_run(command, services, 0, &p->services, why, whylen) < 0
	|| postconf_run(command, overrides, 1, &p->overrides, why, whylen) < 0)
	return (-1);
    /* the directory postconf read: Postfix 3.10 prints the compiled-in
     * config_directory even when MAIL_CONFIG chose another */
    p->dir = getenv("MAIL_CONFIG");
    if (p->dir == NULL || *p->dir == 0)
	p->dir = postconf_get(&p->main, "config_directory");
    if (p->dir == NULL) {
	snprintf(why, whylen, "%s printed no config_directory", command);
	return (-1);
    }
    return (0);
}

int     postfix_check(const struct conf *conf)
{
    const char *command = getenv("CERTPOLICY_POSTCONF");
    struct postfix_check p;
    char    why[512];

    if (command == NULL || *command == 0)
	command = "postconf";
    if (strcmp(command, "none") == 0)
	return (0);
    memset(&p, 0, sizeof(p));
    p.conf = conf;
    if (postfix_check_read(&p, command, why, sizeof(why)) < 0) {
	printf("certpolicy: Postfix not compared: %s\n", why);
    } else {
	postfix_check_digest(&p);
	postfix_check_relay(&p);
	postfix_check_ask(&p);
	postfix_check_policy(&p);
	printf("certpolicy: Postfix (%s): compared with %s: %d warning%s\n", p.dir, conf->path,
	       p.warnings, p.warnings == 1 ? "" : "s");
    }
    postconf_free(&p.main);
    postconf_free(&p.set);
    postconf_free(&p.services);
    postconf_free(&p.overrides);
    return (p.warnings);
}
