/* The virtual machine control block (VMCB), laid out as in APM Vol. 2
 * Appendix B "Layout of VMCB": Table B-1 "VMCB Layout, Control Area"
 * (offsets 000h-3FFh) and Table B-2 "VMCB Layout, State Save Area"
 * (offsets 400h-FFFh; the save-area offsets below count from 400h), with
 * the bit fields of the control area from APM Vol. 2 Chapter 15 "Secure
 * Virtual Machine". */
#ifndef TERN_SVM_VMCB_H
#define TERN_SVM_VMCB_H

#include <stddef.h>
#include <stdint.h>

/* Table B-2: a segment register in the state save area.  GDTR and IDTR
 * use only limit and base. */
struct vmcb_seg {
	uint16_t selector;
	uint16_t attrib;
	uint32_t limit;
	uint64_t base;
};

/* Table B-1 VMCB Layout, Control Area */
struct vmcb_control {
	uint16_t intercept_cr_read;      /* 000h: bit n = reads of CRn */
	uint16_t intercept_cr_write;     /* 002h: bit n = writes of CRn */
	uint16_t intercept_dr_read;      /* 004h: bit n = reads of DRn */
	uint16_t intercept_dr_write;     /* 006h: bit n = writes of DRn */
	uint32_t intercept_exceptions;   /* 008h: bit n = exception vector n */
	uint32_t intercept_misc1;        /* 00Ch: INTERCEPT_INTR.. below */
	uint32_t intercept_misc2;        /* 010h: INTERCEPT_VMRUN.. below */
	uint32_t intercept_misc3;        /* 014h: INTERCEPT_INVLPGB.. below */
	uint8_t  reserved_018[0x03C - 0x018];
	uint16_t pause_filter_threshold; /* 03Ch */
	uint16_t pause_filter_count;     /* 03Eh */
	uint64_t iopm_base_pa;           /* 040h: I/O permission map */
	uint64_t msrpm_base_pa;          /* 048h: MSR permission map */
	uint64_t tsc_offset;             /* 050h */
	uint32_t asid;                   /* 058h: guest ASID, 0 is the host's */
	uint8_t  tlb_control;            /* 05Ch: TLB_CONTROL_* */
	uint8_t  reserved_05d[3];
	uint32_t int_ctl;                /* 060h: V_TPR .. AVIC_ENABLE */
	uint32_t int_vector;             /* 064h: V_INTR_VECTOR in 7:0 */
	uint64_t int_state;              /* 068h: INTERRUPT_SHADOW .. */
	uint64_t exit_code;              /* 070h: SVM_EXIT_* (svm_exit.h) */
	uint64_t exit_info_1;            /* 078h */
	uint64_t exit_info_2;            /* 080h */
	uint32_t exit_int_info;          /* 088h: EVENTINJ format */
	uint32_t exit_int_info_err;      /* 08Ch: its error code */
	uint64_t nested_ctl;             /* 090h: NP_ENABLE .. */
	uint64_t avic_apic_bar;          /* 098h: AVIC_APIC_BAR, bits 51:0 */
	uint64_t ghcb_pa;                /* 0A0h: GHCB (SEV-ES guests) */
	uint32_t event_inj;              /* 0A8h: EVENTINJ */
	uint32_t event_inj_err;          /* 0ACh: its error code */
	uint64_t n_cr3;                  /* 0B0h: nested page table root (N_CR3) */
	uint64_t virt_ext;               /* 0B8h: LBR_VIRTUALIZATION_ENABLE .. */
	uint32_t vmcb_clean;             /* 0C0h: VMCB_CLEAN_* */
	uint32_t reserved_0c4;
	uint64_t next_rip;               /* 0C8h: nRIP (NRIPS) */
	uint8_t  insn_len;               /* 0D0h: bytes fetched (decode assists) */
	uint8_t  insn_bytes[15];         /* 0D1h */
	uint64_t avic_backing_page;      /* 0E0h: AVIC_APIC_BACKING_PAGE pointer */
	uint8_t  reserved_0e8[8];
	uint64_t avic_logical_table;     /* 0F0h: AVIC_LOGICAL_TABLE pointer */
	uint64_t avic_physical_table;    /* 0F8h: AVIC_PHYSICAL_TABLE pointer */
	uint8_t  reserved_100[8];
	uint64_t vmsa_pa;                /* 108h: VMSA pointer (SEV-ES guests) */
	uint8_t  reserved_110[0x120 - 0x110];
	uint16_t bus_lock_counter;       /* 120h */
	uint8_t  reserved_122[0x3E0 - 0x122];
	uint8_t  reserved_host[0x400 - 0x3E0];  /* 3E0h: reserved for host use */
};

/* Table B-2 VMCB Layout, State Save Area (offsets from VMCB+400h) */
struct vmcb_save {
	struct vmcb_seg es;              /* 000h */
	struct vmcb_seg cs;              /* 010h */
	struct vmcb_seg ss;              /* 020h */
	struct vmcb_seg ds;              /* 030h */
	struct vmcb_seg fs;              /* 040h */
	struct vmcb_seg gs;              /* 050h */
	struct vmcb_seg gdtr;            /* 060h */
	struct vmcb_seg ldtr;            /* 070h */
	struct vmcb_seg idtr;            /* 080h */
	struct vmcb_seg tr;              /* 090h */
	uint8_t  reserved_0a0[0x0CA - 0x0A0];
	uint8_t  vmpl;                   /* 0CAh: SEV-SNP only */
	uint8_t  cpl;                    /* 0CBh */
	uint8_t  reserved_0cc[4];
	uint64_t efer;                   /* 0D0h */
	uint8_t  reserved_0d8[0x148 - 0x0D8];
	uint64_t cr4;                    /* 148h */
	uint64_t cr3;                    /* 150h */
	uint64_t cr0;                    /* 158h */
	uint64_t dr7;                    /* 160h */
	uint64_t dr6;                    /* 168h */
	uint64_t rflags;                 /* 170h */
	uint64_t rip;                    /* 178h */
	uint8_t  reserved_180[0x1D8 - 0x180];
	uint64_t rsp;                    /* 1D8h */
	uint64_t s_cet;                  /* 1E0h */
	uint64_t ssp;                    /* 1E8h */
	uint64_t isst_addr;              /* 1F0h */
	uint64_t rax;                    /* 1F8h */
	uint64_t star;                   /* 200h */
	uint64_t lstar;                  /* 208h */
	uint64_t cstar;                  /* 210h */
	uint64_t sfmask;                 /* 218h */
	uint64_t kernel_gs_base;         /* 220h */
	uint64_t sysenter_cs;            /* 228h */
	uint64_t sysenter_esp;           /* 230h */
	uint64_t sysenter_eip;           /* 238h */
	uint64_t cr2;                    /* 240h */
	uint8_t  reserved_248[0x268 - 0x248];
	uint64_t g_pat;                  /* 268h: guest PAT (nested paging) */
	uint64_t dbgctl;                 /* 270h */
	uint64_t br_from;                /* 278h */
	uint64_t br_to;                  /* 280h */
	uint64_t last_excp_from;         /* 288h */
	uint64_t last_excp_to;           /* 290h */
	uint8_t  reserved_298[0x2E0 - 0x298];
	uint64_t spec_ctrl;              /* 2E0h: guest SPEC_CTRL */
	uint8_t  reserved_2e8[0xC00 - 0x2E8];
};

/* Appendix B: one 4-KiB page, control area then state save area */
struct vmcb {
	struct vmcb_control control;     /* 000h */
	struct vmcb_save save;           /* 400h */
};

_Static_assert(sizeof(struct vmcb_seg) == 16, "vmcb_seg");
_Static_assert(sizeof(struct vmcb_control) == 0x400, "vmcb_control size");
_Static_assert(sizeof(struct vmcb_save) == 0xC00, "vmcb_save size");
_Static_assert(sizeof(struct vmcb) == 4096, "vmcb size");
_Static_assert(offsetof(struct vmcb, control) == 0x000, "vmcb.control");
_Static_assert(offsetof(struct vmcb, save) == 0x400, "vmcb.save");

_Static_assert(offsetof(struct vmcb_seg, selector) == 0x0, "vmcb_seg.selector");
_Static_assert(offsetof(struct vmcb_seg, attrib) == 0x2, "vmcb_seg.attrib");
_Static_assert(offsetof(struct vmcb_seg, limit) == 0x4, "vmcb_seg.limit");
_Static_assert(offsetof(struct vmcb_seg, base) == 0x8, "vmcb_seg.base");

#define VMCB_CONTROL_AT(field, off) \
	_Static_assert(offsetof(struct vmcb_control, field) == (off), "vmcb_control." #field)
VMCB_CONTROL_AT(intercept_cr_read, 0x000);
VMCB_CONTROL_AT(intercept_cr_write, 0x002);
VMCB_CONTROL_AT(intercept_dr_read, 0x004);
VMCB_CONTROL_AT(intercept_dr_write, 0x006);
VMCB_CONTROL_AT(intercept_exceptions, 0x008);
VMCB_CONTROL_AT(intercept_misc1, 0x00C);
VMCB_CONTROL_AT(intercept_misc2, 0x010);
VMCB_CONTROL_AT(intercept_misc3, 0x014);
VMCB_CONTROL_AT(pause_filter_threshold, 0x03C);
VMCB_CONTROL_AT(pause_filter_count, 0x03E);
VMCB_CONTROL_AT(iopm_base_pa, 0x040);
VMCB_CONTROL_AT(msrpm_base_pa, 0x048);
VMCB_CONTROL_AT(tsc_offset, 0x050);
VMCB_CONTROL_AT(asid, 0x058);
VMCB_CONTROL_AT(tlb_control, 0x05C);
VMCB_CONTROL_AT(int_ctl, 0x060);
VMCB_CONTROL_AT(int_vector, 0x064);
VMCB_CONTROL_AT(int_state, 0x068);
VMCB_CONTROL_AT(exit_code, 0x070);
VMCB_CONTROL_AT(exit_info_1, 0x078);
VMCB_CONTROL_AT(exit_info_2, 0x080);
VMCB_CONTROL_AT(exit_int_info, 0x088);
VMCB_CONTROL_AT(exit_int_info_err, 0x08C);
VMCB_CONTROL_AT(nested_ctl, 0x090);
VMCB_CONTROL_AT(avic_apic_bar, 0x098);
VMCB_CONTROL_AT(ghcb_pa, 0x0A0);
VMCB_CONTROL_AT(event_inj, 0x0A8);
VMCB_CONTROL_AT(event_inj_err, 0x0AC);
VMCB_CONTROL_AT(n_cr3, 0x0B0);
VMCB_CONTROL_AT(virt_ext, 0x0B8);
VMCB_CONTROL_AT(vmcb_clean, 0x0C0);
VMCB_CONTROL_AT(next_rip, 0x0C8);
VMCB_CONTROL_AT(insn_len, 0x0D0);
VMCB_CONTROL_AT(insn_bytes, 0x0D1);
VMCB_CONTROL_AT(avic_backing_page, 0x0E0);
VMCB_CONTROL_AT(avic_logical_table, 0x0F0);
VMCB_CONTROL_AT(avic_physical_table, 0x0F8);
VMCB_CONTROL_AT(vmsa_pa, 0x108);
VMCB_CONTROL_AT(bus_lock_counter, 0x120);
VMCB_CONTROL_AT(reserved_host, 0x3E0);
#undef VMCB_CONTROL_AT

#define VMCB_SAVE_AT(field, off) \
	_Static_assert(offsetof(struct vmcb_save, field) == (off), "vmcb_save." #field)
VMCB_SAVE_AT(es, 0x000);
VMCB_SAVE_AT(cs, 0x010);
VMCB_SAVE_AT(ss, 0x020);
VMCB_SAVE_AT(ds, 0x030);
VMCB_SAVE_AT(fs, 0x040);
VMCB_SAVE_AT(gs, 0x050);
VMCB_SAVE_AT(gdtr, 0x060);
VMCB_SAVE_AT(ldtr, 0x070);
VMCB_SAVE_AT(idtr, 0x080);
VMCB_SAVE_AT(tr, 0x090);
VMCB_SAVE_AT(vmpl, 0x0CA);
VMCB_SAVE_AT(cpl, 0x0CB);
VMCB_SAVE_AT(efer, 0x0D0);
VMCB_SAVE_AT(cr4, 0x148);
VMCB_SAVE_AT(cr3, 0x150);
VMCB_SAVE_AT(cr0, 0x158);
VMCB_SAVE_AT(dr7, 0x160);
VMCB_SAVE_AT(dr6, 0x168);
VMCB_SAVE_AT(rflags, 0x170);
VMCB_SAVE_AT(rip, 0x178);
VMCB_SAVE_AT(rsp, 0x1D8);
VMCB_SAVE_AT(s_cet, 0x1E0);
VMCB_SAVE_AT(ssp, 0x1E8);
VMCB_SAVE_AT(isst_addr, 0x1F0);
VMCB_SAVE_AT(rax, 0x1F8);
VMCB_SAVE_AT(star, 0x200);
VMCB_SAVE_AT(lstar, 0x208);
VMCB_SAVE_AT(cstar, 0x210);
VMCB_SAVE_AT(sfmask, 0x218);
VMCB_SAVE_AT(kernel_gs_base, 0x220);
VMCB_SAVE_AT(sysenter_cs, 0x228);
VMCB_SAVE_AT(sysenter_esp, 0x230);
VMCB_SAVE_AT(sysenter_eip, 0x238);
VMCB_SAVE_AT(cr2, 0x240);
VMCB_SAVE_AT(g_pat, 0x268);
VMCB_SAVE_AT(dbgctl, 0x270);
VMCB_SAVE_AT(br_from, 0x278);
VMCB_SAVE_AT(br_to, 0x280);
VMCB_SAVE_AT(last_excp_from, 0x288);
VMCB_SAVE_AT(last_excp_to, 0x290);
VMCB_SAVE_AT(spec_ctrl, 0x2E0);
#undef VMCB_SAVE_AT

/* Table B-1, offsets 000h-00Bh: bit n of intercept_cr_read/_write,
 * intercept_dr_read/_write (CRn/DRn) and intercept_exceptions (vector n) */
#define INTERCEPT_CR(n)                 (1u << (n))
#define INTERCEPT_DR(n)                 (1u << (n))
#define INTERCEPT_EXCP(vector)          (1u << (vector))

/* Table B-1, offset 00Ch: intercept_misc1 */
#define INTERCEPT_INTR                  (1u << 0)
#define INTERCEPT_NMI                   (1u << 1)
#define INTERCEPT_SMI                   (1u << 2)
#define INTERCEPT_INIT                  (1u << 3)
#define INTERCEPT_VINTR                 (1u << 4)
#define INTERCEPT_CR0_SEL_WRITE         (1u << 5)   /* CR0 writes other than TS/MP */
#define INTERCEPT_IDTR_READ             (1u << 6)
#define INTERCEPT_GDTR_READ             (1u << 7)
#define INTERCEPT_LDTR_READ             (1u << 8)
#define INTERCEPT_TR_READ               (1u << 9)
#define INTERCEPT_IDTR_WRITE            (1u << 10)
#define INTERCEPT_GDTR_WRITE            (1u << 11)
#define INTERCEPT_LDTR_WRITE            (1u << 12)
#define INTERCEPT_TR_WRITE              (1u << 13)
#define INTERCEPT_RDTSC                 (1u << 14)
#define INTERCEPT_RDPMC                 (1u << 15)
#define INTERCEPT_PUSHF                 (1u << 16)
#define INTERCEPT_POPF                  (1u << 17)
#define INTERCEPT_CPUID                 (1u << 18)
#define INTERCEPT_RSM                   (1u << 19)
#define INTERCEPT_IRET                  (1u << 20)
#define INTERCEPT_INTN                  (1u << 21)
#define INTERCEPT_INVD                  (1u << 22)
#define INTERCEPT_PAUSE                 (1u << 23)
#define INTERCEPT_HLT                   (1u << 24)
#define INTERCEPT_INVLPG                (1u << 25)
#define INTERCEPT_INVLPGA               (1u << 26)
#define INTERCEPT_IOIO_PROT             (1u << 27)
#define INTERCEPT_MSR_PROT              (1u << 28)
#define INTERCEPT_TASK_SWITCH           (1u << 29)
#define INTERCEPT_FERR_FREEZE           (1u << 30)
#define INTERCEPT_SHUTDOWN              (1u << 31)

/* Table B-1, offset 010h: intercept_misc2 (VMRUN must be set, or VMRUN
 * fails with VMEXIT_INVALID) */
#define INTERCEPT_VMRUN                 (1u << 0)
#define INTERCEPT_VMMCALL               (1u << 1)
#define INTERCEPT_VMLOAD                (1u << 2)
#define INTERCEPT_VMSAVE                (1u << 3)
#define INTERCEPT_STGI                  (1u << 4)
#define INTERCEPT_CLGI                  (1u << 5)
#define INTERCEPT_SKINIT                (1u << 6)
#define INTERCEPT_RDTSCP                (1u << 7)
#define INTERCEPT_ICEBP                 (1u << 8)
#define INTERCEPT_WBINVD                (1u << 9)   /* WBINVD and WBNOINVD */
#define INTERCEPT_MONITOR               (1u << 10)  /* MONITOR and MONITORX */
#define INTERCEPT_MWAIT                 (1u << 11)  /* MWAIT and MWAITX */
#define INTERCEPT_MWAIT_CONDITIONAL     (1u << 12)  /* ... if the monitor is armed */
#define INTERCEPT_XSETBV                (1u << 13)
#define INTERCEPT_RDPRU                 (1u << 14)
#define INTERCEPT_EFER_WRITE_TRAP       (1u << 15)  /* after the write completes */
#define INTERCEPT_CR_WRITE_TRAP(n)      (1u << (16 + (n)))  /* CR0-CR15, likewise */

/* Table B-1, offset 014h: intercept_misc3 */
#define INTERCEPT_INVLPGB               (1u << 0)
#define INTERCEPT_INVLPGB_ILLEGAL       (1u << 1)
#define INTERCEPT_INVPCID               (1u << 2)
#define INTERCEPT_MCOMMIT               (1u << 3)
#define INTERCEPT_TLBSYNC               (1u << 4)
#define INTERCEPT_BUS_LOCK              (1u << 5)
#define INTERCEPT_IDLE_HLT              (1u << 6)

/* APM Vol. 2 Chapter 15 "I/O Intercepts" and "MSR Intercepts": sizes of
 * the permission maps that iopm_base_pa and msrpm_base_pa point to */
#define SVM_IOPM_SIZE                   (12u * 1024)
#define SVM_MSRPM_SIZE                  (8u * 1024)

/* Chapter 15 "TLB Control": tlb_control values (3 and 7 need
 * CPUID 8000_000Ah EDX.FlushByAsid) */
#define TLB_CONTROL_DO_NOTHING          0u
#define TLB_CONTROL_FLUSH_ALL           1u   /* every ASID, host's too */
#define TLB_CONTROL_FLUSH_ASID          3u   /* this guest's ASID */
#define TLB_CONTROL_FLUSH_ASID_LOCAL    7u   /* its non-global entries */

/* Table B-1, offset 060h: int_ctl (bits 31:0 of the 64-bit field; its
 * bits 39:32, V_INTR_VECTOR, are int_vector at 064h) */
#define V_TPR_MASK                      0xFFu        /* 3:0 used, 7:4 SBZ */
#define V_IRQ                           (1u << 8)
#define V_GIF                           (1u << 9)    /* VGIF */
#define V_NMI                           (1u << 11)   /* pending virtual NMI */
#define V_NMI_MASK                      (1u << 12)   /* virtual NMIs blocked */
#define V_INTR_PRIO_SHIFT               16
#define V_INTR_PRIO_MASK                (0xFu << V_INTR_PRIO_SHIFT)
#define V_IGN_TPR                       (1u << 20)
#define V_INTR_MASKING                  (1u << 24)
#define V_GIF_ENABLE                    (1u << 25)
#define V_NMI_ENABLE                    (1u << 26)
#define X2AVIC_ENABLE                   (1u << 30)
#define AVIC_ENABLE                     (1u << 31)
#define V_INTR_VECTOR_MASK              0xFFu        /* in int_vector */

/* Table B-1, offset 068h: int_state */
#define INTERRUPT_SHADOW                (1ull << 0)
#define GUEST_INTERRUPT_MASK            (1ull << 1)  /* guest RFLAGS.IF */

/* Table B-1, offset 090h: nested_ctl */
#define NP_ENABLE                       (1ull << 0)
#define SEV_ENABLE                      (1ull << 1)
#define SEV_ES_ENABLE                   (1ull << 2)

/* Table B-1, offset 0B8h: virt_ext */
#define LBR_VIRTUALIZATION_ENABLE       (1ull << 0)
#define VIRTUAL_VMLOAD_VMSAVE_ENABLE    (1ull << 1)

/* APM Vol. 2 15.20 "Event Injection": event_inj, and exit_int_info in the
 * same format; the error code is event_inj_err / exit_int_info_err */
#define EVENTINJ_VECTOR_MASK            0xFFu
#define EVENTINJ_TYPE_SHIFT             8
#define EVENTINJ_TYPE_MASK              (7u << EVENTINJ_TYPE_SHIFT)
#define EVENTINJ_TYPE_INTR              (0u << EVENTINJ_TYPE_SHIFT)
#define EVENTINJ_TYPE_NMI               (2u << EVENTINJ_TYPE_SHIFT)
#define EVENTINJ_TYPE_EXCEPTION         (3u << EVENTINJ_TYPE_SHIFT)
#define EVENTINJ_TYPE_SOFT_INT          (4u << EVENTINJ_TYPE_SHIFT)
#define EVENTINJ_EV                     (1u << 11)   /* error code valid */
#define EVENTINJ_V                      (1u << 31)   /* valid */

/* APM Vol. 2 15.15.3 "VMCB Clean Field": a set bit in vmcb_clean lets the
 * CPU keep its cached copy of the fields listed */
#define VMCB_CLEAN_I                    (1u << 0)  /* intercepts, tsc_offset, pause filter */
#define VMCB_CLEAN_IOPM                 (1u << 1)  /* iopm_base_pa, msrpm_base_pa */
#define VMCB_CLEAN_ASID                 (1u << 2)  /* asid */
#define VMCB_CLEAN_TPR                  (1u << 3)  /* int_ctl, int_vector */
#define VMCB_CLEAN_NP                   (1u << 4)  /* nested_ctl, n_cr3, g_pat */
#define VMCB_CLEAN_CRX                  (1u << 5)  /* cr0, cr3, cr4, efer */
#define VMCB_CLEAN_DRX                  (1u << 6)  /* dr6, dr7 */
#define VMCB_CLEAN_DT                   (1u << 7)  /* gdtr, idtr */
#define VMCB_CLEAN_SEG                  (1u << 8)  /* cs, ds, es, ss, cpl */
#define VMCB_CLEAN_CR2                  (1u << 9)  /* cr2 */
#define VMCB_CLEAN_LBR                  (1u << 10) /* dbgctl, br_*, last_excp_* */
#define VMCB_CLEAN_AVIC                 (1u << 11) /* avic_* */
#define VMCB_CLEAN_CET                  (1u << 12) /* s_cet, ssp, isst_addr */

/* Table B-2: vmcb_seg.attrib packs descriptor bits 47:40 (type, S, DPL,
 * P) into 7:0 and bits 55:52 (AVL, L, D/B, G) into 11:8 */
#define SVM_ATTRIB_TYPE_MASK            0xFu
#define SVM_ATTRIB_S                    (1u << 4)
#define SVM_ATTRIB_DPL_SHIFT            5
#define SVM_ATTRIB_DPL_MASK             (3u << SVM_ATTRIB_DPL_SHIFT)
#define SVM_ATTRIB_P                    (1u << 7)
#define SVM_ATTRIB_AVL                  (1u << 8)
#define SVM_ATTRIB_L                    (1u << 9)
#define SVM_ATTRIB_DB                   (1u << 10)
#define SVM_ATTRIB_G                    (1u << 11)

/* VMX access rights (SDM Vol. 3C 25.4.1) keep the same bits at 7:0 and
 * 15:12, with 11:8 reserved and bit 16 "unusable".  The VMCB has no
 * unusable bit: vmx_ar_to_svm_attrib() drops it (clear P for an unusable
 * segment), and svm_attrib_to_vmx_ar() never sets it. */
static inline uint16_t vmx_ar_to_svm_attrib(uint32_t ar)
{
	return (uint16_t)((ar & 0xFFu) | ((ar >> 4) & 0xF00u));
}

static inline uint32_t svm_attrib_to_vmx_ar(uint16_t attrib)
{
	return (attrib & 0xFFu) | ((uint32_t)(attrib & 0xF00u) << 4);
}

#endif
