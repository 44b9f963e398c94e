/* Can this CPU run guests?  Checks VT-x and every VMX feature Tern
 * needs, names each one that is missing (docs/vmx.md). */
#ifndef TERN_VMX_PROBE_H
#define TERN_VMX_PROBE_H

/* 0 when VMX is usable; otherwise the reasons are printed and -1 returned. */
int vmx_probe(void);

#endif
