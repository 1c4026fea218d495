/*
 * certpolicyd - the Postfix policy server of certpolicy
 *
 * Parses the command line, opens the listening sockets and runs the
 * server loop. Three ways to run, one binary: no -l and no LISTEN_FDS:
 * spawn mode on stdin/stdout (stderr is then Postfix's socket, so it is
 * pointed at /dev/null before anything else); LISTEN_FDS from systemd;
 * -l endpoints. Messages go to syslog (facility mail), to a file with -L,
 * or to stderr with -e when not in spawn mode.
 */
#include "config.h"

#include <fcntl.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "policy/bounds.h"
#include "daemon/listen.h"
#include "util/log.h"
#include "util/mem.h"
#include "policy/policy_db.h"
#include "daemon/privs.h"
#include "daemon/server.h"

#ifndef CERTPOLICY_STATEDIR
#define CERTPOLICY_STATEDIR "/var/lib/certpolicy"
#endif

static const char usage_text[] =
"usage: certpolicyd [-d DATABASE] [-l unix:PATH[,mode=OCTAL][,owner=USER][,group=GROUP]\n"
"                   | -l inet:HOST:PORT]... [-o NAME=VALUE]... [-u USER] [-e | -L LOGFILE] [-v]\n";

static int systemd_mode;

/* ready - tell systemd, when it started us */
static void ready(void)
{
    if (systemd_mode)
	listen_notify("READY=1");
}

/*
 * open_files - room for max_connections: raise the soft open-file limit
 * toward the hard one, or lower max_connections to what fits (once, with
 * a warning). The reserve covers the database, status database, log,
 * change watch and the nlisten listening sockets (room for 16 at least).
 */
static void open_files(struct bounds *bounds, int nlisten)
{
    const rlim_t reserve = (rlim_t) (nlisten > 16 ? nlisten : 16) + 16;
    long long *max = &bounds->value[BOUND_MAX_CONNECTIONS];
    rlim_t  want = (rlim_t) *max + reserve;
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= want)
	return;
    rl.rlim_cur = rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want ? rl.rlim_max : want;
    if (setrlimit(RLIMIT_NOFILE, &rl) < 0 && getrlimit(RLIMIT_NOFILE, &rl) < 0)
	return;
    if (rl.rlim_cur < want) {
	*max = rl.rlim_cur > reserve + 1 ? (long long) (rl.rlim_cur - reserve) : 1;
	log_warn("the open-file limit is %llu: max_connections lowered to %lld",
		 (unsigned long long) rl.rlim_cur, *max);
    }
}

/* usage - complain where the administrator can see it, exit 2 */
static void usage(const char *why)
{
    if (why != NULL)
	log_error("%s", why);
    if (isatty(2))
	fputs(usage_text, stderr);
    exit(2);
}

int     main(int argc, char **argv)
{
    const char **endpoints = mem_calloc((size_t) argc, sizeof(*endpoints));
    int    *fds;
    int     nendpoints = 0, nfds = 0, to_stderr = 0, verbose = 0;
    const char *database = CERTPOLICY_STATEDIR "/certpolicy.cdb";
    const char *logfile = NULL, *user = NULL;
    struct bounds bounds;
    struct server_config cfg;
    struct policy_db db;
    int     ch, i, passed, spawn;
    char    why[4096];			/* log.c's line, so nothing is cut sooner */

    bounds_init(&bounds, bounds_daemon, BOUND_DAEMON_COUNT);
    log_open("certpolicyd", isatty(2) ? LOG_SINK_STDERR : LOG_SINK_SYSLOG);
    if (argc > 1 && strcmp(argv[1], "--help") == 0) {
	fputs(usage_text, stdout);
	exit(0);
    }
    while ((ch = getopt(argc, argv, "d:hl:o:eL:u:v")) != -1) {
	switch (ch) {
	case 'd':
	    database = optarg;
	    break;
	case 'l':
	    endpoints[nendpoints++] = optarg;
	    break;
	case 'o':
	    if (bounds_set(&bounds, optarg, why, sizeof(why)) < 0) {
		log_error("-o %s: %s", optarg, why);
		usage(NULL);
	    }
	    break;
	case 'e':
	    to_stderr = 1;
	    break;
	case 'L':
	    logfile = optarg;
	    break;
	case 'u':
	    user = optarg;
	    break;
	case 'v':
	    verbose++;
	    break;
	case 'h':
	    fputs(usage_text, stdout);
	    exit(0);
	default:
	    usage(NULL);
	}
    }
    if (optind != argc)
	usage("unexpected arguments");
    if (to_stderr)
	log_open("certpolicyd", LOG_SINK_STDERR);	/* -e holds for start-up errors too */
    if ((passed = listen_systemd(why, sizeof(why))) < 0) {
	log_error("%s", why);
	exit(1);
    }
    spawn = passed == 0 && nendpoints == 0;
    if (spawn) {
	/* stderr is the SMTP server's socket: nothing may ever go there. */
	int     null = open("/dev/null", O_WRONLY);

	if (null >= 0 && null != 2) {
	    dup2(null, 2);
	    close(null);
	}
	to_stderr = 0;
    }
    log_open("certpolicyd", to_stderr ? LOG_SINK_STDERR : LOG_SINK_SYSLOG);
    if (logfile != NULL && log_file(logfile) < 0) {
	/* Answering matters more than logging: say so where it can be seen. */
	log_warn_errno("-L %s: cannot open the log file; logging to %s instead", logfile,
		       to_stderr ? "standard error" : "syslog");
	logfile = NULL;
    }
    if (logfile == NULL && !to_stderr && !spawn && !log_syslog_reachable())
	fprintf(stderr, "certpolicyd: warning: %s is not a socket: syslog messages are lost; "
		"use -L FILE or -e\n", LOG_SYSLOG_SOCKET);
    if (nendpoints > bounds.value[BOUND_MAX_LISTEN_SOCKETS]) {
	log_error("%d -l endpoints, more than max_listen_sockets (%lld)", nendpoints,
		  bounds.value[BOUND_MAX_LISTEN_SOCKETS]);
	exit(2);
    }
    if (passed + nendpoints > bounds.value[BOUND_MAX_LISTEN_SOCKETS]) {
	log_error("LISTEN_FDS: %d sockets passed%s, more than max_listen_sockets (%lld)",
		  passed, nendpoints ? " besides the -l endpoints" : "",
		  bounds.value[BOUND_MAX_LISTEN_SOCKETS]);
	exit(1);
    }
    systemd_mode = passed > 0;
    if (!spawn)
	open_files(&bounds, passed + nendpoints);
    fds = mem_calloc((size_t) (passed + nendpoints), sizeof(*fds));
    for (i = 0; i < passed; i++)
	fds[nfds++] = 3 + i;
    for (i = 0; i < nendpoints; i++)
	if ((fds[nfds++] = listen_open(endpoints[i], why, sizeof(why))) < 0) {
	    log_error("%s", why);
	    exit(1);
	}
    /* Sockets and the log file are open: nothing more needs privilege. */
    if (privs_settle(user, why, sizeof(why)) < 0) {
	log_error("%s", why);
	exit(1);
    }

    policy_db_init(&db, database);
    policy_db_watch(&db);
    memset(&cfg, 0, sizeof(cfg));
    cfg.db = &db;
    cfg.bounds = &bounds;
    cfg.verbose = verbose;
    cfg.listen_fds = fds;
    cfg.nlisten = nfds;
    cfg.spawn = spawn;
    cfg.ready = ready;
    if (verbose)
	log_info("starting: %s mode, database %s", spawn ? "spawn" : systemd_mode ?
		 "socket activation" : "listening", database);
    server_run(&cfg);
    if (systemd_mode)
	listen_notify("STOPPING=1");
    for (i = 0; i < nfds; i++)
	listen_close(fds[i], i >= passed);
    policy_db_free(&db);
    free(fds);
    free(endpoints);
    return (0);
}
