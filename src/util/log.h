/*
 * log - diagnostics for certpolicy and certpolicyd
 *
 * One place for every message the programs print. The tool writes to
 * stderr; the daemon writes to syslog (facility mail); in spawn mode the
 * daemon writes nothing to stderr, ever, because stderr is the SMTP
 * server's socket.
 *
 * log_warn() carries on; log_fatal() means the environment failed and
 * exits 1; log_panic() means our own bug and aborts. The _errno variants
 * append ": strerror(errno)".
 */
#ifndef CERTPOLICY_LOG_H
#define CERTPOLICY_LOG_H

#if defined(__GNUC__) || defined(__clang__)
#define LOG_PRINTF(f, a) __attribute__((format(printf, f, a)))
#define LOG_NORETURN __attribute__((noreturn))
#else
#define LOG_PRINTF(f, a)
#define LOG_NORETURN
#endif

enum log_sink {
    LOG_SINK_STDERR,		/* the command-line tool */
    LOG_SINK_SYSLOG,		/* the daemon */
    LOG_SINK_FILE,		/* the daemon with -L */
};

/* log_open - name the program and choose where messages go */
void    log_open(const char *progname, enum log_sink sink);

/* log_file - append messages to path instead (daemon, -L); 0 or -1 */
int     log_file(const char *path);

/*
 * log_hold - with -L, keep lines in memory until log_flush() (or until
 * the buffer fills, or a fatal message): a server flushes once per round
 * of answers, so many decisions cost one write. Other sinks ignore it.
 */
void    log_hold(void);
void    log_flush(void);

#define LOG_SYSLOG_SOCKET "/dev/log"

/* log_syslog_reachable - 1 when the local syslog socket exists, else 0 */
int     log_syslog_reachable(void);

/* log_progname - the name given to log_open() */
const char *log_progname(void);

/* log_info - a notice: syslog only, or stderr in the tool */
void    log_info(const char *fmt, ...) LOG_PRINTF(1, 2);

/* log_warn - something is wrong, work goes on */
void    log_warn(const char *fmt, ...) LOG_PRINTF(1, 2);
void    log_warn_errno(const char *fmt, ...) LOG_PRINTF(1, 2);

/* log_error - the work failed; the caller decides how to go on */
void    log_error(const char *fmt, ...) LOG_PRINTF(1, 2);
void    log_error_errno(const char *fmt, ...) LOG_PRINTF(1, 2);

/* log_fatal - the environment failed: report and exit 1 */
void    log_fatal(const char *fmt, ...) LOG_PRINTF(1, 2) LOG_NORETURN;

/* log_panic - our own bug: report and abort */
void    log_panic(const char *fmt, ...) LOG_PRINTF(1, 2) LOG_NORETURN;

#endif
