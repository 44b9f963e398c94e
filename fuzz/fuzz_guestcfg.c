/* libFuzzer target: a guest's module command line (guest/config.c,
 * lib/cmdline.c). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "guest/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *line = malloc(size + 1), err[160];
	struct guest_config cfg;

	memcpy(line, data, size);
	line[size] = 0;
	guest_config_parse(line, &cfg, err, sizeof err);
	free(line);
	return 0;
}
