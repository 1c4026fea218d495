/*
 * lateclose - close a file descriptor without making the caller wait
 *
 * Closing the last reference to a file that was replaced (unlinked)
 * releases its page cache and its blocks in the thread that closes: for a
 * database of a million clients (141 MB) on ext4 that was 59 ms, during
 * which a policy server answers nobody. lateclose() closes such a file
 * (link count 0) in a short-lived detached thread with every signal
 * blocked, and any other file at once; when no thread can be started it
 * closes at once too. Unmap the file before: a mapping is a reference.
 */
#ifndef CERTPOLICY_LATECLOSE_H
#define CERTPOLICY_LATECLOSE_H

/* lateclose - close(fd), off this thread when fd is a removed file */
void    lateclose(int fd);

#endif
