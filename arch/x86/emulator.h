/* Is Tern running under Bochs, QEMU or KVM?  Their private ports
 * (isa-debug-exit 0xF4, the debug console 0xE9, Bochs' shutdown port
 * 0x8900) are written only then: on a real PC something else may sit
 * at those ports. */
#ifndef TERN_ARCH_X86_EMULATOR_H
#define TERN_ARCH_X86_EMULATOR_H

#include <stdbool.h>

/* Decide once, from the CPUID hypervisor signature ("KVMKVMKVM",
 * "TCGTCGTCGTCG") and the ACPI RSDP's OEM ID ("BOCHS ", which Bochs' and
 * QEMU's firmware write). */
void emulator_detect(const char *acpi_oem);
bool on_emulator(void);

#endif
