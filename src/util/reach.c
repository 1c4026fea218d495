/*
 * reach - can another user reach a file (see reach.h)
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "util/reach.h"

/* reach_others - every directory searchable by others, the file readable */
int     reach_others(const char *path, char *why, size_t len)
{
    char    dir[4096];
    struct stat st;
    char   *slash;

    if (*path != '/' || strlen(path) >= sizeof(dir))
	return (1);
    strcpy(dir, path);
    for (slash = strchr(dir + 1, '/'); slash != NULL; slash = strchr(slash + 1, '/')) {
	*slash = 0;
	if (stat(dir, &st) < 0) {
	    *slash = '/';
	    return (1);				/* not there yet */
	}
	if (S_ISDIR(st.st_mode) && (st.st_mode & S_IXOTH) == 0) {
	    snprintf(why, len, "directory %s is not searchable by other users (mode %04o)",
		     dir, (unsigned) (st.st_mode & 07777));
	    return (0);
	}
	*slash = '/';
    }
    if (stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & S_IROTH) == 0) {
	snprintf(why, len, "%s is not readable by other users (mode %04o)", path,
		 (unsigned) (st.st_mode & 07777));
	return (0);
    }
    return (1);
}
