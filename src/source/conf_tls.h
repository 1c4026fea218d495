/*
 * conf_tls - the tls lines of certpolicy.conf, checked once the file is read
 *
 * A tls line's rules depend on settings that may come later in the file
 * (fingerprint_digest, for the match= fingerprints of a fingerprint
 * entry), so the lines are kept as they are read and checked together at
 * the end, in file order: every word must survive the trip through a
 * policy map (tls_value), the entry must be one Postfix 3.7's smtp accepts
 * (tls_policy), and a next-hop may appear once, compared without regard
 * to case as Postfix looks it up (postmap folds keys and keeps the first
 * of two that fold the same). Good entries go to conf->tls.
 *
 * DIAGNOSTICS: problems go to the collector conf->diag (diag.h) with
 * their line; nothing is printed.
 */
#ifndef CERTPOLICY_CONF_TLS_H
#define CERTPOLICY_CONF_TLS_H

#include <stddef.h>

#include "source/conf.h"
#include "util/srcword.h"

struct conf_tls_line;

struct conf_tls_lines {
    struct conf_tls_line *line;
    size_t  count;
    size_t  cap;
};

/* conf_tls_keep - copy the words of a tls line ("tls" NEXTHOP ...) read at line */
void    conf_tls_keep(struct conf_tls_lines *lines, const struct srcwords *words, int line);

/* conf_tls_check - check the kept lines into conf->tls, then release them */
void    conf_tls_check(struct conf *conf, struct conf_tls_lines *lines);

#endif
