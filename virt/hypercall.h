/* Tern's hypercall ABI (docs/hypercalls.md): VMCALL (Intel) or VMMCALL
 * (AMD) from CPL 0 with the
 * number in EAX, arguments in RBX, RCX, RDX; the result comes back in
 * RAX, negative values are errors as in Linux's errno. */
#ifndef TERN_VIRT_HYPERCALL_H
#define TERN_VIRT_HYPERCALL_H

#define TERN_HC_VERSION        0   /* -> TERN_HC_ABI_VERSION */
#define TERN_HC_CONSOLE_WRITE  1   /* (gpa, len <= 4096) -> bytes written */
#define TERN_HC_EXIT           2   /* (status): the guest ends, "exited status=N" */
#define TERN_HC_YIELD          3   /* -> 0, after other guests had a turn */

#define TERN_HC_ABI_VERSION    1
#define TERN_HC_CONSOLE_MAX    4096

#define TERN_EPERM   1
#define TERN_EFAULT  14
#define TERN_EINVAL  22
#define TERN_ENOSYS  38

#endif
