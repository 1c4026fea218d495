/*
 * log - diagnostics for certpolicy and certpolicyd
 *
 * Messages are formatted into a fixed buffer (a long message is cut, never
 * overflowed) and written with one write to stderr or one syslog() call.
 * Tool messages look like "certpolicy: warning: text"; lines that name a
 * place in a file are printed by the caller as "FILE:LINE: text" through
 * log_error()/log_warn() with the place already in the text.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include <openssl/err.h>

#include "log.h"

#define LOG_LINE_MAX 2048

static const char *log_name = "certpolicy";
static enum log_sink log_sink = LOG_SINK_STDERR;

/* log_open - name the program and choose where messages go */
void    log_open(const char *progname, enum log_sink sink)
{
    log_name = progname;
    log_sink = sink;
    if (sink == LOG_SINK_SYSLOG)
	openlog(progname, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

/* log_progname - the name given to log_open() */
const char *log_progname(void)
{
    return (log_name);
}

/* log_emit - format and send one message */
static void log_emit(int prio, const char *label, int err, const char *fmt, va_list ap)
{
    char    text[LOG_LINE_MAX];
    size_t  len;

    vsnprintf(text, sizeof(text), fmt, ap);
    len = strlen(text);
    if (err)
	snprintf(text + len, sizeof(text) - len, ": %s", strerror(err));

    if (log_sink == LOG_SINK_SYSLOG) {
	syslog(prio, "%s%s", label, text);
    } else {
	fflush(stdout);
	fprintf(stderr, "%s: %s%s\n", log_name, label, text);
    }
}

#define LOG_BODY(prio, label, err) do { \
	va_list ap; \
	va_start(ap, fmt); \
	log_emit((prio), (label), (err), fmt, ap); \
	va_end(ap); \
    } while (0)

/* log_info - a notice */
void    log_info(const char *fmt, ...)
{
    LOG_BODY(LOG_INFO, "", 0);
}

/* log_warn - something is wrong, work goes on */
void    log_warn(const char *fmt, ...)
{
    LOG_BODY(LOG_WARNING, "warning: ", 0);
}

/* log_warn_errno - log_warn() with the reason from errno */
void    log_warn_errno(const char *fmt, ...)
{
    int     err = errno;

    LOG_BODY(LOG_WARNING, "warning: ", err);
}

/* log_error - the work failed */
void    log_error(const char *fmt, ...)
{
    LOG_BODY(LOG_ERR, "", 0);
}

/* log_error_errno - log_error() with the reason from errno */
void    log_error_errno(const char *fmt, ...)
{
    int     err = errno;

    LOG_BODY(LOG_ERR, "", err);
}

/* log_fatal - the environment failed: report and exit 1 */
void    log_fatal(const char *fmt, ...)
{
    LOG_BODY(LOG_CRIT, "fatal: ", 0);
    exit(1);
}

/* log_panic - our own bug: report and abort */
void    log_panic(const char *fmt, ...)
{
    LOG_BODY(LOG_CRIT, "panic: ", 0);
    abort();
}

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
	    continue;				/* keep draining */
	snprintf(buf + used, len - used, "%s%s%s%s", used ? "; " : "", one,
		 (flags & ERR_TXT_STRING) && *data ? ": " : "",
		 (flags & ERR_TXT_STRING) ? data : "");
	used = strlen(buf);
    }
    return (buf);
}

/* log_ssl - log_error() followed by OpenSSL's error queue */
void    log_ssl(const char *fmt, ...)
{
    char    text[LOG_LINE_MAX];
    char    reason[LOG_LINE_MAX];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(text, sizeof(text), fmt, ap);
    va_end(ap);
    log_ssl_reason(reason, sizeof(reason));
    log_error("%s%s%s", text, *reason ? ": " : "", reason);
}
