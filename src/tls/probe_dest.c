/*
 * probe_dest - the servers smtp(8) tries for a next-hop, in its order
 *
 * The MX answer is read into a buffer of the largest DNS message size;
 * every name is expanded with dn_expand() bounded by the answer's end, and
 * every fixed field is checked to lie inside it.
 */
#include "config.h"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <ctype.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "tls/probe_dest.h"

#define PROBE_DEST_MX_MAX 64		/* MX records kept */
#define PROBE_DEST_ANSWER_MAX 65536	/* a DNS message, at most */

struct probe_mx {
    int     pref;
    char    host[PROBE_DEST_NAME_MAX];
};

enum probe_mx_result { MX_FOUND, MX_NONE, MX_NXDOMAIN, MX_FAIL };

/* probe_dest_family - the address family inet_protocols allows */
static int probe_dest_family(const struct pfconf *pf)
{
    const char *p = pfconf_get(pf, PF_INET_PROTOCOLS);
    int     v4 = strstr(p, "ipv4") != NULL, v6 = strstr(p, "ipv6") != NULL;

    if (strstr(p, "all") != NULL || (v4 && v6) || (!v4 && !v6))
	return (AF_UNSPEC);
    return (v4 ? AF_INET : AF_INET6);
}

/* probe_dest_addrs - append host's addresses (at most limit in all) */
static int probe_dest_addrs(struct probe_dest *d, const char *host, int family, size_t limit,
			            char *why, size_t why_len)
{
    struct addrinfo hints, *res, *ai;
    char    port[16];
    int     err;

    memset(&hints, 0, sizeof(hints));
    hints.ai_family = family;
    hints.ai_socktype = SOCK_STREAM;
    hints.ai_flags = AI_NUMERICSERV;
    snprintf(port, sizeof(port), "%d", d->port);
    if ((err = getaddrinfo(host, port, &hints, &res)) != 0) {
	snprintf(why, why_len, "Host or domain name not found. Name service error for "
		 "name=%s type=A: %s", host, gai_strerror(err));
	return (-1);
    }
    for (ai = res; ai != NULL && d->naddr < limit; ai = ai->ai_next) {
	struct probe_addr *a = d->addr + d->naddr;

	if (ai->ai_addrlen > sizeof(a->sa))
	    continue;
	memcpy(&a->sa, ai->ai_addr, ai->ai_addrlen);
	a->salen = ai->ai_addrlen;
	snprintf(a->host, sizeof(a->host), "%s", host);
	if (getnameinfo(ai->ai_addr, ai->ai_addrlen, a->addr, sizeof(a->addr), NULL, 0,
			NI_NUMERICHOST) != 0)
	    continue;
	d->naddr++;
    }
    freeaddrinfo(res);
    return (0);
}

/* probe_dest_mx_cmp - by preference, as Postfix sorts them */
static int probe_dest_mx_cmp(const void *a, const void *b)
{
    return (((const struct probe_mx *) a)->pref - ((const struct probe_mx *) b)->pref);
}

/* probe_dest_mx - the MX records of domain, sorted; see the enum */
static enum probe_mx_result probe_dest_mx(const char *domain, struct probe_mx *mx, size_t *n,
					          char *why, size_t why_len)
{
    static unsigned char ans[PROBE_DEST_ANSWER_MAX];
    const unsigned char *p, *end;
    char    name[NS_MAXDNAME];
    int     len, count, skip, type, rdlen;

    *n = 0;
    if ((len = res_query(domain, C_IN, T_MX, ans, sizeof(ans))) < 0) {
	if (h_errno == HOST_NOT_FOUND) {
	    snprintf(why, why_len, "Host or domain name not found. Name service error for "
		     "name=%s type=MX: Host not found", domain);
	    return (MX_NXDOMAIN);
	}
	if (h_errno == NO_DATA)
	    return (MX_NONE);
	snprintf(why, why_len, "Host or domain name not found. Name service error for "
		 "name=%s type=MX: Host not found, try again", domain);
	return (MX_FAIL);
    }
    if (len < HFIXEDSZ || len > (int) sizeof(ans))
	goto malformed;
    end = ans + len;
    p = ans + HFIXEDSZ;
    for (count = (ans[4] << 8) | ans[5]; count > 0; count--) {	/* questions */
	if ((skip = dn_expand(ans, end, p, name, sizeof(name))) < 0 || end - p < skip + 4)
	    goto malformed;
	p += skip + 4;
    }
    for (count = (ans[6] << 8) | ans[7]; count > 0; count--) {	/* answers */
	if ((skip = dn_expand(ans, end, p, name, sizeof(name))) < 0 || end - p < skip + 10)
	    goto malformed;
	p += skip;
	type = (p[0] << 8) | p[1];
	rdlen = (p[8] << 8) | p[9];
	p += 10;
	if (end - p < rdlen)
	    goto malformed;
	if (type == T_MX && rdlen >= 3 && *n < PROBE_DEST_MX_MAX) {
	    if (dn_expand(ans, p + rdlen, p + 2, mx[*n].host, sizeof(mx[*n].host)) < 0)
		goto malformed;
	    mx[*n].pref = (p[0] << 8) | p[1];
	    (*n)++;
	}
	p += rdlen;
    }
    if (*n == 0)
	return (MX_NONE);
    qsort(mx, *n, sizeof(*mx), probe_dest_mx_cmp);
    return (MX_FOUND);

malformed:
    snprintf(why, why_len, "malformed DNS reply for name=%s type=MX", domain);
    return (MX_FAIL);
}

/* probe_dest_parse - domain and port of nexthop; 0 or -1 with why */
static int probe_dest_parse(const char *nexthop, struct probe_dest *d, int *bracketed,
			            char *why, size_t why_len)
{
    const char *host = nexthop, *close, *colon = NULL;
    size_t  len;
    char   *end;
    long    port = 25;
    struct servent *se;

    *bracketed = *nexthop == '[';
    if (*bracketed) {
	if ((close = strchr(nexthop, ']')) == NULL || (close[1] != 0 && close[1] != ':')) {
	    snprintf(why, why_len, "\"%s\": expected [host] or [host]:port", nexthop);
	    return (-1);
	}
	host = nexthop + 1;
	if (strncasecmp(host, "ipv6:", 5) == 0)	/* Postfix's [ipv6:ADDRESS] */
	    host += 5;
	len = (size_t) (close - host);
	colon = close[1] ? close + 1 : NULL;
    } else {
	if (*nexthop == '.') {
	    snprintf(why, why_len, "\"%s\" names the subdomains of %s: name one of them to "
		     "probe it", nexthop, nexthop + 1);
	    return (-1);
	}
	colon = strchr(nexthop, ':');
	len = colon ? (size_t) (colon - nexthop) : strlen(nexthop);
    }
    if (len == 0 || len >= sizeof(d->domain)) {
	snprintf(why, why_len, "\"%s\": no host name, or one too long", nexthop);
	return (-1);
    }
    memcpy(d->domain, host, len);
    d->domain[len] = 0;
    if (colon != NULL) {
	port = strtol(colon + 1, &end, 10);
	if (*end != 0 || end == colon + 1) {
	    if ((se = getservbyname(colon + 1, "tcp")) == NULL) {
		snprintf(why, why_len, "\"%s\": unknown service %s", nexthop, colon + 1);
		return (-1);
	    }
	    port = ntohs((unsigned short) se->s_port);
	}
	if (port < 1 || port > 65535) {
	    snprintf(why, why_len, "\"%s\": bad port", nexthop);
	    return (-1);
	}
    }
    d->port = (int) port;
    return (0);
}

/* probe_dest_resolve - the addresses, as smtp(8) finds them */
int     probe_dest_resolve(const char *nexthop, const struct pfconf *pf, struct probe_dest *d,
			           char *why, size_t why_len)
{
    static struct probe_mx mx[PROBE_DEST_MX_MAX];
    const char *dns = pfconf_get(pf, PF_DNS_SUPPORT);
    int     family = probe_dest_family(pf), bracketed;
    size_t  limit = PROBE_DEST_ADDR_MAX, nmx, i;
    long    conf_limit;
    char   *end;

    memset(d, 0, sizeof(*d));
    if (probe_dest_parse(nexthop, d, &bracketed, why, why_len) < 0)
	return (-1);
    conf_limit = strtol(pfconf_get(pf, PF_MX_ADDRESS_LIMIT), &end, 10);
    if (*end == 0 && conf_limit > 0 && (size_t) conf_limit < limit)
	limit = (size_t) conf_limit;
    if (bracketed || strcasecmp(dns, "disabled") == 0 || pfconf_yes(pf, PF_DISABLE_DNS)) {
	(void) probe_dest_addrs(d, d->domain, family, limit, d->why, sizeof(d->why));
	return (0);
    }
    switch (probe_dest_mx(d->domain, mx, &nmx, d->why, sizeof(d->why))) {
    case MX_NONE:
    case MX_NXDOMAIN:				/* DNS_NOTFOUND: a host lookup */
	(void) probe_dest_addrs(d, d->domain, family, limit, d->why, sizeof(d->why));
	return (0);
    case MX_FOUND:
	break;
    default:
	return (0);
    }
    d->is_mx = 1;
    if (nmx == 1 && strcmp(mx[0].host, "") == 0) {
	snprintf(d->why, sizeof(d->why), "Domain %s does not accept mail (nullMX)", d->domain);
	return (0);
    }
    for (i = 0; i < nmx && d->naddr < limit; i++)
	(void) probe_dest_addrs(d, mx[i].host, family, limit, d->why, sizeof(d->why));
    if (d->naddr > 0)
	*d->why = 0;
    return (0);
}
