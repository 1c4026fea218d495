/*
 * lintreport - the findings of "certpolicy lint"
 *
 * A finding has a stable id (the table in certpolicy(8)), a severity, the
 * position in the served chain it concerns (0 = the first certificate, the
 * server's own; -1 = the chain or the service as a whole) and a message
 * that says how to fix it. The report owns its messages. Never prints.
 */
#ifndef CERTPOLICY_LINTREPORT_H
#define CERTPOLICY_LINTREPORT_H

#include <stddef.h>

#include "util/log.h"

enum lint_severity {
    LINT_ERROR,				/* a client fails: exit status 1 */
    LINT_WARNING,			/* some clients fail, or will soon */
    LINT_INFO,				/* worth knowing, harmless */
};

struct lint_finding {
    const char *id;			/* static: "chain-order", ... */
    enum lint_severity severity;
    int     depth;			/* -1: not one certificate's */
    char   *message;
};

struct lint_report {
    struct lint_finding *findings;
    size_t  count;
    size_t  cap;
    int     errors;
    int     warnings;
    int     infos;
};

/* lint_report_init - an empty report */
void    lint_report_init(struct lint_report *report);

/* lint_report_add - one finding; id must be a static string */
void    lint_report_add(struct lint_report *report, const char *id,
			        enum lint_severity severity, int depth,
			        const char *fmt,...) LOG_PRINTF(5, 6);

/* lint_report_free - release the messages */
void    lint_report_free(struct lint_report *report);

/* lint_severity_name - "error", "warning" or "info" */
const char *lint_severity_name(enum lint_severity severity);

#endif
