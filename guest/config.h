/* A guest's module command line (DESIGN.md section 3):
 *   [path] name=NAME mem=SIZE [on_reset=stop|reboot] [-- guest command line]
 * or that of a module which is another guest's initial RAM disk:
 *   [path] initrd_for=NAME
 * Pure code (tests/test_guestcfg.c). */
#ifndef TERN_GUEST_CONFIG_H
#define TERN_GUEST_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUEST_NAME_MAX 32
#define GUEST_MEM_MIN (2ull << 20)    /* room for a loader's info and a kernel at 1 MiB */
#define GUEST_MEM_MAX (64ull << 30)

struct guest_config {
	char name[GUEST_NAME_MAX];
	uint64_t mem;
	bool reboot_on_reset;    /* on_reset=reboot (default: stop) */
	const char *cmdline;     /* after "--", or "" */
	char initrd_for[GUEST_NAME_MAX];   /* initrd_for=: this module is no guest */
};

/* Returns 0, or -1 with a one-line reason in err.  cfg->name is set
 * from a valid name= wherever it stands, even when another option
 * fails ("" otherwise). */
int guest_config_parse(const char *module_cmdline, struct guest_config *cfg, char *err,
		       size_t err_size);

#endif
