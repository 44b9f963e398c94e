/* The I/O APIC model (ioapic.h); bit positions from the 82093AA
 * datasheet, section 3.2.4 (I/O Redirection Table Registers). */
#include "devices/ioapic.h"

#define VERSION_VALUE  (0x20u | (IOAPIC_PINS - 1) << 16)
#define RTE_VECTOR     0xFFull
#define RTE_DELIVERY(r) (((r) >> 8) & 7)
#define RTE_LOGICAL    (1ull << 11)
#define RTE_STATUS     (1ull << 12)     /* read-only */
#define RTE_LOW_ACTIVE (1ull << 13)
#define RTE_REMOTE_IRR (1ull << 14)     /* read-only */
#define RTE_LEVEL      (1ull << 15)
#define RTE_MASK       (1ull << 16)
#define RTE_WRITABLE   (0xFF000000000000FFull | 0x7ull << 8 | RTE_LOGICAL | RTE_LOW_ACTIVE | \
			RTE_LEVEL | RTE_MASK)

void ioapic_reset(struct ioapic *io)
{
	io->regsel = 0;
	io->id = IOAPIC_DEFAULT_ID << 24;
	io->lines = 0;
	for (unsigned i = 0; i < IOAPIC_PINS; i++)
		io->redir[i] = RTE_MASK;   /* masked at reset */
}

/* Send pin i's interrupt if its entry lets it: unmasked, a delivery mode
 * that reaches a CPU, and for level triggering no EOI still awaited. */
static bool level_triggered(uint64_t r)
{
	return (r & RTE_LEVEL) && RTE_DELIVERY(r) != IOAPIC_DELIVERY_NMI;
}

static void send(struct ioapic *io, unsigned i)
{
	uint64_t r = io->redir[i];
	bool nmi = RTE_DELIVERY(r) == IOAPIC_DELIVERY_NMI, level = level_triggered(r);

	if ((r & RTE_MASK) || (RTE_DELIVERY(r) > 1 && !nmi) || (level && (r & RTE_REMOTE_IRR)))
		return;
	if (level)
		io->redir[i] |= RTE_REMOTE_IRR;
	if (io->deliver)
		io->deliver(io->ctx, (uint8_t)(r & RTE_VECTOR), (uint8_t)(r >> 56),
			    r & RTE_LOGICAL, level, nmi);
}

/* The pin's level as its entry's polarity reads it (INTPOL, bit 13). */
static bool asserted(const struct ioapic *io, unsigned i)
{
	return !(io->lines & (1u << i)) != !(io->redir[i] & RTE_LOW_ACTIVE);
}

void ioapic_set_pin(struct ioapic *io, unsigned pin, int level)
{
	bool was;

	if (pin >= IOAPIC_PINS)
		return;
	was = asserted(io, pin);
	io->lines = level ? io->lines | 1u << pin : io->lines & ~(1u << pin);
	if (level_triggered(io->redir[pin])) {
		if (asserted(io, pin))
			send(io, pin);
	} else if (asserted(io, pin) && !was) {
		send(io, pin);   /* edge: on the rising edge only */
	}
}

bool ioapic_masked(const struct ioapic *io, unsigned pin)
{
	return pin >= IOAPIC_PINS || (io->redir[pin] & RTE_MASK);
}

void ioapic_eoi(struct ioapic *io, uint8_t vector)
{
	for (unsigned i = 0; i < IOAPIC_PINS; i++) {
		uint64_t r = io->redir[i];
		if (!(r & RTE_LEVEL) || (r & RTE_VECTOR) != vector || !(r & RTE_REMOTE_IRR))
			continue;
		io->redir[i] &= ~RTE_REMOTE_IRR;
		if (asserted(io, i))
			send(io, i);   /* still asserted: again */
	}
}

static uint32_t read_register(const struct ioapic *io, uint8_t reg)
{
	if (reg == 0x00)
		return io->id;
	if (reg == 0x01)
		return VERSION_VALUE;
	if (reg == 0x02)
		return io->id;   /* arbitration ID: the APIC ID, as after reset */
	if (reg >= 0x10 && reg < 0x10 + 2 * IOAPIC_PINS) {
		uint64_t r = io->redir[(reg - 0x10) / 2];
		return (reg & 1) ? (uint32_t)(r >> 32) : (uint32_t)r;
	}
	return 0xFFFFFFFFu;   /* no register there */
}

static void write_register(struct ioapic *io, uint8_t reg, uint32_t value)
{
	unsigned i;
	uint64_t r;

	if (reg == 0x00) {
		io->id = value & 0x0F000000u;
		return;
	}
	if (reg < 0x10 || reg >= 0x10 + 2 * IOAPIC_PINS)
		return;   /* version and arbitration are read-only */
	i = (reg - 0x10) / 2;
	r = io->redir[i];
	r = (reg & 1) ? (r & 0xFFFFFFFFull) | (uint64_t)value << 32
		      : (r & ~0xFFFFFFFFull) | value;
	io->redir[i] = (r & RTE_WRITABLE) | (io->redir[i] & RTE_REMOTE_IRR);
	if (!(io->redir[i] & RTE_LEVEL))
		io->redir[i] &= ~RTE_REMOTE_IRR;
	/* A level interrupt unmasked while its line is asserted goes now. */
	if (level_triggered(io->redir[i]) && asserted(io, i))
		send(io, i);
}

uint32_t ioapic_read(struct ioapic *io, unsigned offset)
{
	if (offset == IOAPIC_REGSEL)
		return io->regsel;
	if (offset == IOAPIC_WINDOW)
		return read_register(io, io->regsel);
	return 0;
}

void ioapic_write(struct ioapic *io, unsigned offset, uint32_t value)
{
	if (offset == IOAPIC_REGSEL)
		io->regsel = (uint8_t)value;
	else if (offset == IOAPIC_WINDOW)
		write_register(io, io->regsel, value);
	else if (offset == IOAPIC_EOI)
		ioapic_eoi(io, (uint8_t)value);
}
