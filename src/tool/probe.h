/*
 * probe - "certpolicy probe": will each tls entry deliver?
 *
 * For each tls entry of the source (or each next-hop named), the
 * servers smtp(8) would try (probe_dest), the policy it would apply
 * (probe_policy, with Postfix's settings from postconf: pfconf), and a
 * real SMTP conversation up to and through STARTTLS (smtp_client,
 * probe_tls): one row per server with the outcome "deliver" or "defer"
 * and the reason in Postfix's words. dane and dane-only entries, and
 * ".domain" entries, are rows with the outcome "unchecked".
 *
 * Limits: each network step within probe_timeout seconds, each SMTP reply
 * within probe_max_reply bytes (tool bounds, -o NAME=VALUE).
 *
 * Postfix's settings come from the command CERTPOLICY_POSTCONF names
 * (default postconf), as for check.
 *
 * DIAGNOSTICS: probe_run() prints the rows on stdout and problems that
 * stop it (postconf failed) on stderr.
 */
#ifndef CERTPOLICY_PROBE_H
#define CERTPOLICY_PROBE_H

#include "source/conf.h"

/*
 * probe_run - probe the entries of conf, or the next-hops named (count
 * of them; a named next-hop is looked up among the entries as Postfix
 * looks it up, parent domains included, else Postfix's global level
 * applies); print text or JSON. Returns 0 when every server would
 * deliver, 1 when any would defer or the probe could not run.
 */
int     probe_run(const struct conf *conf, char **nexthops, int count, int json);

#endif
