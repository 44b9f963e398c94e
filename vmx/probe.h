/* Can this CPU run guests?  Checks VT-x and every VMX feature Tern
 * needs, names each one that is missing (docs/vmx.md). */
#ifndef TERN_VMX_PROBE_H
#define TERN_VMX_PROBE_H

/* 0 when VMX is usable; 1 when the CPU has no VMX at all (silently);
 * -1 when firmware disabled it (the reason is printed). */
int vmx_probe(void);

#endif
