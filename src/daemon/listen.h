/*
 * listen - the sockets certpolicyd accepts connections on
 *
 * "unix:/path[,mode=OCTAL][,owner=USER][,group=GROUP]" (mode 0666 by
 * default, so that Postfix's unprivileged smtpd can connect; the socket
 * is made in a private directory and renamed into place, so no chmod or
 * chown runs on a path another user could change; only a stale socket is
 * replaced, never a live one or another kind of file; at exit the file is
 * removed only while it is still this socket) or
 * "inet:HOST:PORT" ("inet:[::1]:10040" for IPv6). Sockets passed by
 * systemd (LISTEN_FDS, LISTEN_PID) are taken as they are, through
 * libsystemd when built with it; libsystemd is loaded only then (and for
 * sd_notify when NOTIFY_SOCKET is set), never in spawn mode. Every
 * listening socket is non-blocking and close-on-exec.
 *
 * DIAGNOSTICS
 *	Nothing is printed: a socket that cannot be had is -1 with the
 *	reason in the caller's why buffer (why_len bytes), for certpolicyd
 *	to log before it exits.
 */
#ifndef CERTPOLICY_LISTEN_H
#define CERTPOLICY_LISTEN_H

#include <stddef.h>

/* listen_open - a listening socket for endpoint; -1 with the reason in why */
int     listen_open(const char *endpoint, char *why, size_t why_len);

/*
 * listen_systemd - the number of sockets passed by systemd (from fd 3), or
 * 0; -1 with the reason in why when LISTEN_FDS is bad. The caller bounds
 * the number.
 */
int     listen_systemd(char *why, size_t why_len);

/* listen_notify - "READY=1" or "STOPPING=1" to systemd, when NOTIFY_SOCKET is set */
void    listen_notify(const char *state);

/* listen_close - close; if ours, remove the unix socket file */
void    listen_close(int fd, int ours);

#endif
