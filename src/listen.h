/*
 * listen - the sockets certpolicyd accepts connections on
 *
 * "unix:/path" (a stale socket file is replaced; the socket is made mode
 * 0666 so that Postfix's unprivileged smtpd can connect) or
 * "inet:HOST:PORT" ("inet:[::1]:10040" for IPv6). Sockets passed by
 * systemd (LISTEN_FDS, LISTEN_PID) are taken as they are, through
 * libsystemd when built with it; libsystemd is loaded only then (and for
 * sd_notify when NOTIFY_SOCKET is set), never in spawn mode. Every
 * listening socket is non-blocking and close-on-exec.
 */
#ifndef CERTPOLICY_LISTEN_H
#define CERTPOLICY_LISTEN_H

/* listen_open - a listening socket for endpoint; -1 with a message logged */
int     listen_open(const char *endpoint);

/* listen_systemd - the number of sockets passed by systemd (from fd 3), or 0 */
int     listen_systemd(void);

/* listen_notify - "READY=1" or "STOPPING=1" to systemd, when NOTIFY_SOCKET is set */
void    listen_notify(const char *state);

/* listen_close - close; if ours, remove the unix socket file */
void    listen_close(int fd, int ours);

#endif
