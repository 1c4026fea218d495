/*
 * certpolicy - the administrator's tool
 *
 * Parses the command line and calls the modules. Exit status: 0 success,
 * 1 the input or the work failed, 2 usage.
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/atomic_file.h"
#include "policy/bounds.h"
#include "policy/cdbfile.h"
#include "cert/cert.h"
#include "cert/certfile.h"
#include "source/clientset.h"
#include "tool/compile.h"
#include "source/conf.h"
#include "policy/dbrec.h"
#include "tool/edit.h"
#include "tool/fingerprint.h"
#include "source/edit_check.h"
#include "util/file_read.h"
#include "tool/lint.h"
#include "tool/list.h"
#include "tool/postfix_check.h"
#include "util/log.h"
#include "tool/probe.h"
#include "tool/query.h"
#include "tool/refresh.h"
#include "policy/settings.h"
#include "util/sigguard.h"
#include "util/srclock.h"
#include "policy/statusrec.h"
#include "util/timeutil.h"

#ifndef CERTPOLICY_CONFDIR
#define CERTPOLICY_CONFDIR "/etc/certpolicy"
#endif

#define EXIT_USAGE 2

static const char usage_text[] =
"usage: certpolicy [-c CONFIG] [-o NAME=VALUE]... COMMAND [ARGS]\n"
"commands:\n"
"  check                          check the source file and how Postfix uses it;\n"
"                                 write nothing\n"
"  compile [--no-postmap]         write the database and the Postfix maps\n"
"  list [--expiring DAYS] [--json]\n"
"                                 one row per client\n"
"  enroll NAME CERTFILE|FINGERPRINT...\n"
"                                 add a client (or certificates to one), compile\n"
"  revoke NAME [--reason TEXT] [--date YYYY-MM-DD]\n"
"                                 take a client's certificates away, compile\n"
"  query --cert FILE | --fingerprint HEX\n"
"                                 what certpolicyd answers now, and why\n"
"  refresh                        fetch CRL/OCSP status into status_database\n"
"  probe [--json] [NEXTHOP...]    connect to each tls entry's servers as Postfix's\n"
"                                 smtp would: deliver or defer, and why\n"
"  fingerprint [--digest NAME] [--password-file FILE] FILE...\n"
"                                 print certificate and public-key fingerprints\n"
"  lint [--json] [--name HOST]... [--key FILE] [--ciphers LIST]... [--days N]\n"
"       [--trust FILE] FILE | --connect HOST:PORT [--starttls smtp|imap|pop3|none]\n"
"                                 check a server's own certificate chain\n"
"  version                        print the version\n";

/* usage - complain and exit 2 */
static void usage(const char *why)
{
    if (why != NULL)
	fprintf(stderr, "certpolicy: %s\n", why);
    fputs(usage_text, stderr);
    exit(EXIT_USAGE);
}

struct tool {
    const char *config;
    struct bounds bounds;
    int     need_x509;			/* refresh: no certificate cache */
};

/*
 * tool_load - read the source and resolve its clients; exits 1 on errors.
 * Warnings are printed only with_warnings (not by list, which shows the
 * states itself).
 */
static struct clientset *tool_load(struct tool *tool, int with_warnings, const char *failed)
{
    struct conf *conf;
    struct clientset *set;
    char    why[512];

    if ((conf = conf_read(tool->config, &tool->bounds, why, sizeof(why))) == NULL) {
	log_error("%s: %s", tool->config, why);
	exit(1);
    }
    set = tool->need_x509 ? clientset_build(conf, time_now())
	: clientset_build_cached(conf, time_now());
    diag_print(&conf->diag, with_warnings || conf->diag.errors);
    if (conf->diag.errors) {
	fflush(stdout);
	fprintf(stderr, "certpolicy: %s: %d error%s, %d warning%s%s\n", conf->path,
		conf->diag.errors, conf->diag.errors == 1 ? "" : "s",
		conf->diag.warnings, conf->diag.warnings == 1 ? "" : "s", failed);
	exit(1);
    }
    return (set);
}

static struct srclock tool_srclock = {-1, NULL, 0};

/* tool_unlock - at exit: release the writer lock (and remove its file) */
static void tool_unlock(void)
{
    srclock_release(&tool_srclock);
}

/*
 * tool_unguard - the end of a writer's run: a SIGINT, SIGTERM or SIGHUP
 * that arrived meanwhile (the run stopped for it) now ends the process,
 * after the lock file is removed (exit handlers do not run then)
 */
static void tool_unguard(void)
{
    fflush(stdout);
    if (sigguard_pending())
	tool_unlock();
    sigguard_release();
}

/*
 * tool_lock - one writer at a time: wait at most lock_wait seconds for the
 * lock on the source, held until the process exits; exits 1 on failure.
 * Then the temporary files a killed writer left beside the source go.
 */
static void tool_lock(struct tool *tool)
{
    char    why[512];
    char   *real;

    if (srclock_take(&tool_srclock, tool->config, tool->bounds.value[BOUND_LOCK_WAIT],
		     why, sizeof(why)) < 0) {
	log_error("%s: %s: nothing was changed", tool->config, why);
	exit(1);
    }
    atexit(tool_unlock);
    real = realpath(tool->config, NULL);
    (void) atomic_sweep(real ? real : tool->config);
    free(real);
}

/*
 * tool_check_config - -c is held to the rules of a path in the source: a
 * control character (a newline could end a map's comment line) is
 * refused; exits 2
 */
static void tool_check_config(const char *config)
{
    char    why[256];

    if (edit_check_text("-c", config, why, sizeof(why)) < 0) {
	log_error("%s", why);
	exit(EXIT_USAGE);
    }
}

/* tool_release - free what tool_load() made */
static void tool_release(struct clientset *set)
{
    struct conf *conf = set->conf;

    clientset_free(set);
    conf_free(conf);
}

static void tool_summary(const struct clientset *set, const char *verb);

/*
 * tool_compile_if_changed - refresh writes statuses for what certpolicyd
 * answers from, so a source edited by hand and not compiled is compiled
 * first (its settings, such as revocation_check, live in the database).
 * Returns 0, or -1 when that compile failed (reported).
 */
static int tool_compile_if_changed(struct clientset *set)
{
    if (compile_current(set->conf))
	return (0);
    printf("certpolicy: %s: the source differs from what was compiled into %s: "
	   "compiling it first\n", set->conf->path, set->conf->set.value[SET_DATABASE]);
    if (compile_run(set, 1) < 0)
	return (-1);
    tool_summary(set, "compiled");
    return (0);
}

/*
 * tool_refresh_enrolled - with revocation checking on, a newly enrolled
 * certificate has no status yet and would be deferred until the next
 * refresh: fetch every status now (bounded by fetch_timeout, as refresh
 * is). Returns 0, or 1 when the refresh failed (the client is enrolled
 * all the same; the message says what it gets meanwhile).
 */
static int tool_refresh_enrolled(struct tool *tool)
{
    struct clientset *set;
    int     ret = 0;

    set = tool_load(tool, 0, "");		/* the cache: no parse unless needed */
    if (set->conf->set.revocation_on) {
	tool_release(set);
	tool->need_x509 = 1;
	set = tool_load(tool, 0, "");
	printf("certpolicy: fetching revocation statuses now (revocation_check = %s)\n",
	       set->conf->set.value[SET_REVOCATION_CHECK]);
	fflush(stdout);
	if (refresh_run(set) != 0) {
	    fprintf(stderr, "certpolicy: enrolled, but a status could not be fetched: until a "
		    "refresh succeeds such a client gets %s\n",
		    set->conf->set.failure_permits ?
		    "permit_action with a warning (revocation_failure = permit)" :
		    "unavailable_action");
	    ret = 1;
	}
    }
    tool_release(set);
    return (ret);
}

/* tool_summary - the one-line summary of check and compile */
static void tool_summary(const struct clientset *set, const char *verb)
{
    const struct conf *conf = set->conf;

    printf("certpolicy: %s: %s %zu client%s (%zu active, %zu revoked", conf->path, verb,
	   conf->nclients, conf->nclients == 1 ? "" : "s", set->active, set->revoked);
    if (set->fingerprint_only)
	printf(", %zu known only by fingerprint: no expiry or revocation checks",
	       set->fingerprint_only);
    printf("), %zu tls entr%s, %d warning%s\n", conf->ntls, conf->ntls == 1 ? "y" : "ies",
	   conf->diag.warnings, conf->diag.warnings == 1 ? "" : "s");
}

/*
 * tool_finish_pending - a writer's first step after the lock: an enroll
 * or revoke a killed run left in the overlay of recent edits is finished
 * (edit_finish_pending()); then the source is read again. Exits 1 when
 * it cannot be finished (the edit stays in effect).
 */
static struct clientset *tool_finish_pending(struct tool *tool, struct clientset *set,
					             int strict, const char *failure)
{
    struct edit_request req;
    int     ret;

    memset(&req, 0, sizeof(req));
    req.config = tool->config;
    req.bounds = &tool->bounds;
    req.run_postmap = 1;
    if ((ret = edit_finish_pending(&req, set->conf)) == 0)
	return (set);
    tool_release(set);
    if (ret < 0)
	exit(1);
    return (tool_load(tool, strict, failure));
}

/*
 * tool_pending_view - list shows what certpolicyd answers from: with an
 * enroll or revoke pending in the overlay of recent edits (a run killed
 * after it), the source as it reads with that edit (edit_pending_view()),
 * and a note on stderr
 */
static struct clientset *tool_pending_view(struct tool *tool, struct clientset *set)
{
    struct edit_request req;
    struct conf *view;
    char    note[1024] = "";

    memset(&req, 0, sizeof(req));
    req.config = tool->config;
    req.bounds = &tool->bounds;
    view = edit_pending_view(&req, set->conf, note, sizeof(note));
    if (*note)
	fprintf(stderr, "certpolicy: %s: %s\n", tool->config, note);
    if (view == NULL)
	return (set);
    diag_discard(&view->diag);
    tool_release(set);
    set = tool->need_x509 ? clientset_build(view, time_now()) : clientset_build_cached(view, time_now());
    diag_discard(&view->diag);
    return (set);
}

/* cmd_check - validate, write nothing */
static int cmd_check(struct tool *tool, int argc, char **argv)
{
    struct clientset *set;

    (void) argv;
    if (argc > 1)
	usage("check takes no arguments");
    set = tool_load(tool, 1, "");
    tool_summary(set, "ok:");
    (void) postfix_check(set->conf);
    tool_release(set);
    return (0);
}

/* cmd_compile - write the database and maps */
static int cmd_compile(struct tool *tool, int argc, char **argv)
{
    static const struct option opts[] = {{"no-postmap", no_argument, 0, 'n'}, {0, 0, 0, 0}};
    struct clientset *set;
    int     run_postmap = 1;
    int     ch, ret;

    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
	if (ch != 'n')
	    usage(NULL);
	run_postmap = 0;
    }
    if (optind != argc)
	usage("compile takes no arguments besides --no-postmap");
    tool_lock(tool);
    set = tool_load(tool, 1, ": nothing was written");
    sigguard_hold();
    set = tool_finish_pending(tool, set, 1, ": nothing was written");
    if ((ret = compile_run(set, run_postmap)) == 0)
	tool_summary(set, "compiled");
    tool_unguard();
    tool_release(set);
    return (ret == 0 ? 0 : 1);
}

/* cmd_list - one row per client */
static int cmd_list(struct tool *tool, int argc, char **argv)
{
    static const struct option opts[] = {
	{"expiring", required_argument, 0, 'e'}, {"json", no_argument, 0, 'j'}, {0, 0, 0, 0},
    };
    struct clientset *set;
    struct cdbfile status;
    long long expiring = -1;
    int     json = 0, changed;
    int     ch;
    size_t  shown;

    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
	if (ch == 'j')
	    json = 1;
	else if (ch == 'e' && settings_parse_number(optarg, 0, &expiring) == 0
		 && expiring <= 36500)
	    continue;
	else
	    usage(ch == 'e' ? "--expiring: expected a number of days (0..36500)" : NULL);
    }
    if (optind != argc)
	usage("list takes no arguments besides its options");
    set = tool_load(tool, 0, "");
    set = tool_pending_view(tool, set);
    if (set->conf->set.revocation_on) {
	cdbfile_init(&status, set->conf->set.value[SET_STATUS_DATABASE], statusrec_file_check,
		     NULL, NULL);
	cdbfile_refresh(&status, &changed);
	shown = list_print(set, &status, time_now(), expiring, json);
	cdbfile_free(&status);
    } else {
	shown = list_print(set, NULL, time_now(), expiring, json);
    }
    tool_release(set);
    return (expiring >= 0 && shown > 0 ? 1 : 0);
}

/* cmd_enroll - add a client or certificates, then compile */
static int cmd_enroll(struct tool *tool, int argc, char **argv)
{
    struct edit_request req;
    int     ret;

    if (argc < 3)
	usage("enroll needs a NAME and at least one CERTFILE or FINGERPRINT");
    memset(&req, 0, sizeof(req));
    req.config = tool->config;
    req.bounds = &tool->bounds;
    req.name = argv[1];
    req.items = argv + 2;
    req.nitems = argc - 2;
    req.run_postmap = 1;
    tool_lock(tool);
    sigguard_hold();
    ret = edit_enroll(&req);
    tool_unguard();
    if (ret < 0)
	return (1);
    return (tool_refresh_enrolled(tool));
}

/* cmd_revoke - mark a client revoked, then compile */
static int cmd_revoke(struct tool *tool, int argc, char **argv)
{
    static const struct option opts[] = {
	{"reason", required_argument, 0, 'r'}, {"date", required_argument, 0, 'd'}, {0, 0, 0, 0},
    };
    struct edit_request req;
    int     ch;

    memset(&req, 0, sizeof(req));
    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
	if (ch == 'r')
	    req.reason = optarg;
	else if (ch == 'd')
	    req.date = optarg;
	else
	    usage(NULL);
    }
    if (optind != argc - 1)
	usage("revoke needs exactly one NAME");
    req.config = tool->config;
    req.bounds = &tool->bounds;
    req.name = argv[optind];
    req.run_postmap = 1;
    tool_lock(tool);
    sigguard_hold();
    ch = edit_revoke(&req);
    tool_unguard();
    return (ch == 0 ? 0 : 1);
}

/* cmd_query - what certpolicyd answers now */
static int cmd_query(struct tool *tool, int argc, char **argv)
{
    static const struct option opts[] = {
	{"cert", required_argument, 0, 'c'}, {"fingerprint", required_argument, 0, 'f'},
	{0, 0, 0, 0},
    };
    const char *certfile = NULL, *fingerprint = NULL;
    int     ch;

    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
	if (ch == 'c')
	    certfile = optarg;
	else if (ch == 'f')
	    fingerprint = optarg;
	else
	    usage(NULL);
    }
    if (optind != argc || (certfile == NULL) == (fingerprint == NULL))
	usage("query needs exactly one of --cert FILE and --fingerprint HEX");
    return (query_run(tool->config, &tool->bounds, certfile, fingerprint) == 0 ? 0 : 1);
}

/* cmd_refresh - CRL and OCSP status into status_database */
static int cmd_refresh(struct tool *tool, int argc, char **argv)
{
    struct clientset *set;
    int     ret;

    (void) argv;
    if (argc > 1)
	usage("refresh takes no arguments");
    tool_lock(tool);
    tool->need_x509 = 1;
    set = tool_load(tool, 0, "");
    set = tool_finish_pending(tool, set, 0, "");
    compile_sweep(set->conf);
    ret = tool_compile_if_changed(set);
    if (ret == 0)
	ret = refresh_run(set);
    tool_release(set);
    return (ret == 0 ? 0 : 1);
}

/* cmd_probe - will each tls entry deliver? */
static int cmd_probe(struct tool *tool, int argc, char **argv)
{
    static const struct option opts[] = {{"json", no_argument, 0, 'j'}, {0, 0, 0, 0}};
    struct clientset *set;
    int     json = 0, ch, ret;

    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
	if (ch != 'j')
	    usage(NULL);
	json = 1;
    }
    set = tool_load(tool, 0, "");
    ret = probe_run(set->conf, argv + optind, argc - optind, json);
    tool_release(set);
    return (ret);
}

/* cmd_lint - a server's own certificates */
static int cmd_lint(struct tool *tool, int argc, char **argv)
{
    return (lint_main(&tool->bounds, argc, argv));
}

/* cmd_fingerprint - print a certificate's fingerprints */
static int cmd_fingerprint(struct tool *tool, int argc, char **argv)
{
    static const struct option opts[] = {
	{"digest", required_argument, 0, 'd'}, {"password-file", required_argument, 0, 'p'},
	{0, 0, 0, 0},
    };
    int     digest = FPRINT_SHA256;
    char   *password = NULL;
    char    why[1024];
    size_t  len;
    int     ch, ret = 0;

    while ((ch = getopt_long(argc, argv, "", opts, NULL)) != -1) {
	if (ch == 'd') {
	    if ((digest = fprint_digest_lookup(optarg)) < 0)
		usage("--digest: expected md5, sha1, sha256 or sha512");
	} else if (ch == 'p') {
	    free(password);
	    if ((password = file_read_all(optarg, (size_t) tool->bounds.value[BOUND_MAX_CERT_SIZE],
					  "max_cert_size", &len, why, sizeof(why))) == NULL) {
		log_error("%s: %s", optarg, why);
		return (1);
	    }
	    password[strcspn(password, "\r\n")] = 0;
	} else {
	    usage(NULL);
	}
    }
    if (optind == argc)
	usage("fingerprint needs at least one FILE");
    if (fingerprint_run(&tool->bounds, password, digest, argv + optind, argc - optind) < 0)
	ret = 1;
    free(password);
    return (ret);
}

int     main(int argc, char **argv)
{
    static const struct {
	const char *name;
	int     (*run) (struct tool *, int, char **);
    } cmds[] = {
	{"check", cmd_check}, {"compile", cmd_compile}, {"list", cmd_list},
	{"fingerprint", cmd_fingerprint}, {"enroll", cmd_enroll}, {"revoke", cmd_revoke},
	{"query", cmd_query}, {"refresh", cmd_refresh}, {"probe", cmd_probe},
	{"lint", cmd_lint},
    };
    struct tool tool;
    size_t  i;
    int     ch;
    char    why[512];

    log_open("certpolicy", LOG_SINK_STDERR);
    tool.config = CERTPOLICY_CONFDIR "/certpolicy.conf";
    tool.need_x509 = 0;
    bounds_init(&tool.bounds, bounds_tool, BOUND_TOOL_COUNT);
    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "help") == 0)) {
	fputs(usage_text, stdout);
	exit(0);
    }
    while ((ch = getopt(argc, argv, "+c:o:h")) != -1) {
	switch (ch) {
	case 'c':
	    tool.config = optarg;
	    break;
	case 'o':
	    if (bounds_set(&tool.bounds, optarg, why, sizeof(why)) < 0) {
		log_error("-o %s: %s", optarg, why);
		exit(EXIT_USAGE);
	    }
	    break;
	case 'h':
	    fputs(usage_text, stdout);
	    exit(0);
	default:
	    usage(NULL);
	}
    }
    if (optind == argc)
	usage("no command given");
    tool_check_config(tool.config);
    if (strcmp(argv[optind], "version") == 0) {
	printf("certpolicy %s\n", PACKAGE_VERSION);
	return (0);
    }
    for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
	if (strcmp(argv[optind], cmds[i].name) == 0) {
	    argc -= optind;
	    argv += optind;
#ifdef __GLIBC__
	    optind = 0;				/* reinitialize, for a new argv */
#else
	    optind = 1;
#endif
	    return (cmds[i].run(&tool, argc, argv));
	}
    }
    fprintf(stderr, "certpolicy: unknown command \"%s\"\n", argv[optind]);
    usage(NULL);
}
