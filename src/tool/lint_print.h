/*
 * lint_print - what "certpolicy lint" saw and found, as text or JSON
 *
 * Text: one line per certificate ("depth N: ..."), one per finding
 * ("SEVERITY ID depth=N: MESSAGE", or without depth= for the service as a
 * whole), then a summary line. JSON: one object with "findings" (id,
 * severity, depth, message), "chain" (depth, subject, issuer, not_before,
 * not_after, key, signature, san) and, for a live service, "protocol" and
 * "cipher". Writes to stdout.
 */
#ifndef CERTPOLICY_LINT_PRINT_H
#define CERTPOLICY_LINT_PRINT_H

#include "cert/lintreport.h"

struct stack_st_X509;

struct lint_seen {
    const char *source;			/* the file, or HOST:PORT */
    struct stack_st_X509 *chain;	/* NULL when none was had */
    const char *protocol;		/* negotiated, or NULL (a file) */
    const char *cipher;
};

/* lint_print - the whole result, text or JSON */
void    lint_print(const struct lint_seen *seen, const struct lint_report *report, int json);

#endif
