/* The guest's I/O-port space: devices register port ranges; a port no
 * device claims reads as all ones and ignores writes (DESIGN.md 4), as
 * on a PC bus where nothing drives the lines. */
#ifndef TERN_GUEST_PORTBUS_H
#define TERN_GUEST_PORTBUS_H

#include <stdint.h>

struct vm;

struct port_device {
	const char *name;
	uint16_t base, count;
	/* size is 1, 2 or 4 bytes; the value is in the low `size` bytes. */
	uint32_t (*in)(struct vm *vm, uint16_t port, unsigned size);
	void (*out)(struct vm *vm, uint16_t port, unsigned size, uint32_t value);
};

#define PORT_BUS_MAX 32
/* Ports below this (the ISA range, where nearly every PC device lives)
 * find their device in one table lookup; the rest by a scan. */
#define PORT_BUS_DIRECT 0x400

struct port_bus {
	const struct port_device *dev[PORT_BUS_MAX];   /* sorted by base */
	unsigned count;
	uint8_t direct[PORT_BUS_DIRECT];   /* port -> index in dev[] + 1, 0: none */
};

/* Returns 0, or -1 if the bus is full or the range overlaps another. */
int port_bus_add(struct port_bus *bus, const struct port_device *dev);
uint32_t port_bus_in(struct vm *vm, const struct port_bus *bus, uint16_t port, unsigned size);
void port_bus_out(struct vm *vm, const struct port_bus *bus, uint16_t port, unsigned size,
		  uint32_t value);

#endif
