/* What Tern prints when VMX itself refuses a guest: the VM-instruction
 * error by name (SDM Vol. 3C 31.4), the decoded VM-entry failure (27.8),
 * and a readable dump of the VMCS. */
#ifndef TERN_VMX_DUMP_H
#define TERN_VMX_DUMP_H

#include <stdint.h>

struct vcpu;

const char *vm_instruction_error_name(uint32_t error);
/* Print the guest state, controls and exit information of v's VMCS
 * (which must be current). */
void vmcs_dump(struct vcpu *v);
/* A VMLAUNCH/VMRESUME that failed (rc from vmx_enter): report, dump and
 * stop that guest. */
void vmx_report_entry_error(struct vcpu *v, int rc);
/* An exit with the "VM-entry failure" bit (SDM 27.8): report, dump and
 * stop that guest. */
void handle_entry_failure(struct vcpu *v, uint32_t reason);

#endif
