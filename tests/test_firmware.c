/* Host tests of guest/firmware.c: the guest's ACPI and MP tables are
 * written into a fake guest memory, then found and parsed back the way
 * guest kernels find them -- the RSDP by scanning E0000h-FFFFFh, the MP
 * floating pointer as xv6's mpsearch() does -- and read with the
 * hypervisor's own FADT/DSDT parser (arch/x86/acpi_s5.c).  ACPI 6.4
 * chapter 5; MultiProcessor Specification 1.4 chapter 4. */
#define TEST_MAIN
#include "tests/test.h"
#include "arch/x86/acpi_s5.h"
#include "devices/acpi_pm.h"
#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "guest/devices.h"
#include "guest/firmware.h"

#include <stdbool.h>
#include <stdint.h>

#define MEM (1u << 20)
static uint8_t mem[MEM];
static struct { uint64_t gpa; size_t len; } writes[32];
static unsigned nwrites;

static int write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	(void)ctx;
	if (gpa + len > MEM || nwrites == 32)
		return -1;
	memcpy(mem + gpa, src, len);
	writes[nwrites].gpa = gpa, writes[nwrites++].len = len;
	return 0;
}

static const struct fw_cpu cpu = { 0x000306A9, 0x178BFBFF };

static void build(void)
{
	struct guest_writer w = { write, NULL };

	memset(mem, 0, sizeof mem);
	nwrites = 0;
	if (firmware_write(&w, &cpu))
		abort();
}

static uint16_t rd16(uint64_t a) { return (uint16_t)(mem[a] | mem[a + 1] << 8); }
static uint32_t rd32(uint64_t a) { return rd16(a) | (uint32_t)rd16(a + 2) << 16; }
static uint64_t rd64(uint64_t a) { return rd32(a) | (uint64_t)rd32(a + 4) << 32; }

/* A System Description Table at a with signature sig: its length, or 0
 * if the signature or checksum is wrong. */
static uint32_t sdt(uint64_t a, const char *sig)
{
	uint32_t len = rd32(a + 4);

	if (memcmp(mem + a, sig, 4) || len < 36 || a + len > MEM || acpi_checksum(mem + a, len))
		return 0;
	return len;
}

static uint64_t find_rsdp(void)
{
	for (uint64_t a = 0xE0000; a < 0x100000; a += 16)
		if (!memcmp(mem + a, "RSD PTR ", 8) && !acpi_checksum(mem + a, 20))
			return a;
	return 0;
}

/* The table with signature sig that the XSDT (or RSDT) lists. */
static uint64_t listed(const char *sig, bool xsdt)
{
	uint64_t rsdp = find_rsdp(), root = xsdt ? rd64(rsdp + 24) : rd32(rsdp + 16);
	unsigned size = xsdt ? 8 : 4;
	uint32_t len = sdt(root, xsdt ? "XSDT" : "RSDT");

	for (uint32_t off = 36; len && off + size <= len; off += size) {
		uint64_t t = size == 8 ? rd64(root + off) : rd32(root + off);
		if (t < MEM && !memcmp(mem + t, sig, 4))
			return t;
	}
	return 0;
}

/* 5.2.5.3: revision 2, both checksums, 36 bytes, in the BIOS area. */
TEST(rsdp_found_where_kernels_scan)
{
	build();
	uint64_t r = find_rsdp();
	CHECK(r == FW_RSDP_ADDR);
	CHECK(mem[r + 15] == 2 && rd32(r + 20) == 36);
	CHECK(acpi_checksum(mem + r, 36) == 0);
	CHECK(sdt(rd32(r + 16), "RSDT") == 36 + 2 * 4);
	CHECK(sdt(rd64(r + 24), "XSDT") == 36 + 2 * 8);
}

TEST(rsdt_and_xsdt_list_the_same_tables)
{
	build();
	CHECK(listed("FACP", false) == FW_FADT_ADDR && listed("FACP", true) == FW_FADT_ADDR);
	CHECK(listed("APIC", false) == FW_MADT_ADDR && listed("APIC", true) == FW_MADT_ADDR);
	CHECK(listed("HPET", true) == 0);
}

/* 5.2.9: the FADT names the PM registers the platform has, the SCI, the
 * reset register, the DSDT and the FACS in both widths. */
TEST(fadt_describes_the_pm_registers)
{
	build();
	uint64_t f = listed("FACP", true);
	CHECK(sdt(f, "FACP") == 244 && mem[f + 8] == 3);
	CHECK(rd16(f + 46) == ACPI_SCI_IRQ && rd32(f + 48) == 0);          /* SCI, no SMI_CMD */
	CHECK(rd32(f + 56) == ACPI_PM_PORT + ACPI_PM1_STS && mem[f + 88] == 4);
	CHECK(rd32(f + 64) == ACPI_PM_PORT + ACPI_PM1_CNT && mem[f + 89] == 2);
	CHECK(rd32(f + 76) == ACPI_PM_PORT + ACPI_PM_TMR && mem[f + 91] == 4);
	CHECK(rd32(f + 80) == 0 && mem[f + 92] == 0);                      /* no GPE0 */
	CHECK(mem[f + 108] == 0x32);                                       /* CMOS century */
	CHECK(rd16(f + 109) == 3);                                         /* legacy devices, 8042 */
	uint32_t flags = rd32(f + 112);
	CHECK(flags & (1u << 10));                                         /* RESET_REG_SUP */
	CHECK(!(flags & (1u << 8)) && !(flags & (1u << 20)));             /* 24-bit timer, not HW-reduced */
	CHECK(mem[f + 116] == 1 && mem[f + 117] == 8 && rd64(f + 120) == 0xCF9 && mem[f + 128] == 6);
	CHECK(rd32(f + 40) == FW_DSDT_ADDR && rd64(f + 140) == FW_DSDT_ADDR);
	CHECK(rd32(f + 36) == FW_FACS_ADDR && rd64(f + 132) == FW_FACS_ADDR);
	CHECK(mem[f + 208] == 1 && mem[f + 209] == 32 && rd64(f + 212) == ACPI_PM_PORT + ACPI_PM_TMR);
}

/* The hypervisor's own S5 logic (as it powers off a real PC) finds in
 * these tables exactly what guest/dev_acpi.c acts on. */
TEST(s5_found_by_the_hosts_parser)
{
	struct acpi_s5_plan plan;
	uint8_t a, b;

	build();
	uint64_t f = listed("FACP", true), d = rd64(f + 140);
	uint32_t dlen = sdt(d, "DSDT");
	CHECK(dlen > 36);
	CHECK(acpi_find_s5(mem + d + 36, dlen - 36, &a, &b) == 0);
	CHECK(a == ACPI_S5_SLP_TYP && b == ACPI_S5_SLP_TYP);
	CHECK(acpi_s5_plan(mem + f, 244, a, b, &plan) == 0);
	CHECK(!plan.hw_reduced && plan.smi_cmd == 0);
	CHECK(plan.pm1a.space == ACPI_SPACE_IO && plan.pm1a.addr == ACPI_PM_PORT + ACPI_PM1_CNT);
	CHECK(plan.pm1a.width == 2 && plan.pm1b.width == 0);
}

/* 5.2.10: 64 bytes, 64-byte aligned, in RAM (the EBDA), version 2. */
TEST(facs_in_the_ebda)
{
	build();
	CHECK(FW_FACS_ADDR % 64 == 0 && FW_FACS_ADDR >= 0x9FC00 && FW_FACS_ADDR + 64 <= 0xA0000);
	CHECK(!memcmp(mem + FW_FACS_ADDR, "FACS", 4) && rd32(FW_FACS_ADDR + 4) == 64);
	CHECK(mem[FW_FACS_ADDR + 32] == 2);
}

/* 5.2.12: the MADT's entries tile the table exactly and describe the
 * platform: one enabled LAPIC, the I/O APIC, IRQ0 -> GSI 2, the SCI
 * level/high, NMI on LINT1. */
TEST(madt_describes_the_apics)
{
	build();
	uint64_t m = listed("APIC", true);
	uint32_t len = sdt(m, "APIC"), off;
	unsigned lapics = 0, ioapics = 0, isos = 0, nmis = 0;
	CHECK(len > 44);
	CHECK(rd32(m + 36) == LAPIC_DEFAULT_BASE && rd32(m + 40) == 1);
	for (off = 44; off + 2 <= len && mem[m + off + 1] >= 2; off += mem[m + off + 1]) {
		uint64_t e = m + off;
		switch (mem[e]) {
		case 0:
			CHECK(mem[e + 1] == 8 && mem[e + 3] == 0 && rd32(e + 4) == 1);
			lapics++;
			break;
		case 1:
			CHECK(mem[e + 1] == 12 && mem[e + 2] == IOAPIC_DEFAULT_ID);
			CHECK(rd32(e + 4) == IOAPIC_DEFAULT_BASE && rd32(e + 8) == 0);
			ioapics++;
			break;
		case 2:
			CHECK(mem[e + 1] == 10 && mem[e + 2] == 0);
			if (mem[e + 3] == 0)
				CHECK(rd32(e + 4) == 2 && rd16(e + 8) == 0);
			else
				CHECK(mem[e + 3] == 9 && rd32(e + 4) == 9 && rd16(e + 8) == 0x0D);
			isos++;
			break;
		case 4:
			CHECK(mem[e + 1] == 6 && mem[e + 2] == 0xFF && mem[e + 5] == 1);
			nmis++;
			break;
		default:
			CHECK(!"unexpected MADT entry");
		}
	}
	CHECK(off == len);
	CHECK(lapics == 1 && ioapics == 1 && isos == 2 && nmis == 1);
}

/* MP 4.1 and xv6's mpsearch(): the EBDA's first KiB, the last KiB of
 * base memory, then F0000h-FFFFFh, on 16-byte boundaries. */
static uint64_t find_mp(void)
{
	uint64_t ranges[][2] = { { 0x9FC00, 0xA0000 }, { 0xF0000, 0x100000 } };

	for (unsigned i = 0; i < 2; i++)
		for (uint64_t a = ranges[i][0]; a + 16 <= ranges[i][1]; a += 16)
			if (!memcmp(mem + a, "_MP_", 4) && !acpi_checksum(mem + a, 16))
				return a;
	return 0;
}

TEST(mp_floating_pointer)
{
	build();
	uint64_t f = find_mp();
	CHECK(f == FW_MP_FLOAT_ADDR);
	CHECK(mem[f + 8] == 1 && mem[f + 9] == 4);                 /* 16 bytes, spec 1.4 */
	CHECK(mem[f + 11] == 0 && mem[f + 12] == 0);               /* a table follows; IMCRP clear */
	CHECK(rd32(f + 4) == FW_MP_TABLE_ADDR);
}

/* MP 4.2-4.3: the entries, as many as the header says and exactly its
 * length, describe the same machine as the MADT. */
TEST(mp_configuration_table)
{
	build();
	uint64_t t = rd32(find_mp() + 4);
	uint16_t len = rd16(t + 4), count = rd16(t + 34), n = 0;
	unsigned cpus = 0, buses = 0, ioapics = 0, ints = 0, extint_pin0 = 0, lints = 0;
	bool irq0_pin2 = false, sci_level = false, pin2_other = false;
	uint32_t off;

	CHECK(!memcmp(mem + t, "PCMP", 4) && mem[t + 6] == 4);
	CHECK(acpi_checksum(mem + t, len) == 0);
	CHECK(rd32(t + 36) == LAPIC_DEFAULT_BASE && rd16(t + 40) == 0);
	for (off = 44; off < len; n++) {
		uint64_t e = t + off;
		switch (mem[e]) {
		case 0:
			CHECK(mem[e + 1] == 0 && mem[e + 3] == 3);      /* APIC 0: enabled, BSP */
			CHECK(rd32(e + 4) == cpu.signature && rd32(e + 8) == cpu.features);
			cpus++, off += 20;
			continue;
		case 1:
			CHECK(!memcmp(mem + e + 2, "ISA   ", 6) && mem[e + 1] == 0);
			buses++;
			break;
		case 2:
			CHECK(mem[e + 1] == IOAPIC_DEFAULT_ID && mem[e + 2] == 0x20 && mem[e + 3] == 1);
			CHECK(rd32(e + 4) == IOAPIC_DEFAULT_BASE);
			ioapics++;
			break;
		case 3:
			CHECK(mem[e + 4] == 0 && mem[e + 6] == IOAPIC_DEFAULT_ID);
			if (mem[e + 1] == 3)
				extint_pin0 += mem[e + 7] == 0;
			else {
				irq0_pin2 |= mem[e + 5] == 0 && mem[e + 7] == 2;
				pin2_other |= mem[e + 5] != 0 && mem[e + 7] == 2;
				sci_level |= mem[e + 5] == 9 && rd16(e + 2) == 0x0D;
				ints++;
			}
			break;
		case 4:
			CHECK(mem[e + 6] == 0xFF);
			CHECK((mem[e + 7] == 0 && mem[e + 1] == 3) || (mem[e + 7] == 1 && mem[e + 1] == 1));
			lints++;
			break;
		default:
			CHECK(!"unexpected MP entry");
		}
		off += 8;
	}
	CHECK(off == len && n == count);
	CHECK(cpus == 1 && buses == 1 && ioapics == 1 && lints == 2 && extint_pin0 == 1);
	CHECK(ints == 15 && irq0_pin2 && !pin2_other && sci_level);
}

/* Every table but the FACS lies in the BIOS ROM, and none overlaps
 * another. */
TEST(tables_in_rom_and_disjoint)
{
	build();
	CHECK(nwrites == 9);
	for (unsigned i = 0; i < nwrites; i++) {
		if (writes[i].gpa != FW_FACS_ADDR)
			CHECK(writes[i].gpa >= 0xE0000 && writes[i].gpa + writes[i].len <= 0x100000);
		for (unsigned j = 0; j < i; j++)
			CHECK(writes[i].gpa + writes[i].len <= writes[j].gpa ||
			      writes[j].gpa + writes[j].len <= writes[i].gpa);
	}
}

static int failing_write(void *ctx, uint64_t gpa, const void *src, size_t len)
{
	(void)ctx, (void)gpa, (void)src, (void)len;
	return -1;
}

TEST(a_failed_write_is_reported)
{
	struct guest_writer w = { failing_write, NULL };
	CHECK(firmware_write(&w, &cpu) == -1);
}
