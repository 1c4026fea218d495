/*
 * lint_ciphers - the cipher lists a mail host's servers are configured with
 *
 * The commands run without a shell (execvp, then the usual sbin
 * directory), their output read through a pipe, bounded, and their exit
 * status checked.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tool/lint_ciphers.h"
#include "util/log.h"

#define LINT_CIPHERS_SBIN "/usr/sbin/"

/*
 * lint_ciphers_command - run argv (argv[0] from PATH, else from /usr/sbin),
 * its standard output into out[out_len]; 0, or -1 with why
 */
static int lint_ciphers_command(char *const argv[], char *out, size_t out_len,
				        char *why, size_t why_len)
{
    char    path[256];
    size_t  used = 0;
    ssize_t n;
    int     fds[2], status, devnull;
    pid_t   pid;

    if (pipe(fds) < 0)
	log_fatal("pipe: %s", strerror(errno));
    if ((pid = fork()) < 0)
	log_fatal("fork: %s", strerror(errno));
    if (pid == 0) {
	(void) dup2(fds[1], 1);
	if ((devnull = open("/dev/null", O_RDWR)) >= 0)
	    (void) dup2(devnull, 0);
	close(fds[0]);
	close(fds[1]);
	execvp(argv[0], argv);
	snprintf(path, sizeof(path), "%s%s", LINT_CIPHERS_SBIN, argv[0]);
	execv(path, argv);
	_exit(127);
    }
    close(fds[1]);
    while ((n = read(fds[0], out + used, out_len - 1 - used)) != 0) {
	if (n < 0 && errno == EINTR)
	    continue;
	if (n < 0 || (used += (size_t) n) >= out_len - 1)
	    break;
    }
    out[used] = 0;
    close(fds[0]);				/* a writer with more gets SIGPIPE */
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
	 /* again */ ;
    if (used >= out_len - 1) {
	snprintf(why, why_len, "%s printed more than %zu bytes", argv[0], out_len - 1);
	return (-1);
    }
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
	snprintf(why, why_len, "%s %s failed (%s %d)%s", argv[0], argv[1],
		 WIFEXITED(status) ? "exit" : "signal",
		 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status),
		 WIFEXITED(status) && WEXITSTATUS(status) == 127 ? ": not installed" : "");
	return (-1);
    }
    return (0);
}

/* lint_ciphers_line - line number n (0 = first) of text, without its newline */
static void lint_ciphers_line(const char *text, int n, char *buf, size_t len)
{
    size_t  span;

    while (n-- > 0 && (text = strchr(text, '\n')) != NULL)
	text++;
    if (text == NULL)
	text = "";
    span = strcspn(text, "\n");
    snprintf(buf, len, "%.*s", (int) span, text);
}

/* lint_ciphers_postfix - smtpd's list, as Postfix builds it */
static int lint_ciphers_postfix(char *list, size_t list_len, char *source, size_t source_len,
				        char *why, size_t why_len)
{
    char   *out = malloc(LINT_CIPHERS_MAX_OUTPUT);
    char    grade[64], exclude[1024], param[96], *name, *save;
    char   *argv[] = {"postconf", "-h", "smtpd_tls_ciphers", "smtpd_tls_exclude_ciphers", NULL};
    int     ret = -1;

    if (out == NULL)
	log_fatal("out of memory");
    if (lint_ciphers_command(argv, out, LINT_CIPHERS_MAX_OUTPUT, why, why_len) == 0) {
	lint_ciphers_line(out, 0, grade, sizeof(grade));
	lint_ciphers_line(out, 1, exclude, sizeof(exclude));
	snprintf(param, sizeof(param), "tls_%s_cipherlist", grade);
	argv[2] = param;
	argv[3] = NULL;
	if (lint_ciphers_command(argv, out, LINT_CIPHERS_MAX_OUTPUT, why, why_len) == 0) {
	    lint_ciphers_line(out, 0, list, list_len);
	    for (name = strtok_r(exclude, " ,:\t", &save); name != NULL;
		 name = strtok_r(NULL, " ,:\t", &save))
		snprintf(list + strlen(list), list_len - strlen(list), ":!%s", name);
	    snprintf(source, source_len, "Postfix's smtpd cipher list (smtpd_tls_ciphers = %s, "
		     "%s, smtpd_tls_exclude_ciphers)", grade, param);
	    ret = *list ? 0 : -1;
	    if (ret < 0)
		snprintf(why, why_len, "postconf: %s is empty", param);
	}
    }
    free(out);
    return (ret);
}

/* lint_ciphers_dovecot - ssl_cipher_list, from doveconf */
static int lint_ciphers_dovecot(const char *config, char *list, size_t list_len,
				        char *source, size_t source_len, char *why, size_t why_len)
{
    char   *out = malloc(LINT_CIPHERS_MAX_OUTPUT);
    char   *argv[] = {"doveconf", "-h", "ssl_cipher_list", NULL, NULL, NULL};
    int     ret = -1;

    if (out == NULL)
	log_fatal("out of memory");
    if (config != NULL) {
	argv[1] = "-c";
	argv[2] = (char *) config;
	argv[3] = "-h";
	argv[4] = "ssl_cipher_list";
    }
    if (lint_ciphers_command(argv, out, LINT_CIPHERS_MAX_OUTPUT, why, why_len) == 0) {
	lint_ciphers_line(out, 0, list, list_len);
	snprintf(source, source_len, "Dovecot's ssl_cipher_list%s%s", config ? " in " : "",
		 config ? config : "");
	if ((ret = *list ? 0 : -1) < 0)
	    snprintf(why, why_len, "doveconf: ssl_cipher_list is empty");
    }
    free(out);
    return (ret);
}

/* lint_ciphers_resolve - a keyword or a list */
int     lint_ciphers_resolve(const char *spec, char *list, size_t list_len,
			             char *source, size_t source_len, char *why, size_t why_len)
{
    if (strcmp(spec, "postfix") == 0)
	return (lint_ciphers_postfix(list, list_len, source, source_len, why, why_len));
    if (strcmp(spec, "dovecot") == 0 || strncmp(spec, "dovecot:", 8) == 0)
	return (lint_ciphers_dovecot(spec[7] ? spec + 8 : NULL, list, list_len, source,
				     source_len, why, why_len));
    snprintf(list, list_len, "%s", spec);
    snprintf(source, source_len, "the cipher list");
    return (0);
}
