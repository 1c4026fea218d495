/*
 * probe_dest - the servers smtp(8) tries for a next-hop, in its order
 *
 * As Postfix 3.7 resolves a destination (smtp_connect.c,
 * smtp_parse_destination(); smtp_addr.c): "[host]" and "[host]:port" are
 * that host, port 25 by default, no MX lookup; "domain" and "domain:port"
 * are the domain's MX hosts by preference, or the domain's own addresses
 * when the MX lookup finds no record or no such name (smtp_addr.c,
 * smtp_domain_addr(): DNS_NOTFOUND means a host lookup, which may still
 * find the name in /etc/hosts), unless DNS lookups are off
 * (smtp_dns_support_level = disabled, or disable_dns_lookups = yes): then
 * the domain is looked up as a host. Addresses come from the system
 * resolver (getaddrinfo), of the families inet_protocols allows; at most
 * smtp_mx_address_limit of them (0: no limit) are kept. MX records are
 * asked with res_query() and the answer is parsed with every length
 * checked against the message.
 *
 * DIAGNOSTICS: probe_dest_resolve() returns -1 with why for a next-hop it
 * cannot take (".domain", a bad port); a destination that does not
 * resolve is a result with no address and the reason in d->why, in
 * Postfix's words ("Host or domain name not found").
 */
#ifndef CERTPOLICY_PROBE_DEST_H
#define CERTPOLICY_PROBE_DEST_H

#include <stddef.h>
#include <sys/socket.h>

#include "tls/pfconf.h"

#define PROBE_DEST_NAME_MAX 256		/* a DNS name, 255 octets */
#define PROBE_DEST_ADDR_MAX 64		/* addresses kept, at most */

struct probe_addr {
    char    host[PROBE_DEST_NAME_MAX];	/* MX host or the host itself */
    char    addr[64];			/* numeric address */
    struct sockaddr_storage sa;
    socklen_t salen;
};

struct probe_dest {
    char    domain[PROBE_DEST_NAME_MAX];	/* the next-hop domain, no [] or port */
    int     port;
    int     is_mx;			/* hosts came from MX records */
    struct probe_addr addr[PROBE_DEST_ADDR_MAX];
    size_t  naddr;
    char    why[512];			/* when naddr == 0 */
};

/* probe_dest_resolve - the addresses for nexthop; 0, or -1 with why */
int     probe_dest_resolve(const char *nexthop, const struct pfconf *pf, struct probe_dest *d,
			           char *why, size_t why_len);

#endif
