/*
 * postconf_run - read the running Postfix's settings through postconf(1)
 *
 * postconf's standard output is read through a pipe, bounded by
 * POSTCONF_MAX_OUTPUT; its standard error goes to a temporary file whose
 * first line that is not a warning becomes the reason for a failure.
 * The list owns its strings; postconf_free() releases them.
 */
#include "config.h"

#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/postconf_run.h"
#include "util/mem.h"
#include "util/sigguard.h"

extern char **environ;

/* postconf_add - one output line into the list */
static void postconf_add(struct postconf_list *list, const char *line, int entries)
{
    struct postconf_entry *e;
    const char *eq;

    list->entries = mem_grow(list->entries, list->count + 1, &list->cap, sizeof(*list->entries));
    e = &list->entries[list->count++];
    if (entries && (eq = strstr(line, " = ")) != NULL) {
	e->name = mem_strndup(line, (size_t) (eq - line));
	e->value = mem_strdup(eq + 3);
    } else if (entries && (eq = strstr(line, " =")) != NULL && eq[2] == 0) {
	e->name = mem_strndup(line, (size_t) (eq - line));
	e->value = mem_strdup("");
    } else {
	e->name = mem_strdup(line);
	e->value = mem_strdup("");
    }
}

/* postconf_reason - the first line of stderr that is not a warning */
static void postconf_reason(FILE *err, const char *command, int status, char *why, size_t whylen)
{
    char    line[512];

    /* 127: a spawn that reports a failed exec through the exit status */
    if (status == 127)
	snprintf(why, whylen, "cannot run %s: not found or not executable (exit status 127)",
		 command);
    else
	snprintf(why, whylen, "%s failed with exit status %d", command, status);
    rewind(err);
    while (fgets(line, sizeof(line), err) != NULL) {
	line[strcspn(line, "\n")] = 0;
	if (strstr(line, ": warning: ") == NULL && *line) {
	    snprintf(why, whylen, "%s", line);
	    return;
	}
    }
}

/* postconf_read - read the pipe into a string; NULL when it is too long */
static char *postconf_read(int fd, size_t *len)
{
    char   *buf = NULL;
    size_t  cap = 0;
    ssize_t n;

    *len = 0;
    for (;;) {
	buf = mem_reserve(buf, *len, 65536, &cap);
	n = read(fd, buf + *len, cap - *len - 1);
	if (n < 0 && errno == EINTR)
	    continue;
	if (n <= 0)
	    break;
	*len += (size_t) n;
	if (*len > POSTCONF_MAX_OUTPUT) {
	    free(buf);
	    return (NULL);
	}
    }
    buf[*len] = 0;
    return (buf);
}

int     postconf_run(const char *command, const char *const *args, int entries,
		             struct postconf_list *list, char *why, size_t whylen)
{
    const char *argv[POSTCONF_MAX_ARGS + 2];
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    FILE   *err;
    char   *out, *line, *save = NULL;
    size_t  argc = 0, len;
    int     fds[2], status, rc;
    pid_t   pid;

    argv[argc++] = command;
    while (*args && argc < sizeof(argv) / sizeof(argv[0]) - 1)
	argv[argc++] = *args++;
    argv[argc] = NULL;
    memset(list, 0, sizeof(*list));
    if (*args) {
	snprintf(why, whylen, "cannot run %s: more than %d arguments", command,
		 POSTCONF_MAX_ARGS);
	return (-1);
    }
    if ((err = tmpfile()) == NULL || pipe(fds) < 0) {
	snprintf(why, whylen, "cannot run %s: %s", command, strerror(errno));
	if (err)
	    fclose(err);
	return (-1);
    }
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
    posix_spawn_file_actions_adddup2(&fa, fileno(err), 2);
    posix_spawn_file_actions_addclose(&fa, fds[0]);
    fflush(stdout);
    fflush(stderr);
    if ((rc = sigguard_spawnattr(&attr)) == 0) {
	rc = posix_spawnp(&pid, command, &fa, &attr, (char *const *) argv, environ);
	posix_spawnattr_destroy(&attr);
    }
    posix_spawn_file_actions_destroy(&fa);
    close(fds[1]);
    if (rc != 0) {
	snprintf(why, whylen, "cannot run %s: %s", command, strerror(rc));
	close(fds[0]);
	fclose(err);
	return (-1);
    }
    out = postconf_read(fds[0], &len);
    close(fds[0]);
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
	 /* again */ ;
    if (out == NULL) {
	snprintf(why, whylen, "%s printed more than %d bytes", command, POSTCONF_MAX_OUTPUT);
    } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
	postconf_reason(err, command, WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status),
			why, whylen);
    } else {
	for (line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
	    postconf_add(list, line, entries);
	free(out);
	fclose(err);
	return (0);
    }
    free(out);
    fclose(err);
    return (-1);
}

const char *postconf_get(const struct postconf_list *list, const char *name)
{
    size_t  i;

    for (i = 0; i < list->count; i++)
	if (strcmp(list->entries[i].name, name) == 0)
	    return (list->entries[i].value);
    return (NULL);
}

void    postconf_free(struct postconf_list *list)
{
    size_t  i;

    for (i = 0; i < list->count; i++) {
	free(list->entries[i].name);
	free(list->entries[i].value);
    }
    free(list->entries);
    memset(list, 0, sizeof(*list));
}
