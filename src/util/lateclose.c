/*
 * lateclose - close a file descriptor without making the caller wait
 */
#include "config.h"

#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/lateclose.h"

/* lateclose_thread - the close itself */
static void *lateclose_thread(void *arg)
{
    (void) close((int) (intptr_t) arg);
    return (NULL);
}

/* lateclose - close(fd), off this thread when fd is a removed file */
void    lateclose(int fd)
{
    struct stat st;
    pthread_attr_t attr;
    pthread_t tid;
    sigset_t all, old;
    int     started = 0;

    if (fd < 0)
	return;
    if (fstat(fd, &st) < 0 || st.st_nlink > 0 || pthread_attr_init(&attr) != 0) {
	(void) close(fd);
	return;
    }
    /* the thread inherits this mask: no signal meant for the caller goes to it */
    sigfillset(&all);
    if (pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED) == 0
	&& pthread_sigmask(SIG_SETMASK, &all, &old) == 0) {
	started = pthread_create(&tid, &attr, lateclose_thread, (void *) (intptr_t) fd) == 0;
	(void) pthread_sigmask(SIG_SETMASK, &old, NULL);
    }
    (void) pthread_attr_destroy(&attr);
    if (!started)
	(void) close(fd);
}
