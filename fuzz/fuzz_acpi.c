/* libFuzzer target: finding \_S5 in DSDT AML and the S5 plan from a
 * FADT (arch/x86/acpi_s5.c): both come from the firmware of the machine
 * Tern runs on. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arch/x86/acpi_s5.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct acpi_s5_plan plan;
	uint8_t a = 5, b = 5;
	uint8_t *copy = malloc(size ? size : 1);

	memcpy(copy, data, size);
	acpi_find_s5(copy, size, &a, &b);
	acpi_s5_plan(copy, size, a, b, &plan);
	free(copy);
	return 0;
}
