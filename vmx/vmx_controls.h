/* VM-execution, VM-exit and VM-entry control bits (SDM Vol. 3C 25.6,
 * 25.7, 25.8), EPT/VPID capability bits (Appendix A.10) and the event
 * injection format (25.8.3). */
#ifndef TERN_VMX_VMX_CONTROLS_H
#define TERN_VMX_VMX_CONTROLS_H

/* Table 25-5 Pin-based VM-execution controls */
#define PIN_EXTERNAL_INTERRUPT_EXITING  (1u << 0)
#define PIN_NMI_EXITING                 (1u << 3)
#define PIN_VIRTUAL_NMIS                (1u << 5)
#define PIN_PREEMPTION_TIMER            (1u << 6)

/* Table 25-6 Primary processor-based VM-execution controls */
#define CPU_INTERRUPT_WINDOW_EXITING    (1u << 2)
#define CPU_USE_TSC_OFFSETTING          (1u << 3)
#define CPU_HLT_EXITING                 (1u << 7)
#define CPU_INVLPG_EXITING              (1u << 9)
#define CPU_MWAIT_EXITING               (1u << 10)
#define CPU_RDPMC_EXITING               (1u << 11)
#define CPU_RDTSC_EXITING               (1u << 12)
#define CPU_CR3_LOAD_EXITING            (1u << 15)
#define CPU_CR3_STORE_EXITING           (1u << 16)
#define CPU_CR8_LOAD_EXITING            (1u << 19)
#define CPU_CR8_STORE_EXITING           (1u << 20)
#define CPU_USE_TPR_SHADOW              (1u << 21)
#define CPU_NMI_WINDOW_EXITING          (1u << 22)
#define CPU_MOV_DR_EXITING              (1u << 23)
#define CPU_UNCOND_IO_EXITING           (1u << 24)
#define CPU_USE_IO_BITMAPS              (1u << 25)
#define CPU_MONITOR_TRAP_FLAG           (1u << 27)
#define CPU_USE_MSR_BITMAPS             (1u << 28)
#define CPU_MONITOR_EXITING             (1u << 29)
#define CPU_PAUSE_EXITING               (1u << 30)
#define CPU_ACTIVATE_SECONDARY_CONTROLS (1u << 31)

/* Table 25-7 Secondary processor-based VM-execution controls */
#define SECONDARY_VIRTUALIZE_APIC       (1u << 0)   /* virtualize APIC accesses */
#define SECONDARY_ENABLE_EPT            (1u << 1)
#define SECONDARY_DESC_TABLE_EXITING    (1u << 2)
#define SECONDARY_ENABLE_RDTSCP         (1u << 3)
#define SECONDARY_ENABLE_VPID           (1u << 5)
#define SECONDARY_WBINVD_EXITING        (1u << 6)
#define SECONDARY_UNRESTRICTED_GUEST    (1u << 7)
#define SECONDARY_APIC_REGISTER_VIRT    (1u << 8)
#define SECONDARY_VIRTUAL_INTR_DELIVERY (1u << 9)
#define SECONDARY_ENABLE_INVPCID        (1u << 12)

/* Table 25-13 VM-exit controls */
#define EXIT_SAVE_DEBUG_CONTROLS        (1u << 2)
#define EXIT_HOST_ADDR_SPACE_SIZE       (1u << 9)
#define EXIT_ACK_INTR_ON_EXIT           (1u << 15)
#define EXIT_SAVE_IA32_PAT              (1u << 18)
#define EXIT_LOAD_IA32_PAT              (1u << 19)
#define EXIT_SAVE_IA32_EFER             (1u << 20)
#define EXIT_LOAD_IA32_EFER             (1u << 21)
#define EXIT_SAVE_PREEMPTION_TIMER      (1u << 22)

/* Table 25-15 VM-entry controls */
#define ENTRY_LOAD_DEBUG_CONTROLS       (1u << 2)
#define ENTRY_IA32E_MODE_GUEST          (1u << 9)
#define ENTRY_LOAD_IA32_PAT             (1u << 14)
#define ENTRY_LOAD_IA32_EFER            (1u << 15)

/* IA32_VMX_BASIC (Appendix A.1) */
#define VMX_BASIC_TRUE_CTLS             (1ull << 55)

/* IA32_VMX_EPT_VPID_CAP (Appendix A.10) */
#define EPT_CAP_PAGE_WALK_4             (1ull << 6)
#define EPT_CAP_WB                      (1ull << 14)
#define EPT_CAP_2MB_PAGES               (1ull << 16)
#define EPT_CAP_1GB_PAGES               (1ull << 17)
#define EPT_CAP_INVEPT                  (1ull << 20)
#define EPT_CAP_INVEPT_SINGLE_CONTEXT   (1ull << 25)
#define EPT_CAP_INVEPT_ALL_CONTEXT      (1ull << 26)
#define VPID_CAP_INVVPID                (1ull << 32)
#define VPID_CAP_INVVPID_SINGLE_CONTEXT (1ull << 41)
#define VPID_CAP_INVVPID_ALL_CONTEXT    (1ull << 42)

/* INVEPT / INVVPID types (SDM Vol. 3C 30.3) */
#define INVEPT_SINGLE_CONTEXT           1
#define INVEPT_ALL_CONTEXT              2
#define INVVPID_SINGLE_CONTEXT          1
#define INVVPID_ALL_CONTEXT             2

/* Interruption-information format (Table 25-17), used for VM-entry
 * injection, VM-exit interruption info and IDT-vectoring info. */
#define INTR_INFO_VECTOR_MASK           0xFFu
#define INTR_INFO_TYPE_SHIFT            8
#define INTR_INFO_TYPE_MASK             (7u << 8)
#define INTR_INFO_DELIVER_ERROR_CODE    (1u << 11)
#define INTR_INFO_VALID                 (1u << 31)
#define INTR_TYPE_EXTERNAL              0u
#define INTR_TYPE_NMI                   2u
#define INTR_TYPE_HW_EXCEPTION          3u
#define INTR_TYPE_SW_INTERRUPT          4u
#define INTR_TYPE_PRIV_SW_EXCEPTION     5u
#define INTR_TYPE_SW_EXCEPTION          6u

/* Guest interruptibility state (Table 25-3) */
#define INTERRUPTIBILITY_STI            (1u << 0)
#define INTERRUPTIBILITY_MOV_SS         (1u << 1)
#define INTERRUPTIBILITY_NMI            (1u << 3)   /* virtual-NMI blocking, with virtual NMIs */

/* EPT violation qualification bit 12 (Table 28-7): the faulting access
 * was IRET's, which had unblocked NMIs (27.2.3: set the blocking again
 * when the IRET is to run again). */
#define EPT_QUAL_NMI_UNBLOCKING         (1ull << 12)

/* Segment access rights "unusable" bit (25.4.1) */
#define AR_UNUSABLE                     (1u << 16)

#endif
