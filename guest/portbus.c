#include "guest/portbus.h"

#include <stddef.h>

static uint32_t all_ones(unsigned size)
{
	return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

int port_bus_add(struct port_bus *bus, const struct port_device *dev)
{
	if (bus->count == PORT_BUS_MAX)
		return -1;
	for (unsigned i = 0; i < bus->count; i++) {
		const struct port_device *d = bus->dev[i];
		if (dev->base < d->base + d->count && d->base < dev->base + dev->count)
			return -1;
	}
	bus->dev[bus->count++] = dev;
	return 0;
}

static const struct port_device *find(const struct port_bus *bus, uint16_t port)
{
	for (unsigned i = 0; i < bus->count; i++) {
		const struct port_device *d = bus->dev[i];
		if (port >= d->base && port - d->base < d->count)
			return d;
	}
	return NULL;
}

uint32_t port_bus_in(struct vm *vm, const struct port_bus *bus, uint16_t port, unsigned size)
{
	const struct port_device *d = find(bus, port);

	if (!d || !d->in)
		return all_ones(size);
	return d->in(vm, port, size) & all_ones(size);
}

void port_bus_out(struct vm *vm, const struct port_bus *bus, uint16_t port, unsigned size,
		  uint32_t value)
{
	const struct port_device *d = find(bus, port);

	if (d && d->out)
		d->out(vm, port, size, value & all_ones(size));
}
