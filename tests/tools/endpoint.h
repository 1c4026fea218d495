/*
 * endpoint - connect to unix:PATH or inet:HOST:PORT (test and bench tools)
 */
#ifndef CERTPOLICY_TEST_ENDPOINT_H
#define CERTPOLICY_TEST_ENDPOINT_H

/* endpoint_connect - a connected stream socket, or -1 */
int     endpoint_connect(const char *endpoint);

#endif
