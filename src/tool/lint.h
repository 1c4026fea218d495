/*
 * lint - "certpolicy lint": a mail server's own certificates, checked
 * before its clients fail
 *
 * Reads a chain file as a server presents it (leaf first; PEM, DER or
 * PKCS#7, a private key in it is checked too), or, with --connect, the
 * chain a live service sends, and reports the findings of certlint,
 * chainlint and cipherlint (ids in certpolicy(8)). Exit status: 0 without
 * errors, 1 with errors (or when the input could not be read), 2 usage.
 */
#ifndef CERTPOLICY_LINT_H
#define CERTPOLICY_LINT_H

#include "policy/bounds.h"

/* LINT_MAX_NAMES: --name options at most; LINT_MAX_CIPHERS: --ciphers */
#define LINT_MAX_NAMES		32
#define LINT_MAX_CIPHERS	8
#define LINT_DEFAULT_DAYS	30
#define LINT_MAX_DAYS		36500

/*
 * lint_main - argv[0] is "lint"; bounds (max_cert_size, max_chain_certs)
 * limit every file read. Returns the exit status.
 */
int     lint_main(const struct bounds *bounds, int argc, char **argv);

#endif
