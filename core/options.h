/* Hypervisor options from the multiboot2 command line (DESIGN.md 3). */
#ifndef TERN_CORE_OPTIONS_H
#define TERN_CORE_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

struct options {
	uint64_t quantum_us;     /* scheduler time slice: quantum=<ms> */
	char crashtest[16];      /* crashtest=<kind>: fail on purpose (core/crashtest.h) */
	char console[40];        /* console=<where> (lib/console_spec.h), "" for the default */
	bool no_apicv;           /* apicv=off: the CPU's APIC virtualization unused */
	bool checks;             /* checks=on: memory invariants checked (guest/check.h) */
};

extern struct options options;

/* Parse the command line; unknown or malformed options are reported on
 * the console and otherwise ignored. */
void options_parse(const char *cmdline);

#endif
