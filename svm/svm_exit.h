/* SVM exit codes, named as in APM Vol. 2 Appendix C "SVM Intercept Exit
 * Codes", Table C-1 "SVM Intercept Codes" (VMEXIT_x there is SVM_EXIT_x
 * here), the EXITINFO1/EXITINFO2 formats of the exits Tern decodes, the
 * SVM MSRs and the SVM CPUID bits (APM Vol. 2 Chapter 15 "Secure Virtual
 * Machine").  The VMCB's exit_code is 64 bits wide. */
#ifndef TERN_SVM_SVM_EXIT_H
#define TERN_SVM_SVM_EXIT_H

/* Table C-1, 00h-3Fh: CR and DR accesses */
#define SVM_EXIT_CR_READ(n)             (0x000u + (n))   /* CR0-CR15 */
#define SVM_EXIT_CR_WRITE(n)            (0x010u + (n))
#define SVM_EXIT_DR_READ(n)             (0x020u + (n))   /* DR0-DR15 */
#define SVM_EXIT_DR_WRITE(n)            (0x030u + (n))
#define SVM_EXIT_CR0_READ               0x000u
#define SVM_EXIT_CR2_READ               0x002u
#define SVM_EXIT_CR3_READ               0x003u
#define SVM_EXIT_CR4_READ               0x004u
#define SVM_EXIT_CR8_READ               0x008u
#define SVM_EXIT_CR0_WRITE              0x010u
#define SVM_EXIT_CR2_WRITE              0x012u
#define SVM_EXIT_CR3_WRITE              0x013u
#define SVM_EXIT_CR4_WRITE              0x014u
#define SVM_EXIT_CR8_WRITE              0x018u
#define SVM_EXIT_DR0_READ               0x020u
#define SVM_EXIT_DR7_READ               0x027u
#define SVM_EXIT_DR0_WRITE              0x030u
#define SVM_EXIT_DR7_WRITE              0x037u

/* Table C-1, 40h-5Fh: VMEXIT_EXCP0-31, exception vector n */
#define SVM_EXIT_EXCP(vector)           (0x040u + (vector))
#define SVM_EXIT_EXCP_BASE              0x040u
#define SVM_EXIT_EXCP_LAST              0x05Fu

/* Table C-1, 60h-A6h */
#define SVM_EXIT_INTR                   0x060u
#define SVM_EXIT_NMI                    0x061u
#define SVM_EXIT_SMI                    0x062u
#define SVM_EXIT_INIT                   0x063u
#define SVM_EXIT_VINTR                  0x064u
#define SVM_EXIT_CR0_SEL_WRITE          0x065u
#define SVM_EXIT_IDTR_READ              0x066u
#define SVM_EXIT_GDTR_READ              0x067u
#define SVM_EXIT_LDTR_READ              0x068u
#define SVM_EXIT_TR_READ                0x069u
#define SVM_EXIT_IDTR_WRITE             0x06Au
#define SVM_EXIT_GDTR_WRITE             0x06Bu
#define SVM_EXIT_LDTR_WRITE             0x06Cu
#define SVM_EXIT_TR_WRITE               0x06Du
#define SVM_EXIT_RDTSC                  0x06Eu
#define SVM_EXIT_RDPMC                  0x06Fu
#define SVM_EXIT_PUSHF                  0x070u
#define SVM_EXIT_POPF                   0x071u
#define SVM_EXIT_CPUID                  0x072u
#define SVM_EXIT_RSM                    0x073u
#define SVM_EXIT_IRET                   0x074u
#define SVM_EXIT_SWINT                  0x075u   /* INTn */
#define SVM_EXIT_INVD                   0x076u
#define SVM_EXIT_PAUSE                  0x077u
#define SVM_EXIT_HLT                    0x078u
#define SVM_EXIT_INVLPG                 0x079u
#define SVM_EXIT_INVLPGA                0x07Au
#define SVM_EXIT_IOIO                   0x07Bu
#define SVM_EXIT_MSR                    0x07Cu
#define SVM_EXIT_TASK_SWITCH            0x07Du
#define SVM_EXIT_FERR_FREEZE            0x07Eu
#define SVM_EXIT_SHUTDOWN               0x07Fu
#define SVM_EXIT_VMRUN                  0x080u
#define SVM_EXIT_VMMCALL                0x081u
#define SVM_EXIT_VMLOAD                 0x082u
#define SVM_EXIT_VMSAVE                 0x083u
#define SVM_EXIT_STGI                   0x084u
#define SVM_EXIT_CLGI                   0x085u
#define SVM_EXIT_SKINIT                 0x086u
#define SVM_EXIT_RDTSCP                 0x087u
#define SVM_EXIT_ICEBP                  0x088u
#define SVM_EXIT_WBINVD                 0x089u   /* WBINVD or WBNOINVD */
#define SVM_EXIT_MONITOR                0x08Au   /* MONITOR or MONITORX */
#define SVM_EXIT_MWAIT                  0x08Bu   /* MWAIT or MWAITX */
#define SVM_EXIT_MWAIT_CONDITIONAL      0x08Cu
#define SVM_EXIT_XSETBV                 0x08Du
#define SVM_EXIT_RDPRU                  0x08Eu
#define SVM_EXIT_EFER_WRITE_TRAP        0x08Fu   /* after the write completes */
#define SVM_EXIT_CR_WRITE_TRAP(n)       (0x090u + (n))   /* CR0-CR15, likewise */
#define SVM_EXIT_CR0_WRITE_TRAP         0x090u
#define SVM_EXIT_CR3_WRITE_TRAP         0x093u
#define SVM_EXIT_CR4_WRITE_TRAP         0x094u
#define SVM_EXIT_CR8_WRITE_TRAP         0x098u
#define SVM_EXIT_INVLPGB                0x0A0u
#define SVM_EXIT_INVLPGB_ILLEGAL        0x0A1u
#define SVM_EXIT_INVPCID                0x0A2u
#define SVM_EXIT_MCOMMIT                0x0A3u
#define SVM_EXIT_TLBSYNC                0x0A4u
#define SVM_EXIT_BUS_LOCK               0x0A5u
#define SVM_EXIT_IDLE_HLT               0x0A6u

/* Table C-1, 400h-403h: feature-specific exits */
#define SVM_EXIT_NPF                    0x400u
#define SVM_EXIT_AVIC_INCOMPLETE_IPI    0x401u
#define SVM_EXIT_AVIC_NOACCEL           0x402u
#define SVM_EXIT_VMGEXIT                0x403u

/* Table C-1, negative codes: VMRUN itself failed */
#define SVM_EXIT_INVALID                (~0ull)        /* -1: bad guest state */
#define SVM_EXIT_BUSY                   (~0ull - 1)    /* -2: VMSA BUSY bit (SEV-SNP) */
#define SVM_EXIT_IDLE_REQUIRED          (~0ull - 2)    /* -3: sibling not idle (SEV-SNP) */

/* Chapter 15 "I/O Intercepts", EXITINFO1 of SVM_EXIT_IOIO.  EXITINFO2
 * holds the RIP of the instruction after the IN/OUT. */
#define SVM_IOIO_TYPE_IN                (1u << 0)      /* 0 = OUT */
#define SVM_IOIO_STR                    (1u << 2)      /* INS/OUTS */
#define SVM_IOIO_REP                    (1u << 3)
#define SVM_IOIO_SZ8                    (1u << 4)
#define SVM_IOIO_SZ16                   (1u << 5)
#define SVM_IOIO_SZ32                   (1u << 6)
#define SVM_IOIO_A16                    (1u << 7)
#define SVM_IOIO_A32                    (1u << 8)
#define SVM_IOIO_A64                    (1u << 9)
#define SVM_IOIO_SEG_SHIFT              10             /* effective segment */
#define SVM_IOIO_SEG_MASK               (7u << SVM_IOIO_SEG_SHIFT)
#define SVM_IOIO_PORT_SHIFT             16
#define SVM_IOIO_PORT_MASK              (0xFFFFu << SVM_IOIO_PORT_SHIFT)

/* Chapter 15 "Task Switch Intercept", EXITINFO2 of
 * SVM_EXIT_TASK_SWITCH (EXITINFO1 holds the new TSS's selector): the
 * switch came from IRET or JMP (neither: CALL, or an IDT task gate when
 * EXITINTINFO is valid), and the error code of the exception that went
 * through the gate in bits 31:0. */
#define SVM_EXITINFO2_TS_IRET           (1ull << 36)
#define SVM_EXITINFO2_TS_JMP            (1ull << 38)
#define SVM_EXITINFO2_TS_HAS_ERROR      (1ull << 44)

/* Chapter 15 "MSR Intercepts", EXITINFO1 of SVM_EXIT_MSR (ECX holds the
 * MSR number) */
#define SVM_EXITINFO1_MSR_RDMSR         0u
#define SVM_EXITINFO1_MSR_WRMSR         1u

/* Chapter 15 "Nested Paging", EXITINFO1 of SVM_EXIT_NPF: a #PF-style
 * error code; EXITINFO2 holds the faulting guest-physical address */
#define SVM_NPF_P                       (1ull << 0)    /* 0 = not present */
#define SVM_NPF_RW                      (1ull << 1)    /* write */
#define SVM_NPF_US                      (1ull << 2)    /* user access */
#define SVM_NPF_RSVD                    (1ull << 3)    /* reserved bit set */
#define SVM_NPF_ID                      (1ull << 4)    /* instruction fetch */
#define SVM_NPF_FINAL_GPA               (1ull << 32)   /* final guest-physical address */
#define SVM_NPF_GUEST_PAGE_TABLE        (1ull << 33)   /* during the guest page-table walk */

/* Chapter 15 "Decode Assists", EXITINFO1 of SVM_EXIT_CR_READ/_WRITE
 * (and of the DR exits, bits 3:0 only) */
#define SVM_EXITINFO1_CR_MOV            (1ull << 63)   /* MOV CRx, not LMSW/CLTS */
#define SVM_EXITINFO1_GPR_MASK          0xFull         /* GPR number */

/* Chapter 15 "SVM Related MSRs" (arch/x86/msr.h lacks them) */
#define MSR_VM_CR                       0xC0010114
#define MSR_VM_HSAVE_PA                 0xC0010117
#define VM_CR_DPD                       (1ull << 0)
#define VM_CR_R_INIT                    (1ull << 1)
#define VM_CR_DIS_A20M                  (1ull << 2)
#define VM_CR_LOCK                      (1ull << 3)
#define VM_CR_SVMDIS                    (1ull << 4)
/* EFER bit enabling SVM (APM Vol. 2 "Enabling SVM"; msr.h has the others) */
#define EFER_SVME                       (1ull << 12)

/* Chapter 15 "SVM Feature Detection": CPUID Fn8000_0001 ECX.SVM, and
 * Fn8000_000A (EAX[7:0] SVM revision, EBX number of ASIDs, EDX features) */
#define CPUID_80000001_ECX_SVM          (1u << 2)
#define CPUID_SVM_LEAF                  0x8000000Au
#define CPUID_8000000A_EAX_SVMREV_MASK  0xFFu
#define CPUID_8000000A_EDX_NP           (1u << 0)
#define CPUID_8000000A_EDX_LBRV         (1u << 1)
#define CPUID_8000000A_EDX_SVML         (1u << 2)
#define CPUID_8000000A_EDX_NRIPS        (1u << 3)
#define CPUID_8000000A_EDX_TSCRATEMSR   (1u << 4)
#define CPUID_8000000A_EDX_VMCBCLEAN    (1u << 5)
#define CPUID_8000000A_EDX_FLUSHBYASID  (1u << 6)
#define CPUID_8000000A_EDX_DECODEASSISTS (1u << 7)
#define CPUID_8000000A_EDX_PAUSEFILTER  (1u << 10)
#define CPUID_8000000A_EDX_PFTHRESHOLD  (1u << 12)
#define CPUID_8000000A_EDX_AVIC         (1u << 13)
#define CPUID_8000000A_EDX_VMSAVE_VIRT  (1u << 15)
#define CPUID_8000000A_EDX_VGIF         (1u << 16)
#define CPUID_8000000A_EDX_X2AVIC       (1u << 18)
#define CPUID_8000000A_EDX_VNMI         (1u << 25)

#endif
