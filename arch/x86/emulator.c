#include "arch/x86/emulator.h"
#include "arch/x86/cpuid.h"
#include "lib/string.h"

#include "arch/x86/acpi.h"

static bool emulated, decided;

static bool hypervisor_is_emulator(void)
{
	struct cpuid_regs r;
	char sig[13];

	if (!cpuid_hypervisor(&r))
		return false;
	memcpy(sig, &r.ebx, 4);
	memcpy(sig + 4, &r.ecx, 4);
	memcpy(sig + 8, &r.edx, 4);
	sig[12] = 0;
	return !memcmp(sig, "KVMKVMKVM\0\0\0", 12) || !strcmp(sig, "TCGTCGTCGTCG");
}

void emulator_detect(const char *acpi_oem)
{
	emulated = hypervisor_is_emulator() || (acpi_oem && !memcmp(acpi_oem, "BOCHS ", 6));
	decided = true;
}

bool on_emulator(void)
{
	if (!decided)   /* a power-off before kmain got that far */
		emulator_detect(acpi_oem_id());
	return emulated;
}
