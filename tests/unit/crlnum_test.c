/*
 * crlnum_test - cRLNumbers per CA key and scope, case by case
 *
 * Each input line is one command:
 *   check KEY SCOPE complete|delta NUMBER   a CRL (KEY: one hex byte, repeated;
 *                                           SCOPE likewise; NUMBER decimal or "-"),
 *                                           in a refresh of its own: then the
 *                                           table is stored and read back, as
 *                                           the next refresh reads it
 *   run KEY SCOPE complete|delta NUMBER...  several CRLs in one refresh, then
 *                                           stored and read back
 *   load TEXT                               a stored value, "|" written for newline
 *   fill N                                  N more CA keys (to cross CRLNUM_MAX)
 *   dump                                    the value as stored ("\n" shown as "|")
 *   reset                                   a new, empty table
 * and prints what it did.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/asn1.h>

#include "revocation/crlnum.h"

/* check - the CRLs of one refresh, all of one key, scope and kind */
static void check(struct crlnum *cn, const char *args)
{
    unsigned char keyid[CRLNUM_KEYID], scope[CRLNUM_SCOPE];
    unsigned key, sc;
    char    kind[16], num[64], why[256] = "";
    ASN1_INTEGER *n = NULL;
    BIGNUM *bn = NULL;
    int     used, more = 0;

    if (sscanf(args, "%x %x %15s %n", &key, &sc, kind, &used) != 3) {
	printf("malformed\n");
	return;
    }
    memset(keyid, (int) key, sizeof(keyid));
    memset(scope, (int) sc, sizeof(scope));
    for (args += used; sscanf(args, "%63s %n", num, &used) == 1; args += used) {
	if (strcmp(num, "-") != 0 && BN_dec2bn(&bn, num) > 0)
	    n = BN_to_ASN1_INTEGER(bn, NULL);
	if (crlnum_check(cn, keyid, scope, strcmp(kind, "delta") == 0, n, why, sizeof(why)) < 0)
	    printf("%srefused: %s", more++ ? "; " : "", why);
	else
	    printf("%saccepted", more++ ? "; " : "");
	ASN1_INTEGER_free(n);
	BN_free(bn);
	n = NULL;
	bn = NULL;
    }
    printf("\n");
}

/* next_refresh - the table as the next refresh reads it from status.cdb */
static struct crlnum *next_refresh(struct crlnum *cn)
{
    char   *value = crlnum_value(cn);
    struct crlnum *next = crlnum_new();

    crlnum_load(next, value);
    free(value);
    crlnum_free(cn);
    return (next);
}

int     main(void)
{
    struct crlnum *cn = crlnum_new();
    char    line[4096], text[4096], *value;
    unsigned char keyid[CRLNUM_KEYID], scope[CRLNUM_SCOPE] = {0};
    ASN1_INTEGER *one = ASN1_INTEGER_new();
    size_t  i, j;
    long    n;

    ASN1_INTEGER_set(one, 1);
    while (fgets(line, sizeof(line), stdin) != NULL) {
	line[strcspn(line, "\n")] = 0;
	if (*line == 0 || *line == '#')
	    continue;
	printf("[%s] ", line);
	if (strncmp(line, "check ", 6) == 0 || strncmp(line, "run ", 4) == 0) {
	    check(cn, line + (*line == 'c' ? 6 : 4));
	    cn = next_refresh(cn);
	} else if (strncmp(line, "load ", 5) == 0) {
	    for (i = 5, j = 0; line[i]; i++)
		text[j++] = line[i] == '|' ? '\n' : line[i];
	    text[j] = 0;
	    printf("%d\n", crlnum_load(cn, text));
	} else if (strncmp(line, "fill ", 5) == 0) {
	    n = strtol(line + 5, NULL, 10);
	    for (i = 0; i < (size_t) n; i++) {
		memset(keyid, 0xee, sizeof(keyid));
		keyid[0] = (unsigned char) (i & 0xff);
		keyid[1] = (unsigned char) (i >> 8);
		if (crlnum_check(cn, keyid, scope, 0, one, text, sizeof(text)) < 0)
		    break;
	    }
	    printf("%zu added\n", i);
	} else if (strcmp(line, "dump") == 0) {
	    value = crlnum_value(cn);
	    for (i = 0; value[i]; i++)
		if (value[i] == '\n')
		    value[i] = '|';
	    printf("%s\n", value);
	    free(value);
	} else if (strcmp(line, "reset") == 0) {
	    crlnum_free(cn);
	    cn = crlnum_new();
	    printf("\n");
	} else {
	    printf("unknown command\n");
	}
    }
    crlnum_free(cn);
    ASN1_INTEGER_free(one);
    return (0);
}
