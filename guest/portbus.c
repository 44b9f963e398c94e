#include "guest/portbus.h"

#include <stddef.h>

#include "lib/compiler.h"

static uint32_t all_ones(unsigned size)
{
	return size >= 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1;
}

int port_bus_add(struct port_bus *bus, const struct port_device *dev)
{
	if (bus->count == PORT_BUS_MAX)
		return -1;
	unsigned at = bus->count;

	for (unsigned i = 0; i < bus->count; i++) {
		const struct port_device *d = bus->dev[i];
		if (dev->base < d->base + d->count && d->base < dev->base + dev->count)
			return -1;
		if (at == bus->count && dev->base < d->base)
			at = i;
	}
	/* Kept sorted by base, so a lookup stops at the first device above
	 * the port. */
	for (unsigned i = bus->count; i > at; i--)
		bus->dev[i] = bus->dev[i - 1];
	bus->dev[at] = dev;
	bus->count++;
	/* The indexes above `at` moved: rebuild the direct table. */
	for (unsigned p = 0; p < PORT_BUS_DIRECT; p++)
		bus->direct[p] = 0;
	for (unsigned i = 0; i < bus->count; i++)
		for (unsigned p = bus->dev[i]->base;
		     p < PORT_BUS_DIRECT && p < (unsigned)bus->dev[i]->base + bus->dev[i]->count; p++)
			bus->direct[p] = (uint8_t)(i + 1);
	return 0;
}

static HOT_PATH const struct port_device *find(const struct port_bus *bus, uint16_t port)
{
	if (likely(port < PORT_BUS_DIRECT))
		return bus->direct[port] ? bus->dev[bus->direct[port] - 1] : NULL;
	for (unsigned i = 0; i < bus->count; i++) {
		const struct port_device *d = bus->dev[i];
		if (port < d->base)
			break;
		if (port - d->base < d->count)
			return d;
	}
	return NULL;
}

HOT_PATH uint32_t port_bus_in(struct vm *vm, const struct port_bus *bus, uint16_t port, unsigned size)
{
	const struct port_device *d = find(bus, port);

	if (!d || !d->in)
		return all_ones(size);
	return d->in(vm, port, size) & all_ones(size);
}

HOT_PATH void port_bus_out(struct vm *vm, const struct port_bus *bus, uint16_t port, unsigned size,
		  uint32_t value)
{
	const struct port_device *d = find(bus, port);

	if (d && d->out)
		d->out(vm, port, size, value & all_ones(size));
}
