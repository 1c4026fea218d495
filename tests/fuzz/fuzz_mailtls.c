/*
 * fuzz_mailtls - lint's STARTTLS dialogue on what a mail server may send
 *
 * The first byte chooses the protocol (SMTP, IMAP, POP3: byte % 3); the
 * rest is what the server sends, on a socket whose other end then stops
 * writing. The dialogue must end in a yes to STARTTLS with nothing read
 * past it, or in an error with a reason: never a read past a limit, never
 * a hang (a one-second timeout bounds each input).
 */
#include "config.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "tls/mailtls.h"

#define FUZZ_MAILTLS_MAX_INPUT 65536	/* what a socket buffer takes at once */

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const enum mailtls_proto protos[] = {MAILTLS_SMTP, MAILTLS_IMAP, MAILTLS_POP3};
    struct mailtls conn;
    char    why[1024];
    int     sv[2], ret;

    if (size < 1 || size > FUZZ_MAILTLS_MAX_INPUT)
	return (0);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
	abort();
    if (size > 1 && write(sv[1], data + 1, size - 1) != (ssize_t) (size - 1))
	abort();
    (void) shutdown(sv[1], SHUT_WR);
    memset(&conn, 0, sizeof(conn));
    conn.fd = sv[0];
    (void) fcntl(conn.fd, F_SETFL, O_NONBLOCK);
    why[0] = 0;
    ret = mailtls_starttls(&conn, protos[data[0] % 3], 1, why, sizeof(why));
    if (ret < 0 && *why == 0)
	fuzz_fail("an error without a reason");
    if (ret == 0 && conn.len != 0)
	fuzz_fail("STARTTLS agreed with text read past it");
    if (conn.len > MAILTLS_MAX_LINE)
	fuzz_fail("more than a line held");
    mailtls_close(&conn);
    close(sv[1]);
    return (0);
}
