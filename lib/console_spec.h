/* The hypervisor option console= (DESIGN.md 3), parsed: which serial
 * port carries Tern's console.  Pure: tests/test_console.c. */
#ifndef TERN_LIB_CONSOLE_SPEC_H
#define TERN_LIB_CONSOLE_SPEC_H

#include <stdint.h>

enum console_kind {
	CONSOLE_DEFAULT,   /* no option: BIOS data area, then ACPI SPCR, then COM1 if it answers */
	CONSOLE_NONE,      /* console=none: no serial console */
	CONSOLE_IO,        /* a 16550 in I/O space */
	CONSOLE_MMIO,      /* a 16550 in memory space, registers `width` bytes apart */
};

struct console_spec {
	enum console_kind kind;
	uint64_t base;      /* I/O port or physical address */
	unsigned width;     /* MMIO register stride: 1 or 4 */
};

/* Accepted forms:
 *   com1 com2 com3 com4         the PC ports 0x3F8, 0x2F8, 0x3E8, 0x2E8
 *   io:PORT  or  PORT           an I/O port, decimal or 0x-hex (< 0x10000)
 *   mmio:ADDR[,WIDTH]           a memory-mapped 16550; WIDTH 1 (default) or 4
 *   none
 * 0, or -1 with *why saying what is wrong. */
int console_spec_parse(const char *text, struct console_spec *out, const char **why);

#endif
