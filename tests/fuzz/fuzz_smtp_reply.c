/*
 * fuzz_smtp_reply - probe's SMTP reply reader on what a server may send
 *
 * The first byte sets the reply limit (512 + 64 * byte); the rest arrives
 * on a socket whose other end is then closed. Replies are read until the
 * reader gives up: each must be a code in 200..599 with its text, or an
 * error with a reason, never a read past the input or a hang.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz.h"
#include "tls/smtp_client.h"

#define FUZZ_SMTP_MAX_INPUT 65536	/* what a socket buffer takes at once */

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct smtp_client c;
    char    text[2048], why[512];
    int     sv[2], code, replies = 0;

    if (size < 1 || size > FUZZ_SMTP_MAX_INPUT)
	return (0);
    if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
	abort();
    memset(&c, 0, sizeof(c));
    c.fd = sv[0];
    c.timeout = 1;
    c.max_reply = 512 + 64 * (size_t) data[0];
    c.peer = "fuzz[127.0.0.1]:25";
    if (size > 1 && write(sv[1], data + 1, size - 1) != (ssize_t) (size - 1))
	abort();
    close(sv[1]);
    while ((code = smtp_client_reply(&c, "the fuzz input", text, sizeof(text), why,
				     sizeof(why))) >= 0) {
	if (code < 200 || code > 599 || strlen(text) >= sizeof(text))
	    fuzz_fail("a reply code outside 200..599");
	if (++replies > (int) size)
	    fuzz_fail("more replies than input bytes");
    }
    if (*why == 0)
	fuzz_fail("an error without a reason");
    smtp_client_close(&c);
    return (0);
}
