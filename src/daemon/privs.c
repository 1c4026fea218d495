/*
 * privs - run as an unprivileged user
 */
#include "config.h"

#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "daemon/privs.h"

/* privs_become - change every id to pw's, for good */
static int privs_become(const struct passwd *pw, char *why, size_t why_len)
{
    if (initgroups(pw->pw_name, pw->pw_gid) < 0
	|| setgid(pw->pw_gid) < 0 || setuid(pw->pw_uid) < 0) {
	snprintf(why, why_len, "cannot change to user %s: %s", pw->pw_name, strerror(errno));
	return (-1);
    }
    if (pw->pw_uid != 0 && (setuid(0) == 0 || geteuid() == 0 || getuid() == 0)) {
	snprintf(why, why_len, "changed to user %s, but root privileges could be regained",
		 pw->pw_name);
	return (-1);
    }
    return (0);
}

/* privs_settle - become user and check the result */
int     privs_settle(const char *user, char *why, size_t why_len)
{
    const struct passwd *pw;
    int     root = getuid() == 0 || geteuid() == 0;

    if (user == NULL) {
	if (root) {
	    snprintf(why, why_len, "refusing to run as root: name an unprivileged user with "
		     "-u USER (or -u root to run as root anyway)");
	    return (-1);
	}
	return (0);
    }
    errno = 0;
    if ((pw = getpwnam(user)) == NULL) {
	if (errno != 0)
	    snprintf(why, why_len, "-u %s: cannot look up the user: %s", user, strerror(errno));
	else
	    snprintf(why, why_len, "-u %s: no such user", user);
	return (-1);
    }
    if (pw->pw_uid == getuid() && pw->pw_uid == geteuid() && pw->pw_gid == getgid())
	return (0);				/* already that user */
    if (!root) {
	snprintf(why, why_len, "-u %s: only root can change to another user", user);
	return (-1);
    }
    return (privs_become(pw, why, why_len));
}
