/*
 * log_ssl - OpenSSL's error queue in our messages
 *
 * Apart from log.c so that the policy server, which never uses OpenSSL,
 * does not link it.
 */
#ifndef CERTPOLICY_LOG_SSL_H
#define CERTPOLICY_LOG_SSL_H

#include "util/log.h"

/* log_ssl - log_error() followed by OpenSSL's error queue, which it drains */
void    log_ssl(const char *fmt,...) LOG_PRINTF(1, 2);

/* log_ssl_reason - drain OpenSSL's error queue into buf ("" if empty) */
const char *log_ssl_reason(char *buf, unsigned len);

#endif
