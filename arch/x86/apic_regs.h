/* The local APIC's architectural constants (Intel SDM Vol. 3A chapter 11),
 * for the host's APIC (arch/x86/lapic.c) and the guests' model
 * (devices/lapic.c) alike. */
#ifndef TERN_ARCH_X86_APIC_REGS_H
#define TERN_ARCH_X86_APIC_REGS_H

/* Register offsets (Table 11-1); in x2APIC mode the MSR is 800h +
 * offset / 16 (Table 11-6). */
#define LAPIC_ID          0x020
#define LAPIC_VERSION     0x030
#define LAPIC_TPR         0x080
#define LAPIC_APR         0x090
#define LAPIC_PPR         0x0A0
#define LAPIC_EOI         0x0B0
#define LAPIC_RRD         0x0C0
#define LAPIC_LDR         0x0D0
#define LAPIC_DFR         0x0E0
#define LAPIC_SVR         0x0F0
#define LAPIC_ISR         0x100
#define LAPIC_TMR         0x180
#define LAPIC_IRR         0x200
#define LAPIC_ESR         0x280
#define LAPIC_LVT_CMCI    0x2F0
#define LAPIC_ICR_LO      0x300
#define LAPIC_ICR_HI      0x310
#define LAPIC_LVT_TIMER   0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF    0x340
#define LAPIC_LVT_LINT0   0x350
#define LAPIC_LVT_LINT1   0x360
#define LAPIC_LVT_ERROR   0x370
#define LAPIC_TIMER_INIT  0x380
#define LAPIC_TIMER_CUR   0x390
#define LAPIC_TIMER_DIV   0x3E0
#define LAPIC_SELF_IPI    0x3F0          /* x2APIC only */

#define LVT_MASK          (1u << 16)     /* Figure 11-8 */
#define SVR_ENABLE        (1u << 8)      /* Figure 11-23 */

/* IA32_APIC_BASE (Figure 11-5, 11.12.1) */
#define APIC_BASE_BSP     (1ull << 8)
#define APIC_BASE_EXTD    (1ull << 10)   /* x2APIC mode */
#define APIC_BASE_ENABLE  (1ull << 11)

#endif
