/* ACPI table walk (ACPI 6.4 chapter 5.2) to find how to power off. */
#include "arch/x86/acpi.h"
#include "arch/x86/acpi_s5.h"
#include "arch/x86/power.h"
#include "core/log.h"
#include "lib/string.h"
#include "mm/paging.h"

#include <stdint.h>

struct __attribute__((packed)) rsdp {
	char signature[8];
	uint8_t checksum;
	char oem[6];
	uint8_t revision;
	uint32_t rsdt;
	uint32_t length;        /* revision >= 2 from here on */
	uint64_t xsdt;
	uint8_t ext_checksum;
	uint8_t reserved[3];
};

struct __attribute__((packed)) sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem[6];
	char oem_table[8];
	uint32_t oem_revision;
	uint32_t creator;
	uint32_t creator_revision;
};

/* FADT fields up to the ones used (ACPI 6.4 Table 5.9). */
struct __attribute__((packed)) fadt {
	struct sdt_header h;
	uint32_t firmware_ctrl;
	uint32_t dsdt;
	uint8_t reserved0;
	uint8_t preferred_pm_profile;
	uint16_t sci_int;
	uint32_t smi_cmd;
	uint8_t acpi_enable, acpi_disable, s4bios_req, pstate_cnt;
	uint32_t pm1a_evt_blk, pm1b_evt_blk;
	uint32_t pm1a_cnt_blk, pm1b_cnt_blk;
};

#define MAX_TABLE_LEN (16u << 20)

static const struct sdt_header *map_table(uint64_t phys)
{
	const struct sdt_header *h;

	if (!phys || phys >= paging_direct_map_limit())
		return NULL;
	h = phys_to_virt(phys);
	if (h->length < sizeof *h || h->length > MAX_TABLE_LEN)
		return NULL;
	if (acpi_checksum(h, h->length) != 0) {
		char sig[5] = { h->signature[0], h->signature[1], h->signature[2], h->signature[3], 0 };
		pr_warn("acpi: table %s at 0x%llx has a bad checksum", sig, (unsigned long long)phys);
		return NULL;
	}
	return h;
}

static const struct rsdp *scan_rsdp(uint64_t start, uint64_t end)
{
	/* ACPI 6.4 5.2.5.1: on 16-byte boundaries in the EBDA's first KiB
	 * or in 0xE0000-0xFFFFF. */
	for (uint64_t p = start; p + 20 <= end; p += 16) {
		const struct rsdp *r = phys_to_virt(p);
		if (!memcmp(r->signature, "RSD PTR ", 8) && acpi_checksum(r, 20) == 0)
			return r;
	}
	return NULL;
}

static const struct rsdp *find_rsdp(const void *from_loader)
{
	const struct rsdp *r;
	uint64_t ebda = (uint64_t)*(const uint16_t *)phys_to_virt(0x40E) << 4;

	if (from_loader)
		return from_loader;
	if (ebda >= 0x80000 && ebda < 0xA0000 && (r = scan_rsdp(ebda, ebda + 1024)))
		return r;
	return scan_rsdp(0xE0000, 0x100000);
}

/* Look a table up by signature in the RSDT (4-byte entries) or XSDT (8). */
static const struct sdt_header *find_table(const struct rsdp *rsdp, const char *sig)
{
	int use_xsdt = rsdp->revision >= 2 && rsdp->xsdt;
	const struct sdt_header *root = map_table(use_xsdt ? rsdp->xsdt : rsdp->rsdt);
	size_t width = use_xsdt ? 8 : 4;

	if (!root)
		return NULL;
	size_t n = (root->length - sizeof *root) / width;
	const uint8_t *entries = (const uint8_t *)(root + 1);
	for (size_t i = 0; i < n; i++) {
		uint64_t phys = 0;
		memcpy(&phys, entries + i * width, width);
		const struct sdt_header *t = map_table(phys);
		if (t && !memcmp(t->signature, sig, 4))
			return t;
	}
	return NULL;
}

static char oem_id[7];
static const struct rsdp *root;

/* MADT entries (ACPI 6.4 5.2.12): after the header, the local APIC
 * address and flags, then {type, length, ...}; type 1 is an I/O APIC
 * (id, reserved, 32-bit address, GSI base). */
#define MADT_IOAPIC 1

/* SPCR (Microsoft's Serial Port Console Redirection table, listed by
 * ACPI 6.4 5.2.6): interface type at offset 36 (0 = 16550, 1 = 16450,
 * 0x12 = 16550-compatible), the UART's Generic Address Structure at 40
 * (space 0 = memory, 1 = I/O; access size 1 = byte, 3 = dword). */
int acpi_spcr_uart(bool *mmio, uint64_t *base, unsigned *width)
{
	const uint8_t *t = root ? (const uint8_t *)find_table(root, "SPCR") : NULL;
	uint64_t addr;

	if (!t || ((const struct sdt_header *)t)->length < 52)
		return -1;
	if (t[36] != 0 && t[36] != 1 && t[36] != 0x12)
		return -1;
	memcpy(&addr, t + 44, 8);
	if (!addr || (t[40] != 0 && t[40] != 1))
		return -1;
	*mmio = t[40] == 0;
	*base = addr;
	*width = t[43] == 3 || t[41] == 32 ? 4 : 1;
	return 0;
}

int acpi_for_each_ioapic(void (*fn)(uint64_t addr))
{
	const struct sdt_header *madt = root ? find_table(root, "APIC") : NULL;
	const uint8_t *p, *end;
	int n = 0;

	if (!madt || madt->length < sizeof *madt + 8)
		return 0;
	p = (const uint8_t *)(madt + 1) + 8;
	end = (const uint8_t *)madt + madt->length;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		if (p[0] == MADT_IOAPIC && p[1] >= 12) {
			uint32_t addr;
			memcpy(&addr, p + 4, 4);
			fn(addr);
			n++;
		}
		p += p[1];
	}
	return n;
}

const char *acpi_oem_id(void)
{
	/* Before acpi_init (an early power-off): look in the BIOS areas. */
	if (!oem_id[0]) {
		const struct rsdp *r = find_rsdp(NULL);
		if (r)
			memcpy(oem_id, r->oem, 6);
	}
	return oem_id[0] ? oem_id : NULL;
}

/* X_DSDT (offset 140, ACPI 2.0+) wins over the 32-bit DSDT when set. */
static uint64_t fadt_dsdt(const struct fadt *fadt)
{
	uint64_t x = 0;

	if (fadt->h.length >= 148)
		memcpy(&x, (const uint8_t *)fadt + 140, 8);
	return x ? x : fadt->dsdt;
}

int acpi_init(const void *loader_rsdp)
{
	const struct rsdp *rsdp = find_rsdp(loader_rsdp);
	const struct fadt *fadt;
	const struct sdt_header *dsdt;
	struct acpi_s5_plan plan;
	uint8_t a, b;

	if (!rsdp) {
		pr_warn("acpi: no RSDP found; ACPI power-off unavailable");
		return -1;
	}
	memcpy(oem_id, rsdp->oem, 6);
	root = rsdp;
	fadt = (const struct fadt *)find_table(rsdp, "FACP");
	if (!fadt || fadt->h.length < sizeof *fadt) {
		pr_warn("acpi: no usable FADT; ACPI power-off unavailable");
		return -1;
	}
	dsdt = map_table(fadt_dsdt(fadt));
	if (!dsdt || acpi_find_s5((const uint8_t *)(dsdt + 1), dsdt->length - sizeof *dsdt, &a, &b)) {
		pr_warn("acpi: no \\_S5 object in the DSDT; ACPI power-off unavailable");
		return -1;
	}
	if (acpi_s5_plan((const uint8_t *)fadt, fadt->h.length, a, b, &plan)) {
		pr_warn("acpi: the FADT names no PM1 control or sleep control register; ACPI "
			"power-off unavailable");
		return -1;
	}
	power_set_acpi_s5(&plan);
	pr_debug("acpi: S5 via %s 0x%llx, SLP_TYPa=%u", plan.hw_reduced ? "SLEEP_CONTROL" : "PM1a_CNT",
		 (unsigned long long)(plan.hw_reduced ? plan.sleep_ctl.addr : plan.pm1a.addr), a);
	return 0;
}
