/*
 * The guest's COM1 (DESIGN.md 4): a 16550A (devices/uart16550.c) at
 * 3F8h on IRQ 4.  What it transmits goes to the guest console a line at
 * a time; what is typed on Tern's console while the guest has the focus
 * (guest/focus.c) waits in the guest's input queue and enters the UART
 * as its receiver has room, so typing ahead of a slow reader loses
 * nothing until the queue is full (then the drops are counted).
 */
#include "devices/uart16550.h"
#include "guest/devices.h"
#include "guest/intr.h"
#include "guest/vm.h"

/* Move queued input into the receiver, then set IRQ 4 to the UART's
 * interrupt output (only changes reach the interrupt controllers). */
static void update(struct vm *vm)
{
	struct guest_input *in = &vm->input;
	bool level;

	while (in->count && uart16550_rx_room(&vm->uart)) {
		uart16550_receive(&vm->uart, in->buf[in->head]);
		in->head = (in->head + 1) % GUEST_INPUT_MAX;
		in->count--;
	}
	level = uart16550_irq(&vm->uart);
	if (level != vm->uart_irq) {
		vm->uart_irq = level;
		vm_set_irq(vm, UART_COM1_IRQ, level);
	}
}

static uint32_t uart_in(struct vm *vm, uint16_t port, unsigned size)
{
	uint8_t v = uart16550_read(&vm->uart, port - UART_COM1_BASE);
	(void)size;

	update(vm);
	return v;
}

static void uart_out(struct vm *vm, uint16_t port, unsigned size, uint32_t value)
{
	int byte = uart16550_write(&vm->uart, port - UART_COM1_BASE, (uint8_t)value);
	(void)size;

	if (byte >= 0)
		guest_console_putc(vm, (char)byte);
	update(vm);
}

const struct port_device dev_uart_com1 = {
	.name = "com1", .base = UART_COM1_BASE, .count = 8, .in = uart_in, .out = uart_out,
};

void vm_uart_reset(struct vm *vm)
{
	uart16550_reset(&vm->uart);
	vm->input = (struct guest_input){ 0 };
	vm->uart_irq = false;
}

void vm_console_input(struct vm *vm, uint8_t byte)
{
	struct guest_input *in = &vm->input;

	if (in->count == GUEST_INPUT_MAX) {
		in->dropped++;
		return;
	}
	in->buf[(in->head + in->count++) % GUEST_INPUT_MAX] = byte;
	update(vm);
	vcpu_kick(&vm->vcpu);
}

bool vm_waits_for_input(const struct vm *vm)
{
	return vm->uart.ier & UART_IER_RDI;
}
