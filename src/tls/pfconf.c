/*
 * pfconf - the Postfix settings that decide how smtp(8) uses TLS
 *
 * postconf runs as a child with its output on a pipe; at most
 * PFCONF_MAX_OUTPUT bytes are read. Each output line is "name = value"
 * (postconf folds no line unless asked to).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/mem.h"
#include "tls/pfconf.h"

#define PFCONF_SBIN "/usr/sbin"		/* where Postfix's commands live */

static const char *const pfconf_names[PF_COUNT] = {
    [PF_CAFILE] = "smtp_tls_CAfile",
    [PF_CAPATH] = "smtp_tls_CApath",
    [PF_APPEND_DEFAULT_CA] = "tls_append_default_CA",
    [PF_VERIFY_DEPTH] = "smtp_tls_scert_verifydepth",
    [PF_FPT_DIGEST] = "smtp_tls_fingerprint_digest",
    [PF_FPT_MATCH] = "smtp_tls_fingerprint_cert_match",
    [PF_VERIFY_MATCH] = "smtp_tls_verify_cert_match",
    [PF_SECURE_MATCH] = "smtp_tls_secure_cert_match",
    [PF_TAFILE] = "smtp_tls_trust_anchor_file",
    [PF_PROTOCOLS] = "smtp_tls_protocols",
    [PF_MAND_PROTOCOLS] = "smtp_tls_mandatory_protocols",
    [PF_CIPHERS] = "smtp_tls_ciphers",
    [PF_MAND_CIPHERS] = "smtp_tls_mandatory_ciphers",
    [PF_EXCLUDE] = "smtp_tls_exclude_ciphers",
    [PF_MAND_EXCLUDE] = "smtp_tls_mandatory_exclude_ciphers",
    [PF_SERVERNAME] = "smtp_tls_servername",
    [PF_SECURITY_LEVEL] = "smtp_tls_security_level",
    [PF_USE_TLS] = "smtp_use_tls",
    [PF_ENFORCE_TLS] = "smtp_enforce_tls",
    [PF_ENFORCE_PEERNAME] = "smtp_tls_enforce_peername",
    [PF_DNS_SUPPORT] = "smtp_dns_support_level",
    [PF_DISABLE_DNS] = "disable_dns_lookups",
    [PF_INET_PROTOCOLS] = "inet_protocols",
    [PF_HIGH_CLIST] = "tls_high_cipherlist",
    [PF_MEDIUM_CLIST] = "tls_medium_cipherlist",
    [PF_LOW_CLIST] = "tls_low_cipherlist",
    [PF_EXPORT_CLIST] = "tls_export_cipherlist",
    [PF_NULL_CLIST] = "tls_null_cipherlist",
    [PF_MYHOSTNAME] = "myhostname",
    [PF_MX_ADDRESS_LIMIT] = "smtp_mx_address_limit",
};

/* pfconf_run - the output of "command -x NAMES", NUL-terminated, or NULL */
static char *pfconf_run(const char *command, char *why, size_t why_len)
{
    const char *argv[PF_COUNT + 3];
    char   *out = NULL;
    size_t  len = 0, cap = 0;
    ssize_t got;
    int     fds[2], status, i;
    pid_t   pid;

    argv[0] = command;
    argv[1] = "-x";
    for (i = 0; i < PF_COUNT; i++)
	argv[i + 2] = pfconf_names[i];
    argv[PF_COUNT + 2] = NULL;
    if (pipe(fds) < 0) {
	snprintf(why, why_len, "cannot make a pipe: %s", strerror(errno));
	return (NULL);
    }
    fflush(stdout);
    fflush(stderr);
    if ((pid = fork()) < 0) {
	snprintf(why, why_len, "cannot start %s: %s", command, strerror(errno));
	close(fds[0]);
	close(fds[1]);
	return (NULL);
    }
    if (pid == 0) {
	close(fds[0]);
	if (dup2(fds[1], 1) < 0)
	    _exit(127);
	close(fds[1]);
	execvp(command, (char *const *) argv);
	if (errno == ENOENT && strchr(command, '/') == NULL)	/* not on PATH */
	    execv(PFCONF_SBIN "/postconf", (char *const *) argv);
	fprintf(stderr, "certpolicy: cannot run %s: %s\n", command, strerror(errno));
	_exit(127);
    }
    close(fds[1]);
    for (;;) {
	out = mem_reserve(out, len, 4096 + 1, &cap);
	if ((got = read(fds[0], out + len, cap - len - 1)) < 0 && errno == EINTR)
	    continue;
	if (got <= 0)
	    break;
	if ((len += (size_t) got) > PFCONF_MAX_OUTPUT)
	    break;
    }
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
	 /* void */ ;
    out[len] = 0;
    if (len > PFCONF_MAX_OUTPUT) {
	snprintf(why, why_len, "%s printed more than %d bytes", command, PFCONF_MAX_OUTPUT);
    } else if (got < 0) {
	snprintf(why, why_len, "cannot read from %s: %s", command, strerror(errno));
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
	snprintf(why, why_len, "%s -x failed (%s %d)", command,
		 WIFEXITED(status) ? "exit status" : "signal",
		 WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
    } else {
	return (out);
    }
    free(out);
    return (NULL);
}

/* pfconf_read - every value, by postconf */
int     pfconf_read(struct pfconf *pf, const char *command, char *why, size_t why_len)
{
    char   *out, *line, *next, *eq, *end;
    size_t  nlen;
    int     i;

    memset(pf, 0, sizeof(*pf));
    if ((out = pfconf_run(command, why, why_len)) == NULL)
	return (-1);
    for (line = out; *line; line = next) {
	if ((next = strchr(line, '\n')) != NULL)
	    *next++ = 0;
	else
	    next = line + strlen(line);
	if ((eq = strstr(line, " = ")) == NULL) {
	    /* "name =" with an empty value */
	    if ((nlen = strlen(line)) >= 2 && strcmp(line + nlen - 2, " =") == 0)
		eq = line + nlen - 2;
	    else
		continue;
	}
	nlen = (size_t) (eq - line);
	for (i = 0; i < PF_COUNT; i++) {
	    if (strlen(pfconf_names[i]) != nlen || strncmp(line, pfconf_names[i], nlen) != 0)
		continue;
	    end = eq + (eq[2] ? 3 : 2);
	    free(pf->value[i]);
	    pf->value[i] = mem_strdup(end);
	}
    }
    free(out);
    for (i = 0; i < PF_COUNT; i++)
	if (pf->value[i] == NULL)
	    pf->value[i] = mem_strdup("");
    return (0);
}

/* pfconf_get - a value */
const char *pfconf_get(const struct pfconf *pf, enum pfconf_id id)
{
    return (pf->value[id] ? pf->value[id] : "");
}

/* pfconf_yes - a Postfix boolean */
int     pfconf_yes(const struct pfconf *pf, enum pfconf_id id)
{
    return (strcasecmp(pfconf_get(pf, id), "yes") == 0);
}

/* pfconf_free - release the values */
void    pfconf_free(struct pfconf *pf)
{
    int     i;

    for (i = 0; i < PF_COUNT; i++)
	free(pf->value[i]);
    memset(pf, 0, sizeof(*pf));
}
