/*
 * lintreport - the findings of "certpolicy lint"
 *
 * Messages are formatted into a bounded buffer (LINT_MESSAGE_MAX bytes):
 * a longer one is cut, never overflows.
 */
#include "config.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cert/lintreport.h"
#include "util/mem.h"

#define LINT_MESSAGE_MAX 1024

/* lint_report_init - an empty report */
void    lint_report_init(struct lint_report *report)
{
    memset(report, 0, sizeof(*report));
}

/* lint_report_add - append one finding */
void    lint_report_add(struct lint_report *report, const char *id,
			        enum lint_severity severity, int depth, const char *fmt,...)
{
    struct lint_finding *f;
    char    text[LINT_MESSAGE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    report->findings = mem_grow(report->findings, report->count, &report->cap,
				sizeof(*report->findings));
    f = report->findings + report->count++;
    f->id = id;
    f->severity = severity;
    f->depth = depth;
    f->message = mem_strdup(text);
    if (severity == LINT_ERROR)
	report->errors++;
    else if (severity == LINT_WARNING)
	report->warnings++;
    else
	report->infos++;
}

/* lint_report_free - release the messages */
void    lint_report_free(struct lint_report *report)
{
    size_t  i;

    for (i = 0; i < report->count; i++)
	free(report->findings[i].message);
    free(report->findings);
    lint_report_init(report);
}

/* lint_severity_name - the word for a severity */
const char *lint_severity_name(enum lint_severity severity)
{
    return (severity == LINT_ERROR ? "error" : severity == LINT_WARNING ? "warning" : "info");
}
