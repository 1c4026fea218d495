/*
 * fetch_bio - let OpenSSL's HTTP client see every redirect status
 *
 * The filter's state is its own (one per connection); the BIO_METHOD is
 * made once, whatever thread asks first.
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <openssl/bio.h>
#include <openssl/crypto.h>

#include "revocation/fetch_bio.h"
#include "util/log.h"
#include "util/mem.h"

#define FETCH_BIO_HEAD 12		/* "HTTP/1.x NNN": where the status ends */

struct fetch_bio_state {
    unsigned char head[FETCH_BIO_HEAD];
    size_t  have;			/* bytes of head read */
    size_t  given;			/* bytes of head passed on */
    int     through;			/* head done: pass everything */
};

static CRYPTO_ONCE fetch_bio_once = CRYPTO_ONCE_STATIC_INIT;
static BIO_METHOD *fetch_bio_method;

/* fetch_bio_rewrite - 303, 307 and 308 become 302 (RFC 9110, 15.4) */
static void fetch_bio_rewrite(unsigned char *head)
{
    if (memcmp(head, "HTTP/1.", 7) == 0 && head[8] == ' ' && head[9] == '3' && head[10] == '0'
	&& (head[11] == '3' || head[11] == '7' || head[11] == '8'))
	head[11] = '2';
}

/* fetch_bio_read - the head, rewritten, then the rest as it comes */
static int fetch_bio_read(BIO *b, char *out, size_t outl, size_t *readbytes)
{
    struct fetch_bio_state *st = BIO_get_data(b);
    BIO    *next = BIO_next(b);
    size_t  n;
    int     ret;

    BIO_clear_retry_flags(b);
    if (next == NULL)
	return (0);
    if (st->through) {
	ret = BIO_read_ex(next, out, outl, readbytes);
	BIO_copy_next_retry(b);
	return (ret);
    }
    while (st->have < FETCH_BIO_HEAD) {
	if (!BIO_read_ex(next, st->head + st->have, FETCH_BIO_HEAD - st->have, &n)) {
	    BIO_copy_next_retry(b);
	    if (BIO_should_retry(b) || st->have == 0)
		return (0);
	    break;				/* a short answer: give what there is */
	}
	st->have += n;
    }
    if (st->given == 0 && st->have == FETCH_BIO_HEAD)
	fetch_bio_rewrite(st->head);
    n = st->have - st->given < outl ? st->have - st->given : outl;
    memcpy(out, st->head + st->given, n);
    st->given += n;
    st->through = st->given == st->have;
    *readbytes = n;
    return (1);
}

/* fetch_bio_write - the request goes through as it is */
static int fetch_bio_write(BIO *b, const char *in, size_t inl, size_t *written)
{
    BIO    *next = BIO_next(b);
    int     ret;

    BIO_clear_retry_flags(b);
    if (next == NULL)
	return (0);
    ret = BIO_write_ex(next, in, inl, written);
    BIO_copy_next_retry(b);
    return (ret);
}

/* fetch_bio_ctrl - the connection's controls; pending counts the head */
static long fetch_bio_ctrl(BIO *b, int cmd, long num, void *ptr)
{
    struct fetch_bio_state *st = BIO_get_data(b);
    BIO    *next = BIO_next(b);

    if (next == NULL)
	return (0);
    if (cmd == BIO_CTRL_PENDING && !st->through)
	return ((long) (st->have - st->given) + BIO_ctrl(next, cmd, num, ptr));
    return (BIO_ctrl(next, cmd, num, ptr));
}

/* fetch_bio_callback_ctrl - passed on */
static long fetch_bio_callback_ctrl(BIO *b, int cmd, BIO_info_cb *fp)
{
    return (BIO_next(b) ? BIO_callback_ctrl(BIO_next(b), cmd, fp) : 0);
}

/* fetch_bio_create - a fresh state */
static int fetch_bio_create(BIO *b)
{
    BIO_set_data(b, mem_calloc(1, sizeof(struct fetch_bio_state)));
    BIO_set_init(b, 1);
    return (1);
}

/* fetch_bio_destroy - its state */
static int fetch_bio_destroy(BIO *b)
{
    free(BIO_get_data(b));
    BIO_set_data(b, NULL);
    return (1);
}

/* fetch_bio_make - the method, once */
static void fetch_bio_make(void)
{
    BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_FILTER, "redirect status");

    if (m == NULL || !BIO_meth_set_read_ex(m, fetch_bio_read)
	|| !BIO_meth_set_write_ex(m, fetch_bio_write) || !BIO_meth_set_ctrl(m, fetch_bio_ctrl)
	|| !BIO_meth_set_callback_ctrl(m, fetch_bio_callback_ctrl)
	|| !BIO_meth_set_create(m, fetch_bio_create) || !BIO_meth_set_destroy(m, fetch_bio_destroy))
	log_fatal("out of memory");
    fetch_bio_method = m;
}

/* fetch_bio_update - push the filter on connect */
BIO    *fetch_bio_update(BIO *bio, void *arg, int connect, int detail)
{
    BIO    *filter;

    (void) arg;
    (void) detail;
    if (!connect) {
	/* on disconnect: take the filter off again; the rest is OpenSSL's to free */
	BIO    *next = BIO_pop(bio);

	if (next == NULL)
	    return (bio);
	BIO_free(bio);
	return (next);
    }
    if (!CRYPTO_THREAD_run_once(&fetch_bio_once, fetch_bio_make)
	|| (filter = BIO_new(fetch_bio_method)) == NULL)
	return (NULL);
    return (BIO_push(filter, bio));
}
