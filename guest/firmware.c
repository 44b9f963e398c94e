/* The ACPI and MP tables of the guest's BIOS ROM (guest/firmware.h):
 * ACPI 6.4 chapter 5 for the ACPI tables, the MultiProcessor
 * Specification 1.4 chapter 4 for the MP table. */
#include "guest/firmware.h"
#include "devices/acpi_pm.h"
#include "devices/ioapic.h"
#include "devices/lapic.h"
#include "guest/devices.h"
#include "lib/string.h"

/* A table under construction: bytes appended little-endian. */
struct table {
	uint8_t b[512];
	unsigned len;
};

/* size may exceed 8 for a run of zero bytes. */
static void put(struct table *t, uint64_t v, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		t->b[t->len++] = i < 8 ? (uint8_t)(v >> (8 * i)) : 0;
}

static void put_str(struct table *t, const char *s, unsigned size)
{
	for (unsigned i = 0; i < size; i++)
		t->b[t->len++] = (uint8_t)(*s ? *s++ : ' ');
}

static void set32(struct table *t, unsigned at, uint32_t v)
{
	for (unsigned i = 0; i < 4; i++)
		t->b[at + i] = (uint8_t)(v >> (8 * i));
}

/* The byte at `at` makes bytes [from, to) sum to zero (ACPI 5.2.5.3,
 * 5.2.6; MP 4.1, 4.2). */
static void checksum(struct table *t, unsigned at, unsigned from, unsigned to)
{
	uint8_t sum = 0;

	t->b[at] = 0;
	for (unsigned i = from; i < to; i++)
		sum = (uint8_t)(sum + t->b[i]);
	t->b[at] = (uint8_t)-sum;
}

/* ---- ACPI --------------------------------------------------------- */

#define OEM_ID       "TERN"
#define OEM_TABLE_ID "TERNVM"

/* The 36-byte System Description Table header (5.2.6); the length and
 * checksum are filled by acpi_end(). */
static void acpi_header(struct table *t, const char *sig, uint8_t revision)
{
	t->len = 0;
	put_str(t, sig, 4);
	put(t, 0, 4);                  /* length */
	put(t, revision, 1);
	put(t, 0, 1);                  /* checksum */
	put_str(t, OEM_ID, 6);
	put_str(t, OEM_TABLE_ID, 8);
	put(t, 1, 4);                  /* OEM revision */
	put_str(t, "TERN", 4);         /* creator ID */
	put(t, 1, 4);                  /* creator revision */
}

static void acpi_end(struct table *t)
{
	set32(t, 4, t->len);
	checksum(t, 9, 0, t->len);
}

/* A Generic Address Structure (5.2.3.2) for an I/O port register. */
static void gas_io(struct table *t, uint16_t port, unsigned bytes, uint8_t access_size)
{
	put(t, port ? 1 : 0, 1);                      /* System I/O space */
	put(t, port ? 8 * bytes : 0, 1);              /* register width in bits */
	put(t, 0, 1);                                 /* bit offset */
	put(t, port ? access_size : 0, 1);            /* 1 byte, 2 word, 3 dword */
	put(t, port, 8);
}

static void rsdp(struct table *t)
{
	t->len = 0;
	put_str(t, "RSD PTR ", 8);
	put(t, 0, 1);                  /* checksum of the first 20 bytes */
	put_str(t, OEM_ID, 6);
	put(t, 2, 1);                  /* revision 2: ACPI 2.0 and later, with the XSDT */
	put(t, FW_RSDT_ADDR, 4);
	put(t, 36, 4);                 /* length */
	put(t, FW_XSDT_ADDR, 8);
	put(t, 0, 4);                  /* extended checksum, reserved */
	checksum(t, 8, 0, 20);
	checksum(t, 32, 0, 36);
}

static void rsdt(struct table *t, unsigned entry_size)
{
	acpi_header(t, entry_size == 4 ? "RSDT" : "XSDT", 1);
	put(t, FW_FADT_ADDR, entry_size);
	put(t, FW_MADT_ADDR, entry_size);
	acpi_end(t);
}

/* FADT flags (5.2.9, Table 5.10) and IA-PC boot architecture flags
 * (5.2.9.3). */
#define FADT_WBINVD        (1u << 0)
#define FADT_PROC_C1       (1u << 2)
#define FADT_PWR_BUTTON    (1u << 4)    /* no fixed-feature power button */
#define FADT_SLP_BUTTON    (1u << 5)    /* no fixed-feature sleep button */
#define FADT_RESET_REG_SUP (1u << 10)
#define BOOT_LEGACY_DEVICES (1u << 0)
#define BOOT_8042           (1u << 1)
#define RTC_CENTURY         0x32        /* the CMOS century byte (devices/rtc.c) */

/* Revision 3, 244 bytes (ACPI 2.0 and later layout, which every OS
 * reads).  No SMI command port: the machine is in ACPI mode from the
 * start; no GPE blocks; C2/C3 not supported (latencies above the limits). */
static void fadt(struct table *t)
{
	acpi_header(t, "FACP", 3);
	put(t, FW_FACS_ADDR, 4);
	put(t, FW_DSDT_ADDR, 4);
	put(t, 0, 1);                             /* reserved (ACPI 1.0 INT_MODEL) */
	put(t, 0, 1);                             /* preferred PM profile: unspecified */
	put(t, ACPI_SCI_IRQ, 2);
	put(t, 0, 4);                             /* SMI_CMD */
	put(t, 0, 4);                             /* ACPI_ENABLE .. PSTATE_CNT */
	put(t, ACPI_PM_PORT + ACPI_PM1_STS, 4);   /* PM1a_EVT_BLK */
	put(t, 0, 4);                             /* PM1b_EVT_BLK */
	put(t, ACPI_PM_PORT + ACPI_PM1_CNT, 4);   /* PM1a_CNT_BLK */
	put(t, 0, 4);                             /* PM1b_CNT_BLK */
	put(t, 0, 4);                             /* PM2_CNT_BLK */
	put(t, ACPI_PM_PORT + ACPI_PM_TMR, 4);    /* PM_TMR_BLK */
	put(t, 0, 8);                             /* GPE0_BLK, GPE1_BLK */
	put(t, 4, 1);                             /* PM1_EVT_LEN */
	put(t, 2, 1);                             /* PM1_CNT_LEN */
	put(t, 0, 1);                             /* PM2_CNT_LEN */
	put(t, 4, 1);                             /* PM_TMR_LEN */
	put(t, 0, 4);                             /* GPE0/1 lengths, GPE1_BASE, CST_CNT */
	put(t, 101, 2);                           /* P_LVL2_LAT > 100: no C2 */
	put(t, 1001, 2);                          /* P_LVL3_LAT > 1000: no C3 */
	put(t, 0, 4);                             /* FLUSH_SIZE, FLUSH_STRIDE */
	put(t, 0, 4);                             /* DUTY_OFFSET/WIDTH, DAY_ALRM, MON_ALRM */
	put(t, RTC_CENTURY, 1);
	put(t, BOOT_LEGACY_DEVICES | BOOT_8042, 2);
	put(t, 0, 1);                             /* reserved */
	put(t, FADT_WBINVD | FADT_PROC_C1 | FADT_PWR_BUTTON | FADT_SLP_BUTTON | FADT_RESET_REG_SUP, 4);
	gas_io(t, 0xCF9, 1, 1);                   /* RESET_REG: the reset control register */
	put(t, 0x06, 1);                          /* RESET_VALUE: full reset */
	put(t, 0, 3);                             /* reserved */
	put(t, FW_FACS_ADDR, 8);                  /* X_FIRMWARE_CTRL */
	put(t, FW_DSDT_ADDR, 8);                  /* X_DSDT */
	gas_io(t, ACPI_PM_PORT + ACPI_PM1_STS, 4, 2);
	gas_io(t, 0, 0, 0);                       /* X_PM1b_EVT_BLK */
	gas_io(t, ACPI_PM_PORT + ACPI_PM1_CNT, 2, 2);
	gas_io(t, 0, 0, 0);                       /* X_PM1b_CNT_BLK */
	gas_io(t, 0, 0, 0);                       /* X_PM2_CNT_BLK */
	gas_io(t, ACPI_PM_PORT + ACPI_PM_TMR, 4, 3);
	gas_io(t, 0, 0, 0);                       /* X_GPE0_BLK */
	gas_io(t, 0, 0, 0);                       /* X_GPE1_BLK */
	acpi_end(t);
}

/* MADT interrupt-source override flags (5.2.12.5, Table 5.50). */
#define MPS_INTI_CONFORMS    0x0
#define MPS_INTI_ACTIVE_HIGH 0x1
#define MPS_INTI_LEVEL       (0x3 << 2)
#define SCI_FLAGS            (MPS_INTI_ACTIVE_HIGH | MPS_INTI_LEVEL)

static void madt(struct table *t)
{
	acpi_header(t, "APIC", 3);
	put(t, LAPIC_DEFAULT_BASE, 4);
	put(t, 1, 4);                             /* PCAT_COMPAT: the 8259s exist */
	put(t, 0, 1), put(t, 8, 1);               /* Processor Local APIC */
	put(t, 0, 1), put(t, 0, 1), put(t, 1, 4); /*   UID 0, APIC ID 0, enabled */
	put(t, 1, 1), put(t, 12, 1);              /* I/O APIC */
	put(t, IOAPIC_DEFAULT_ID, 1), put(t, 0, 1);
	put(t, IOAPIC_DEFAULT_BASE, 4), put(t, 0, 4);   /* GSI base 0 */
	put(t, 2, 1), put(t, 10, 1);              /* Interrupt Source Override */
	put(t, 0, 1), put(t, 0, 1), put(t, 2, 4), put(t, MPS_INTI_CONFORMS, 2);   /* IRQ0 -> GSI 2 */
	put(t, 2, 1), put(t, 10, 1);
	put(t, 0, 1), put(t, ACPI_SCI_IRQ, 1), put(t, ACPI_SCI_IRQ, 4), put(t, SCI_FLAGS, 2);
	put(t, 4, 1), put(t, 6, 1);               /* Local APIC NMI */
	put(t, 0xFF, 1), put(t, MPS_INTI_CONFORMS, 2), put(t, 1, 1);   /* every CPU, LINT1 */
	acpi_end(t);
}

/* The DSDT's only object: Name (\_S5, Package () { 5, 5, 0, 0 }) -- the
 * SLP_TYP values for soft-off (7.4.2), in AML (20.2.5.x): NameOp, the
 * name, PackageOp, PkgLength, NumElements, BytePrefix 5 twice, ZeroOp
 * twice. */
static const uint8_t dsdt_aml[] = {
	0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
	0x0A, ACPI_S5_SLP_TYP, 0x0A, ACPI_S5_SLP_TYP, 0x00, 0x00,
};

static void dsdt(struct table *t)
{
	acpi_header(t, "DSDT", 2);                /* 2: 64-bit AML integers */
	memcpy(t->b + t->len, dsdt_aml, sizeof dsdt_aml);
	t->len += sizeof dsdt_aml;
	acpi_end(t);
}

/* The Firmware ACPI Control Structure (5.2.10): no checksum, 64 bytes,
 * 64-byte aligned; version 2; no waking vector (no S3). */
static void facs(struct table *t)
{
	t->len = 0;
	put_str(t, "FACS", 4);
	put(t, 64, 4);
	put(t, 0, 4 + 4 + 4 + 4 + 8);             /* signature, vector, lock, flags, X vector */
	put(t, 2, 1);
	put(t, 0, 64 - 33);
}

/* ---- MP ----------------------------------------------------------- */

#define MP_SPEC_REV 4          /* 1.4 */
#define MP_ENTRY_PROCESSOR 0
#define MP_ENTRY_BUS 1
#define MP_ENTRY_IOAPIC 2
#define MP_ENTRY_IO_INT 3
#define MP_ENTRY_LOCAL_INT 4
#define MP_INT 0
#define MP_NMI 1
#define MP_EXTINT 3

static void mp_io_int(struct table *t, uint8_t type, uint16_t flags, uint8_t irq, uint8_t pin)
{
	put(t, MP_ENTRY_IO_INT, 1), put(t, type, 1), put(t, flags, 2);
	put(t, 0, 1), put(t, irq, 1), put(t, IOAPIC_DEFAULT_ID, 1), put(t, pin, 1);
}

static void mp_local_int(struct table *t, uint8_t type, uint8_t lint)
{
	put(t, MP_ENTRY_LOCAL_INT, 1), put(t, type, 1), put(t, 0, 2);
	put(t, 0, 1), put(t, 0, 1), put(t, 0xFF, 1), put(t, lint, 1);
}

/* The configuration table (MP 4.2, 4.3): the CPU, the ISA bus, the I/O
 * APIC, each ISA IRQ on its pin (IRQ0 on pin 2, the 8259's ExtINT on
 * pin 0), the LAPIC's LINT0 and LINT1. */
static void mp_table(struct table *t, const struct fw_cpu *cpu)
{
	unsigned entries = 0;

	t->len = 0;
	put_str(t, "PCMP", 4);
	put(t, 0, 2);                             /* base table length */
	put(t, MP_SPEC_REV, 1);
	put(t, 0, 1);                             /* checksum */
	put_str(t, "TERN", 8);
	put_str(t, "TERNVM", 12);
	put(t, 0, 4 + 2);                         /* OEM table pointer and size */
	put(t, 0, 2);                             /* entry count */
	put(t, LAPIC_DEFAULT_BASE, 4);
	put(t, 0, 4);                             /* extended table length, checksum, reserved */

	put(t, MP_ENTRY_PROCESSOR, 1), put(t, 0, 1), put(t, 0x14, 1);   /* LAPIC 0, version 14h as it reads */
	put(t, 0x03, 1);                                              /* enabled, boot processor */
	put(t, cpu->signature, 4), put(t, cpu->features, 4), put(t, 0, 8);
	entries++;
	put(t, MP_ENTRY_BUS, 1), put(t, 0, 1), put_str(t, "ISA", 6);
	entries++;
	put(t, MP_ENTRY_IOAPIC, 1), put(t, IOAPIC_DEFAULT_ID, 1), put(t, 0x20, 1), put(t, 1, 1);
	put(t, IOAPIC_DEFAULT_BASE, 4);
	entries++;
	mp_io_int(t, MP_EXTINT, MPS_INTI_CONFORMS, 0, 0);
	entries++;
	for (uint8_t irq = 0; irq < 16; irq++) {
		if (irq == 2)
			continue;   /* the cascade: no ISA device drives it */
		mp_io_int(t, MP_INT, irq == ACPI_SCI_IRQ ? SCI_FLAGS : MPS_INTI_CONFORMS, irq,
			  irq == 0 ? 2 : irq);
		entries++;
	}
	mp_local_int(t, MP_EXTINT, 0);
	mp_local_int(t, MP_NMI, 1);
	entries += 2;

	t->b[4] = (uint8_t)t->len, t->b[5] = (uint8_t)(t->len >> 8);
	t->b[34] = (uint8_t)entries, t->b[35] = (uint8_t)(entries >> 8);
	checksum(t, 7, 0, t->len);
}

/* The floating pointer (MP 4.1): feature byte 1 zero (a configuration
 * table follows), IMCRP clear (virtual wire mode, guest/dev_pic.c). */
static void mp_floating(struct table *t)
{
	t->len = 0;
	put_str(t, "_MP_", 4);
	put(t, FW_MP_TABLE_ADDR, 4);
	put(t, 1, 1);                  /* length in 16-byte paragraphs */
	put(t, MP_SPEC_REV, 1);
	put(t, 0, 1);                  /* checksum */
	put(t, 0, 5);                  /* feature bytes */
	checksum(t, 10, 0, 16);
}

int firmware_write(const struct guest_writer *w, const struct fw_cpu *cpu)
{
	static struct table t;   /* one at a time; not on the hypervisor's small stack */
	struct { void (*build)(struct table *); uint32_t addr; } acpi[] = {
		{ rsdp, FW_RSDP_ADDR }, { fadt, FW_FADT_ADDR }, { madt, FW_MADT_ADDR },
		{ dsdt, FW_DSDT_ADDR }, { facs, FW_FACS_ADDR }, { mp_floating, FW_MP_FLOAT_ADDR },
	};

	for (unsigned i = 0; i < sizeof acpi / sizeof acpi[0]; i++) {
		acpi[i].build(&t);
		if (w->write(w->ctx, acpi[i].addr, t.b, t.len))
			return -1;
	}
	rsdt(&t, 4);
	if (w->write(w->ctx, FW_RSDT_ADDR, t.b, t.len))
		return -1;
	rsdt(&t, 8);
	if (w->write(w->ctx, FW_XSDT_ADDR, t.b, t.len))
		return -1;
	mp_table(&t, cpu);
	return w->write(w->ctx, FW_MP_TABLE_ADDR, t.b, t.len);
}
