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
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/log.h"

#define LOG_LINE_MAX 4096

static const char *log_name = "certpolicy";
static enum log_sink log_sink = LOG_SINK_STDERR;
static int log_fd = -1;
static long log_pid;				/* for -L lines; getpid() is a system call */
static int log_holding;				/* -L lines wait in log_held */
static char log_held[32768];
static size_t log_held_len;

/* log_open - name the program and choose where messages go */
void    log_open(const char *progname, enum log_sink sink)
{
    log_name = progname;
    log_sink = sink;
    if (sink == LOG_SINK_SYSLOG)
	openlog(progname, LOG_PID | LOG_NDELAY, LOG_MAIL);
}

/* log_file - append messages to path instead */
int     log_file(const char *path)
{
    if ((log_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640)) < 0)
	return (-1);
    log_sink = LOG_SINK_FILE;
    log_pid = (long) getpid();
    return (0);
}

void    log_hold(void)
{
    log_holding = 1;
}

/*
 * log_write - all of buf to the -L file, resumed after a partial write or a
 * signal. A line that cannot be written is dropped: a full or broken log
 * file must not stop the answers.
 */
static void log_write(const char *buf, size_t len)
{
    ssize_t n;

    while (len > 0) {
	if ((n = write(log_fd, buf, len)) < 0) {
	    if (errno == EINTR)
		continue;
	    return;
	}
	buf += n;
	len -= (size_t) n;
    }
}

/* log_flush - write the lines held */
void    log_flush(void)
{
    if (log_held_len > 0 && log_fd >= 0)
	log_write(log_held, log_held_len);
    log_held_len = 0;
}

/* log_put - one -L line: held, or written at once */
static void log_put(const char *line, size_t len)
{
    if (!log_holding) {
	log_write(line, len);
	return;
    }
    if (log_held_len + len > sizeof(log_held))
	log_flush();
    memcpy(log_held + log_held_len, line, len);
    log_held_len += len;
}

/* log_syslog_reachable - is there a local syslog socket to send to */
int     log_syslog_reachable(void)
{
    struct stat st;

    return (stat(LOG_SYSLOG_SOCKET, &st) == 0 && S_ISSOCK(st.st_mode));
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
    } else if (log_sink == LOG_SINK_FILE) {
	char    line[LOG_LINE_MAX + 128];
	char    stamp[32];
	time_t  now = time(NULL);
	struct tm tm;
	int     n;

	strftime(stamp, sizeof(stamp), "%Y-%m-%dT%H:%M:%S", localtime_r(&now, &tm));
	n = snprintf(line, sizeof(line), "%s %s[%ld]: %s%s\n", stamp, log_name,
		     log_pid, label, text);
	if (n > 0)
	    log_put(line, (size_t) n < sizeof(line) ? (size_t) n : sizeof(line) - 1);
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
    log_flush();
    exit(1);
}

/* log_panic - our own bug: report and abort */
void    log_panic(const char *fmt, ...)
{
    LOG_BODY(LOG_CRIT, "panic: ", 0);
    log_flush();
    abort();
}
