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

    if (slash == NULL || slash[1] == 0)
	return (mem_strdup(path));
    dir = mem_strndup(path, slash == path ? 1 : (size_t) (slash - path));
    real = realpath(dir, NULL);
    free(dir);
    if (real == NULL)
	return (mem_strdup(path));
    norm = mem_printf("%s%s", strcmp(real, "/") == 0 ? "" : real, slash);
    free(real);
    return (norm);
}

/* srcpaths_add - one file to compare */
static void srcpaths_add(struct srcpaths_file *f, size_t *n, const char *what, int id,
			         const char *path, const char *suffix)
{
    struct srcpaths_file *p = f + (*n)++;

    p->what = what;
    p->id = id;
    p->path = mem_printf("%s%s", path, suffix);
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
    const struct setting_map *map;
    size_t  n = 0, i, j;
    int     line;

    if (conf->path != NULL && *conf->path)
	srcpaths_add(f, &n, "the source file", -1, conf->path, "");
    srcpaths_add(f, &n, "database", SET_DATABASE, conf->set.value[SET_DATABASE], "");
    srcpaths_add(f, &n, "status_database", SET_STATUS_DATABASE,
		 conf->set.value[SET_STATUS_DATABASE], "");
    for (i = 0; i < sizeof(maps) / sizeof(maps[0]); i++) {
	if ((map = settings_map(&conf->set, maps[i].id))->path == NULL)
	    continue;
	srcpaths_add(f, &n, settings_table[maps[i].id].name, maps[i].id, map->path, "");
	if (map->index_suffix != NULL)
	    srcpaths_add(f, &n, maps[i].index_what, maps[i].id, map->path, map->index_suffix);
    }
    for (i = 0; i < n; i++) {
	for (j = i + 1; j < n; j++) {
	    if (f[i].id >= 0 && f[j].id >= 0 && f[i].id != f[j].id
		&& settings_equal(&conf->set, (enum setting_id) f[i].id, &conf->set, (enum setting_id) f[j].id))
		continue;
	    if (strcmp(f[i].norm, f[j].norm) != 0
		&& !(f[i].exists && f[j].exists && f[i].st.st_dev == f[j].st.st_dev
		     && f[i].st.st_ino == f[j].st.st_ino))
		continue;
	    line = f[j].id >= 0 ? conf->set_line[f[j].id] : 0;
	    if (f[i].id >= 0 && conf->set_line[f[i].id] > line)
		line = conf->set_line[f[i].id];
	    diag_error(&conf->diag, line, "%s (%s) and %s (%s) are the same file: compile would "
		       "overwrite one with the other", f[i].what, f[i].path, f[j].what, f[j].path);
	}
    }
    for (i = 0; i < n; i++) {
	free(f[i].path);
	free(f[i].norm);
    }
}
