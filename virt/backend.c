/* Choosing the CPU backend at boot: VMX where CPUID offers it (Intel),
 * SVM where it offers that (AMD); one image serves both. */
#include "virt/backend.h"
#include "core/log.h"

const struct backend *backend;

static const struct backend *const candidates[] = { &vmx_backend, &svm_backend };

int backend_select(void)
{
	for (unsigned i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
		int rc = candidates[i]->probe();
		if (rc == 0) {
			backend = candidates[i];
			return 0;
		}
		if (rc < 0)
			return -1;
	}
	pr_err("no VT-x or AMD-V: CPUID.1:ECX.VMX[bit 5] = 0 and CPUID.80000001H:ECX.SVM[bit 2] = 0, "
	       "so the CPU offers neither VMX nor SVM; run Tern where one is available: under Bochs "
	       "(make run EMU=bochs), QEMU with an SVM CPU model (make run EMU=qemu), or KVM with "
	       "nested virtualization (make run EMU=kvm)");
	return -1;
}
