/*
 * log_ssl - OpenSSL's error queue in our messages
 *
 * Every queued error is drained, so a later message never shows an old
 * reason; what does not fit in the buffer is dropped.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <openssl/err.h>

#include "cert/log_ssl.h"

/* log_ssl_reason - drain OpenSSL's error queue into buf */
const char *log_ssl_reason(char *buf, unsigned len)
{
    unsigned long code;
    size_t  used = 0;
    const char *data;
    int     flags;

    buf[0] = 0;
    while ((code = ERR_get_error_all(NULL, NULL, NULL, &data, &flags)) != 0) {
	char    one[256];

	ERR_error_string_n(code, one, sizeof(one));
	if (used + 3 >= len)
	    continue;
	snprintf(buf + used, len - used, "%s%s%s%s", used ? "; " : "", one,
		 (flags & ERR_TXT_STRING) && *data ? ": " : "",
		 (flags & ERR_TXT_STRING) ? data : "");
	used = strlen(buf);
    }
    return (buf);
}
