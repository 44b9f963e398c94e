/* Console input and its focus (guest/console_in.h). */
#include "guest/console_in.h"
#include "arch/x86/uart16550.h"
#include "core/log.h"
#include "guest/devices.h"
#include "guest/focus.h"
#include "guest/intr.h"
#include "guest/vm.h"

static struct focus_keys keys;
static int focus = -1;          /* index of the guest with the input */

/* The NMI button: the guest's NMI line, which its NMI mask may hold. */
static void nmi_key(struct vm *vm)
{
	if (vm->state != VM_RUNNABLE)
		return;
	if (vm_nmi_line(vm))
		pr_always("console: NMI sent to guest %s", vm->name);
	else
		pr_always("console: NMI to guest %s dropped: its NMI mask (port 70h bit 7) is set",
			  vm->name);
}

/* The first live guest from `from` on, round the list; -1 if none. */
static int live_from(struct vm *vms, unsigned count, unsigned from)
{
	for (unsigned k = 0; k < count; k++) {
		unsigned i = (from + k) % count;
		if (vms[i].state == VM_RUNNABLE)
			return (int)i;
	}
	return -1;
}

static void move_focus(struct vm *vms, unsigned count, unsigned from)
{
	int to = live_from(vms, count, from);

	if (to < 0 || to == focus)
		return;
	focus = to;
	pr_always("console input goes to guest %s (Ctrl-A n: next guest)", vms[to].name);
}

void console_in_poll(struct vm *vms, unsigned count)
{
	int c;

	if (!uart_active())
		return;
	if (focus < 0 || vms[focus].state != VM_RUNNABLE)
		move_focus(vms, count, focus < 0 ? 0 : (unsigned)focus + 1);
	while ((c = uart_getc()) >= 0) {
		uint8_t byte = (uint8_t)c;
		switch (focus_key(&keys, &byte)) {
		case FOCUS_SEND:
			if (focus >= 0)
				vm_console_input(&vms[focus], byte);
			break;
		case FOCUS_NEXT:
			move_focus(vms, count, (unsigned)focus + 1);
			break;
		case FOCUS_NMI:
			if (focus >= 0)
				nmi_key(&vms[focus]);
			break;
		case FOCUS_HELP:
			pr_always("console: Ctrl-A n gives the input to the next guest, "
				  "Ctrl-A i sends it an NMI, Ctrl-A Ctrl-A sends Ctrl-A");
			break;
		case FOCUS_NONE:
			break;
		}
	}
}

bool console_in_may_wake(const struct vm *vms, unsigned count)
{
	if (!uart_active())
		return false;
	for (unsigned i = 0; i < count; i++)
		if (vms[i].state == VM_RUNNABLE && vm_waits_for_input(&vms[i]))
			return true;
	return false;
}
