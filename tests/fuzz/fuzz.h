/*
 * fuzz - what the fuzz targets share
 *
 * Each target defines LLVMFuzzerTestOneInput(). Built with libFuzzer
 * ("make fuzz", tests/fuzz/build) it is fuzzed; linked with standalone.c
 * it runs the kept inputs (tests/fuzz/corpus, tests/fuzz/regress) in the
 * normal suite. A target that finds a wrong answer calls fuzz_fail(),
 * which aborts: the fuzzer keeps the input, the suite fails.
 */
#ifndef CERTPOLICY_FUZZ_H
#define CERTPOLICY_FUZZ_H

#include <stddef.h>
#include <stdint.h>

#include "policy/cdbfile.h"
#include "policy/fprint.h"

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* fuzz_file - the input written to this process's scratch file; its path */
const char *fuzz_file(const uint8_t *data, size_t size);

/* fuzz_quiet - log to /dev/null */
void    fuzz_quiet(void);

/* fuzz_fprint - the SHA-256 fingerprint whose bytes are all "fill" */
void    fuzz_fprint(unsigned char fill, struct fprint *fp);

/*
 * fuzz_each_record - in file order, fn(value, length) for every record
 * whose key is one of the letters of kinds, a colon, and more
 */
void    fuzz_each_record(struct cdbfile *cf, const char *kinds,
			         void (*fn) (const char *, unsigned));

/* fuzz_fail - a wrong answer: say which and abort */
void    fuzz_fail(const char *what);

#endif
