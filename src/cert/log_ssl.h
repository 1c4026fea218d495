/*
 * log_ssl - OpenSSL's error queue in our messages
 *
 * Apart from log.c so that the policy server, which never uses OpenSSL,
 * does not link it.
 *
 * DIAGNOSTICS
 *	Nothing is printed: log_ssl_reason() puts the reasons into the
 *	caller's buffer, for a why of its own.
 */
#ifndef CERTPOLICY_LOG_SSL_H
#define CERTPOLICY_LOG_SSL_H

#include "util/log.h"

/* log_ssl_reason - drain OpenSSL's error queue into buf ("" if empty) */
const char *log_ssl_reason(char *buf, unsigned len);

#endif
