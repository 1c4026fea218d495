/*
 * standalone - run a fuzz target over kept inputs, without libFuzzer
 *
 * standalone FILE|DIRECTORY... : every file (directories one level deep)
 * is given to LLVMFuzzerTestOneInput() once. Prints how many ran.
 */
#include "config.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

/* run_file - one input */
static int run_file(const char *path)
{
    FILE   *fp = fopen(path, "rb");
    uint8_t *buf = NULL, *exact;
    size_t  len = 0, cap = 0, got;

    if (fp == NULL) {
	perror(path);
	exit(1);
    }
    do {
	if (len == cap && (buf = realloc(buf, cap = cap * 2 + 65536)) == NULL)
	    exit(1);
	got = fread(buf + len, 1, cap - len, fp);
	len += got;
    } while (got > 0);
    fclose(fp);
    /* An exact-size copy, as libFuzzer gives: reads past the end are caught. */
    if ((exact = malloc(len ? len : 1)) == NULL)
	exit(1);
    memcpy(exact, buf, len);
    free(buf);
    LLVMFuzzerTestOneInput(exact, len);
    free(exact);
    return (1);
}

int     main(int argc, char **argv)
{
    struct stat st;
    struct dirent *de;
    DIR    *dir;
    char    path[4096];
    int     i, count = 0;

    for (i = 1; i < argc; i++) {
	if (stat(argv[i], &st) < 0) {
	    perror(argv[i]);
	    return (1);
	}
	if (!S_ISDIR(st.st_mode)) {
	    count += run_file(argv[i]);
	    continue;
	}
	if ((dir = opendir(argv[i])) == NULL) {
	    perror(argv[i]);
	    return (1);
	}
	while ((de = readdir(dir)) != NULL) {
	    if (de->d_name[0] == '.')
		continue;
	    snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
	    count += run_file(path);
	}
	closedir(dir);
    }
    printf("%d inputs\n", count);
    return (0);
}
