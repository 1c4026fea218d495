/*
 * fuzz_conf - the certpolicy.conf parser, on any text
 */
#include "config.h"

#include "policy/bounds.h"
#include "source/conf.h"
#include "fuzz.h"

int     LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct bounds bounds;
    struct conf *conf;

    fuzz_quiet();
    bounds_init(&bounds, bounds_tool, BOUND_TOOL_COUNT);
    if ((conf = conf_parse("fuzz.conf", (const char *) data, size, &bounds)) != NULL)
	conf_free(conf);
    return (0);
}
