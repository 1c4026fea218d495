/*
 * srcpaths - the files of one source are distinct files
 *
 * At most 1 + 2 + 2 x 2 = 7 files, compared pairwise. Two settings with
 * the very same text (database = status_database, relay_clientcerts =
 * tls_policy_map) are conf.c's message already and are not repeated.
 */
#include "config.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "util/mem.h"
#include "policy/settings.h"
#include "source/srcpaths.h"

#define SRCPATHS_MAX 7

struct srcpaths_file {
    const char *what;			/* for the message */
    int     id;				/* its setting, -1 for the source */
    char   *path;			/* as given */
    char   *norm;			/* normalized */
    struct stat st;
    int     exists;
};

/* srcpaths_norm - realpath() of the directory, then the last name */
static char *srcpaths_norm(const char *path)
{
    const char *slash = strrchr(path, '/');
    char   *dir, *real, *norm;
    size_t  len;

    if (slash == NULL || slash[1] == 0)
	return (mem_strdup(path));
    dir = mem_strndup(path, slash == path ? 1 : (size_t) (slash - path));
    real = realpath(dir, NULL);
    free(dir);
    if (real == NULL)
	return (mem_strdup(path));
    len = strlen(real) + strlen(slash) + 1;
    norm = mem_alloc(len);
    snprintf(norm, len, "%s%s", strcmp(real, "/") == 0 ? "" : real, slash);
    free(real);
    return (norm);
}

/* srcpaths_add - one file to compare */
static void srcpaths_add(struct srcpaths_file *f, size_t *n, const char *what, int id,
			         const char *path, const char *suffix)
{
    struct srcpaths_file *p = f + (*n)++;
    size_t  len = strlen(path) + strlen(suffix) + 1;

    p->what = what;
    p->id = id;
    p->path = mem_alloc(len);
    snprintf(p->path, len, "%s%s", path, suffix);
    p->norm = srcpaths_norm(p->path);
    /* An output is replaced by rename: a symlink at its name is its own file. */
    p->exists = (id < 0 ? stat(p->path, &p->st) : lstat(p->path, &p->st)) == 0;
}

/* srcpaths_check - report each pair that names the same file */
void    srcpaths_check(struct conf *conf)
{
    static const struct {
	enum setting_id id;
	const char *index_what;
    }       maps[] = {
	{SET_RELAY_CLIENTCERTS, "relay_clientcerts's postmap index"},
	{SET_TLS_POLICY_MAP, "tls_policy_map's postmap index"},
    };
    struct srcpaths_file f[SRCPATHS_MAX];
    const char *colon, *suffix;
    char   *type;
    size_t  n = 0, i, j;
    int     line;

    if (conf->path != NULL && *conf->path)
	srcpaths_add(f, &n, "the source file", -1, conf->path, "");
    srcpaths_add(f, &n, "database", SET_DATABASE, conf->values[SET_DATABASE], "");
    srcpaths_add(f, &n, "status_database", SET_STATUS_DATABASE,
		 conf->values[SET_STATUS_DATABASE], "");
    for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
	if ((colon = strchr(conf->values[maps[i].id], ':')) == NULL)
	    continue;
	srcpaths_add(f, &n, settings_table[maps[i].id].name, maps[i].id, colon + 1, "");
	type = mem_strndup(conf->values[maps[i].id], (size_t) (colon - conf->values[maps[i].id]));
	suffix = settings_map_suffix(type);
	free(type);
	if (suffix != NULL)
	    srcpaths_add(f, &n, maps[i].index_what, maps[i].id, colon + 1, suffix);
    }
    for (i = 0; i < n; i++) {
	for (j = i + 1; j < n; j++) {
	    if (f[i].id >= 0 && f[j].id >= 0 && f[i].id != f[j].id
		&& strcmp(conf->values[f[i].id], conf->values[f[j].id]) == 0)
		continue;
	    if (strcmp(f[i].norm, f[j].norm) != 0
		&& !(f[i].exists && f[j].exists && f[i].st.st_dev == f[j].st.st_dev
		     && f[i].st.st_ino == f[j].st.st_ino))
		continue;
	    line = f[j].id >= 0 ? conf->set_line[f[j].id] : 0;
	    if (f[i].id >= 0 && conf->set_line[f[i].id] > line)
		line = conf->set_line[f[i].id];
	    conf_error(conf, line, "%s (%s) and %s (%s) are the same file: compile would "
		       "overwrite one with the other", f[i].what, f[i].path, f[j].what, f[j].path);
	}
    }
    for (i = 0; i < n; i++) {
	free(f[i].path);
	free(f[i].norm);
    }
}
