/*
 * lint - "certpolicy lint": a mail server's own certificates
 *
 * Parses the options, reads the files (each bounded by max_cert_size,
 * chains by max_chain_certs), builds the trust stores (OpenSSL's default
 * paths, which honour SSL_CERT_FILE and SSL_CERT_DIR, stand for the
 * system's publicly trusted roots; --trust adds the site's own), runs the
 * checks and prints. Usage errors exit 2 before anything is read.
 */
#include "config.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

#include "cert/certfile.h"
#include "cert/certlint.h"
#include "cert/chainlint.h"
#include "cert/cipherlint.h"
#include "cert/keyfile.h"
#include "cert/log_ssl.h"
#include "policy/settings.h"
#include "tool/lint.h"
#include "tool/lint_ciphers.h"
#include "tool/lint_connect.h"
#include "tool/lint_print.h"
#include "util/file_read.h"
#include "util/log.h"
#include "util/timeutil.h"

#define EXIT_USAGE 2

struct lint_opts {
    int     json;
    const char *names[LINT_MAX_NAMES];
    size_t  nnames;
    const char *key;
    const char *ciphers[LINT_MAX_CIPHERS];
    size_t  nciphers;
    long long days;
    const char *trust;
    const char *file;
    struct lint_connect_opts connect;
};

static const char lint_usage_text[] =
"usage: certpolicy lint [--json] [--name HOST]... [--key FILE] [--ciphers LIST]...\n"
"                       [--days N] [--trust FILE] FILE\n"
"       certpolicy lint [--json] [--name HOST]... [--days N] [--trust FILE]\n"
"                       [--ciphers LIST]... --connect HOST:PORT\n"
"                       [--starttls smtp|imap|pop3|none] [--timeout SECONDS]\n"
"  --ciphers postfix | dovecot[:CONFIG] | an OpenSSL cipher list\n";

/* lint_usage - complain and return 2 */
static int lint_usage(const char *why)
{
    if (why != NULL)
	fprintf(stderr, "certpolicy: lint: %s\n", why);
    fputs(lint_usage_text, stderr);
    return (EXIT_USAGE);
}

/* lint_number - a whole number in [min, max]; 0 or -1 */
static int lint_number(const char *text, long long min, long long max, long long *value)
{
    return (settings_parse_number(text, 0, value) == 0 && *value >= min && *value <= max ? 0 : -1);
}

/* lint_options - argv into opts; 0, or the exit status of a usage error */
static int lint_options(int argc, char **argv, struct lint_opts *opts)
{
    static const struct option longopts[] = {
	{"json", no_argument, 0, 'j'}, {"name", required_argument, 0, 'n'},
	{"key", required_argument, 0, 'k'}, {"ciphers", required_argument, 0, 'c'},
	{"days", required_argument, 0, 'd'}, {"trust", required_argument, 0, 't'},
	{"connect", required_argument, 0, 'C'}, {"starttls", required_argument, 0, 's'},
	{"timeout", required_argument, 0, 'T'}, {0, 0, 0, 0},
    };
    long long n;
    int     ch;

    memset(opts, 0, sizeof(*opts));
    opts->days = LINT_DEFAULT_DAYS;
    lint_connect_defaults(&opts->connect);
    while ((ch = getopt_long(argc, argv, "", longopts, NULL)) != -1) {
	switch (ch) {
	case 'j':
	    opts->json = 1;
	    break;
	case 'n':
	    if (opts->nnames >= LINT_MAX_NAMES)
		return (lint_usage("more than 32 --name options"));
	    opts->names[opts->nnames++] = optarg;
	    break;
	case 'k':
	    opts->key = optarg;
	    break;
	case 'c':
	    if (opts->nciphers >= LINT_MAX_CIPHERS)
		return (lint_usage("more than 8 --ciphers options"));
	    opts->ciphers[opts->nciphers++] = optarg;
	    break;
	case 'd':
	    if (lint_number(optarg, 0, LINT_MAX_DAYS, &opts->days) < 0)
		return (lint_usage("--days: expected a number of days (0..36500)"));
	    break;
	case 't':
	    opts->trust = optarg;
	    break;
	case 'C':
	    opts->connect.target = optarg;
	    break;
	case 's':
	    if (lint_connect_starttls(&opts->connect, optarg) < 0)
		return (lint_usage("--starttls: expected smtp, imap, pop3 or none"));
	    break;
	case 'T':
	    if (lint_number(optarg, 1, LINT_CONNECT_MAX_TIMEOUT, &n) < 0)
		return (lint_usage("--timeout: expected a number of seconds (1..3600)"));
	    opts->connect.timeout = (int) n;
	    break;
	default:
	    return (lint_usage(NULL));
	}
    }
    if (opts->connect.target != NULL && optind != argc)
	return (lint_usage("give either FILE or --connect HOST:PORT"));
    if (opts->connect.target == NULL && optind != argc - 1)
	return (lint_usage("give one FILE (or --connect HOST:PORT)"));
    if (opts->connect.target != NULL && opts->key != NULL)
	return (lint_usage("--key is for a FILE; a live service proves its key itself"));
    if (opts->connect.target != NULL && lint_connect_parse(&opts->connect) < 0)
	return (lint_usage("--connect: expected HOST:PORT or [HOST]:PORT"));
    opts->file = opts->connect.target ? NULL : argv[optind];
    return (0);
}

/* lint_read - a whole file, bounded by max_cert_size; NULL (logged) */
static char *lint_read(const struct bounds *bounds, const char *path, size_t *len)
{
    char    why[1024];
    char   *data;

    if ((data = file_read_all(path, (size_t) bounds->value[BOUND_MAX_CERT_SIZE],
			      "max_cert_size", len, why, sizeof(why))) == NULL)
	log_error("%s: %s", path, why);
    return (data);
}

/*
 * lint_chain - every certificate of path, in order, at most max_certs;
 * NULL (logged)
 */
static STACK_OF(X509) *lint_chain(const struct bounds *bounds, const char *path, int max_certs)
{
    STACK_OF(X509) *chain;
    char    why[1024];
    char   *data;
    size_t  len;

    if ((data = lint_read(bounds, path, &len)) == NULL)
	return (NULL);
    chain = certfile_parse_all((unsigned char *) data, len, NULL, max_certs, why, sizeof(why));
    free(data);
    if (chain == NULL)
	log_error("%s: %s", path, why);
    return (chain);
}

/* lint_key - --key FILE, or the key in the chain file; -1 (logged) on failure */
static int lint_key(const struct bounds *bounds, const struct lint_opts *opts, EVP_PKEY **key)
{
    const char *path = opts->key ? opts->key : opts->file;
    char    why[1024];
    char   *data;
    size_t  len;
    int     found;

    *key = NULL;
    if ((data = lint_read(bounds, path, &len)) == NULL)
	return (-1);
    *key = keyfile_parse((unsigned char *) data, len, &found, why, sizeof(why));
    free(data);
    if (*key == NULL && (found || opts->key != NULL)) {
	log_error("%s: %s", path, found ? why : "no private key in the file");
	return (-1);
    }
    return (0);
}

/* lint_stores - the system's roots, and those with --trust's; 0 or -1 */
static int lint_stores(const struct bounds *bounds, const char *trust, X509_STORE **system,
		               X509_STORE **all)
{
    STACK_OF(X509) *certs;
    char    reason[512];
    int     i;

    if ((*system = X509_STORE_new()) == NULL || (*all = X509_STORE_new()) == NULL)
	log_fatal("out of memory");
    if (!X509_STORE_set_default_paths(*system) || !X509_STORE_set_default_paths(*all))
	log_warn("cannot use the system's trust roots: %s",
		 log_ssl_reason(reason, sizeof(reason)));
    ERR_clear_error();
    if (trust == NULL)
	return (0);
    /* a bundle of roots, compared with nothing: max_cert_size bounds it */
    if ((certs = lint_chain(bounds, trust, INT_MAX)) == NULL)
	return (-1);
    for (i = 0; i < sk_X509_num(certs); i++)
	if (!X509_STORE_add_cert(*all, sk_X509_value(certs, i)))
	    ERR_clear_error();			/* already there */
    sk_X509_pop_free(certs, X509_free);
    return (0);
}

/* lint_ciphers - no-shared-cipher for every --ciphers; -1 (logged) on bad lists */
static int lint_ciphers(const struct lint_opts *opts, X509 *leaf, int depth,
			        struct lint_report *report)
{
    char    list[4096], source[512], why[1024];
    size_t  i;

    for (i = 0; i < opts->nciphers; i++) {
	if (lint_ciphers_resolve(opts->ciphers[i], list, sizeof(list), source, sizeof(source),
				 why, sizeof(why)) < 0
	    || cipherlint_check(leaf, depth, list, source, report, why, sizeof(why)) < 0) {
	    log_error("--ciphers %s: %s", opts->ciphers[i], why);
	    return (-1);
	}
    }
    return (0);
}

/* lint_judge - every check on chain; 0, or -1 when a cipher list is unusable (logged) */
static int lint_judge(const struct lint_opts *opts, STACK_OF(X509) *chain, EVP_PKEY *key,
		              X509_STORE *system, X509_STORE *all, struct lint_report *report)
{
    struct certlint_input in;
    int     leaf;

    memset(&in, 0, sizeof(in));
    in.chain = chain;
    in.key = key;
    in.names = opts->names;
    in.nnames = opts->nnames;
    in.days = opts->days;
    in.now = (time_t) opts->connect.now;
    in.system = system;
    in.trust = all;
    certlint_run(&in, report);
    leaf = chainlint_leaf(chain);
    if (lint_ciphers(opts, sk_X509_value(chain, leaf), leaf, report) < 0)
	return (-1);
    if (opts->file == NULL)
	lint_connect_profiles(&opts->connect, all, chain, report);
    return (0);
}

/* lint_main - the command */
int     lint_main(const struct bounds *bounds, int argc, char **argv)
{
    int     max_chain = (int) bounds->value[BOUND_MAX_CHAIN_CERTS];
    struct lint_report report;
    struct lint_opts opts;
    struct lint_seen seen;
    STACK_OF(X509) *chain = NULL;
    EVP_PKEY *key = NULL;
    X509_STORE *system = NULL, *all = NULL;
    int     ret;

    if ((ret = lint_options(argc, argv, &opts)) != 0)
	return (ret);
    opts.connect.now = (long long) time_now();
    opts.connect.servername = opts.nnames ? opts.names[0] : lint_connect_is_name(opts.connect.host);
    lint_report_init(&report);
    memset(&seen, 0, sizeof(seen));
    seen.source = opts.file ? opts.file : opts.connect.target;
    if (lint_stores(bounds, opts.trust, &system, &all) < 0)
	ret = 1;
    else if (opts.file != NULL && ((chain = lint_chain(bounds, opts.file, max_chain)) == NULL
				   || lint_key(bounds, &opts, &key) < 0))
	ret = 1;
    else if (opts.file == NULL)
	chain = lint_connect_run(&opts.connect, all, max_chain, &seen, &report);
    if (ret == 0 && chain != NULL && lint_judge(&opts, chain, key, system, all, &report) < 0)
	ret = 1;
    if (ret == 0) {
	seen.chain = chain;
	lint_print(&seen, &report, opts.json);
	ret = report.errors > 0 ? 1 : 0;
    }
    lint_connect_seen_free(&seen);
    lint_report_free(&report);
    sk_X509_pop_free(chain, X509_free);
    EVP_PKEY_free(key);
    X509_STORE_free(system);
    X509_STORE_free(all);
    return (ret);
}
