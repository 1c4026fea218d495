/*
 * filewatch - notice that files may have changed, without asking each time
 *
 * A filewatch watches the directories that hold some files (Linux
 * inotify). The owner polls filewatch_fd() and calls filewatch_drain()
 * when it is readable; every event bumps gen, and an event that may have
 * lost a watch (a directory removed or moved, a queue overflow) bumps
 * epoch as well, which tells the users to add their watches again. Where
 * inotify is missing or fails, fd is -1 and users must stat every time.
 */
#ifndef CERTPOLICY_FILEWATCH_H
#define CERTPOLICY_FILEWATCH_H

struct filewatch {
    int     fd;				/* -1: no watching, stat every time */
    unsigned gen;			/* bumped by every drained event */
    unsigned epoch;			/* bumped when watches may be lost */
};

void    filewatch_open(struct filewatch *fw);
void    filewatch_close(struct filewatch *fw);

/* filewatch_add - watch the directory of path (and of its symlink target); 0 or -1 */
int     filewatch_add(struct filewatch *fw, const char *path);

/* filewatch_drain - read every pending event */
void    filewatch_drain(struct filewatch *fw);

#endif
