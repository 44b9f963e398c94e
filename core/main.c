/*
 * kmain: from the jump out of boot/entry.asm to running guests.
 *   1. console, GDT/TSS/IDT (so a fault from here on gives a crash dump)
 *   2. multiboot2 information -> options, memory map, modules
 *   3. memory: direct map and frame allocator (mm/)
 *   4. ACPI (for power-off), boot summary
 *   5. the CPU backend (VMX or SVM, virt/backend.c), then the guests (guest/)
 */
#include "arch/x86/acpi.h"
#include "arch/x86/cpu.h"
#include "arch/x86/emulator.h"
#include "arch/x86/ioapic.h"
#include "arch/x86/lapic.h"
#include "arch/x86/gdt.h"
#include "arch/x86/idt.h"
#include "arch/x86/pic.h"
#include "arch/x86/power.h"
#include "arch/x86/uart16550.h"
#include "boot/mb2.h"
#include "core/console.h"
#include "core/crashtest.h"
#include "core/log.h"
#include "core/options.h"
#include "guest/run.h"
#include "mm/paging.h"
#include "mm/setup.h"
#include "virt/backend.h"

extern char _image_phys_start[], _image_phys_end[];   /* linker.ld */

/* Generous bound for reading the info before its size is validated. */
#define MB2_INFO_LIMIT (1u << 24)

static struct mb2_info info;

static void parse_boot_info(uint64_t info_phys)
{
	const char *err;

	if (mb2_parse(phys_to_virt(info_phys), MB2_INFO_LIMIT, &info, &err)) {
		pr_err("bad boot information: %s", err);
		power_off(EXIT_FAILURE);
	}
}

static const char *mmap_type_name(uint32_t type)
{
	switch (type) {
	case MB2_MMAP_AVAILABLE: return "available";
	case MB2_MMAP_ACPI_RECLAIMABLE: return "ACPI reclaimable";
	case MB2_MMAP_NVS: return "ACPI NVS";
	case MB2_MMAP_BAD: return "bad";
	default: return "reserved";
	}
}

static void print_summary(const struct mm_summary *sum)
{
	pr_info("memory map: %zu entries (from the %s)", info.mmap_count,
		info.mmap_from_efi ? "EFI memory map" : "boot loader's memory map");
	for (size_t i = 0; i < info.mmap_count; i++) {
		const struct mb2_mmap_entry *e = &info.mmap[i];
		pr_info("  [0x%012llx-0x%012llx) %s", (unsigned long long)e->base,
			(unsigned long long)(e->base + e->len), mmap_type_name(e->type));
	}
	if (info.mmap_merged || info.mmap_dropped)
		pr_info("memory map: %zu entries given, %zu merged, %zu dropped",
			info.mmap_total, info.mmap_merged, info.mmap_dropped);
	if (info.mmap_dropped_bytes_available)
		pr_warn("memory map: more than %d entries; %llu KiB of available RAM left unused",
			MB2_MAX_MMAP, (unsigned long long)(info.mmap_dropped_bytes_available >> 10));
	pr_info("RAM: %llu MiB usable in %zu regions, highest address 0x%llx",
		(unsigned long long)(sum->usable_bytes >> 20), sum->usable_regions,
		(unsigned long long)sum->highest_usable);
	pr_info("modules: %zu", info.module_count);
	for (size_t i = 0; i < info.module_count; i++) {
		const struct mb2_module *m = &info.modules[i];
		pr_info("  module %zu: %u bytes at 0x%x: %s", i, m->end - m->start, m->start,
			m->cmdline);
	}
	mm_print_frames();
}

/* What firmware left armed must not interrupt the hypervisor: the 8259s
 * are masked (pic_mask_all, earlier), the LAPIC's LVTs and every I/O APIC
 * pin too.  CR4.MCE on, so a machine check reaches the crash dump instead
 * of shutting the CPU down (SDM Vol. 3B 16.3). */
static void quiesce_interrupts(void)
{
	lapic_quiesce();
	acpi_for_each_ioapic(ioapic_mask_all);
	write_cr4(read_cr4() | CR4_MCE);
}

void kmain(uint32_t magic, uint64_t info_phys)
{
	struct mm_summary sum;

	uart_init(COM1_PORT);
	gdt_init();
	idt_init();
	pic_mask_all();
	(void)magic;   /* checked by boot/entry.asm */

	parse_boot_info(info_phys);
	options_parse(info.cmdline);
	pr_info("Tern hypervisor, loaded by %s", info.loader_name[0] ? info.loader_name : "an unnamed loader");
	pr_info("command line: %s", info.cmdline);
	pr_info("image at 0x%llx-0x%llx%s", (unsigned long long)((uint64_t)_image_phys_start + image_load_offset),
		(unsigned long long)((uint64_t)_image_phys_end + image_load_offset), image_load_offset ? " (moved there by the boot loader)" : "");

	mm_init(&info, info_phys, &sum);
	/* The identity map is gone: read the information again through the
	 * direct map so its string pointers stay valid. */
	parse_boot_info(info_phys);
	acpi_init(info.rsdp);
	console_choose(options.console, info.have_fb ? &info.fb : NULL);
	emulator_detect(acpi_oem_id());
	quiesce_interrupts();
	print_summary(&sum);

	crashtest_run(options.crashtest);

	if (backend_select() != 0)
		power_off(EXIT_NO_VMX);
	guests_run(&info);
}
