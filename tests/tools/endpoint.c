/*
 * endpoint - connect to unix:PATH or inet:HOST:PORT (test and bench tools)
 */
#include "config.h"

#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "endpoint.h"

/* endpoint_connect - a connected stream socket, or -1 */
int     endpoint_connect(const char *endpoint)
{
    struct sockaddr_un sun;
    struct addrinfo hints, *res;
    char    host[256], *port;
    int     fd;

    if (strncmp(endpoint, "unix:", 5) == 0) {
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", endpoint + 5);
	if ((fd = socket(AF_UNIX, SOCK_STREAM, 0)) < 0)
	    return (-1);
	if (connect(fd, (struct sockaddr *) &sun, sizeof(sun)) < 0) {
	    close(fd);
	    return (-1);
	}
	return (fd);
    }
    if (strncmp(endpoint, "inet:", 5) != 0)
	return (-1);
    snprintf(host, sizeof(host), "%s", endpoint + 5);
    if ((port = strrchr(host, ':')) == NULL)
	return (-1);
    *port++ = 0;
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, port, &hints, &res) != 0)
	return (-1);
    fd = socket(res->ai_family, res->ai_socktype, res->ai_protocol);
    if (fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) < 0) {
	close(fd);
	fd = -1;
    }
    freeaddrinfo(res);
    return (fd);
}
