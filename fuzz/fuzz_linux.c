/* libFuzzer target: the Linux bzImage loader (guest/linux.c) on any
 * image bytes, with an initrd and a command line cut from the input's
 * tail, into guest RAM of a size the input picks.  Checked: a load that
 * succeeds put the kernel and the initrd inside RAM, above 1 MiB, not
 * overlapping each other. */
#include <stdint.h>
#include <string.h>

#include "guest/linux.h"

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static uint64_t ram_size;

static int write_ram(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	(void)ctx, (void)src;
	CHECK(gpa <= ram_size && len <= ram_size - gpa);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t rd[64];
	struct guest_writer w = { write_ram, NULL };
	struct linux_image li;
	char err[160], cmdline[64];

	if (size < 2)
		return 0;
	ram_size = ((uint64_t)data[0] + 2) << 20;             /* 2 MiB to 257 MiB */
	size_t rd_size = data[1] & 1 ? (size_t)data[1] << 14 : 0;   /* 0 or up to 4 MiB */
	memset(cmdline, 'c', sizeof cmdline - 1);
	cmdline[(data[1] >> 2) % sizeof cmdline] = 0;
	cmdline[sizeof cmdline - 1] = 0;
	data += 2, size -= 2;
	if (linux_load(data, size, rd_size ? rd : NULL, rd_size > sizeof rd ? sizeof rd : rd_size,
		       cmdline, ram_size, 0xE0000, &w, &li, err, sizeof err) == 0) {
		CHECK(li.load_addr >= 0x100000 && li.load_end <= ram_size && li.load_addr < li.load_end);
		CHECK(!li.initrd_size || (li.initrd_addr >= li.load_end &&
					  li.initrd_addr + li.initrd_size <= ram_size));
	} else {
		CHECK(err[0] && !strchr(err, '\n'));
	}
	return 0;
}
