/* Model-specific register numbers, named as in SDM Vol. 4 "Model-Specific
 * Registers", Table 2-2 "IA-32 Architectural MSRs". */
#ifndef TERN_ARCH_X86_MSR_H
#define TERN_ARCH_X86_MSR_H

#define IA32_TIME_STAMP_COUNTER   0x010
#define IA32_APIC_BASE            0x01B
#define IA32_TSC_DEADLINE         0x6E0
#define IA32_FEATURE_CONTROL      0x03A
#define IA32_TSC_ADJUST           0x03B
#define IA32_SPEC_CTRL            0x048
#define IA32_PRED_CMD             0x049
#define IA32_BIOS_SIGN_ID         0x08B
#define IA32_MTRRCAP              0x0FE
#define IA32_ARCH_CAPABILITIES    0x10A
#define IA32_SYSENTER_CS          0x174
#define IA32_SYSENTER_ESP         0x175
#define IA32_SYSENTER_EIP         0x176
#define IA32_MCG_CAP              0x179
#define IA32_MCG_STATUS           0x17A
#define IA32_MISC_ENABLE          0x1A0
#define MISC_ENABLE_FAST_STRINGS  (1u << 0)   /* fast-strings enable (SDM Vol. 4 Table 2-2) */
#define MISC_ENABLE_BTS_UNAVAIL   (1u << 11)  /* read only: no branch trace store */
#define MISC_ENABLE_PEBS_UNAVAIL  (1u << 12)  /* read only: no precise event sampling */
#define IA32_PAT                  0x277
#define PAT_POWER_ON_DEFAULT 0x0007040600070406ull   /* IA32_PAT at reset (SDM Vol. 3A 13.12.4) */
#define IA32_MTRR_DEF_TYPE        0x2FF
#define IA32_MTRR_PHYSBASE0       0x200   /* PHYSBASEn = 0x200 + 2n, PHYSMASKn = 0x201 + 2n */
#define IA32_DEBUGCTL             0x1D9

#define IA32_VMX_BASIC            0x480
#define IA32_VMX_PINBASED_CTLS    0x481
#define IA32_VMX_PROCBASED_CTLS   0x482
#define IA32_VMX_EXIT_CTLS        0x483
#define IA32_VMX_ENTRY_CTLS       0x484
#define IA32_VMX_MISC             0x485
#define IA32_VMX_CR0_FIXED0       0x486
#define IA32_VMX_CR0_FIXED1       0x487
#define IA32_VMX_CR4_FIXED0       0x488
#define IA32_VMX_CR4_FIXED1       0x489
#define IA32_VMX_VMCS_ENUM        0x48A
#define IA32_VMX_PROCBASED_CTLS2  0x48B
#define IA32_VMX_EPT_VPID_CAP     0x48C
#define IA32_VMX_TRUE_PINBASED_CTLS  0x48D
#define IA32_VMX_TRUE_PROCBASED_CTLS 0x48E
#define IA32_VMX_TRUE_EXIT_CTLS   0x48F
#define IA32_VMX_TRUE_ENTRY_CTLS  0x490

#define IA32_EFER                 0xC0000080
#define IA32_STAR                 0xC0000081
#define IA32_LSTAR                0xC0000082
#define IA32_CSTAR                0xC0000083
#define IA32_FMASK                0xC0000084
#define IA32_FS_BASE              0xC0000100
#define IA32_GS_BASE              0xC0000101
#define IA32_KERNEL_GS_BASE       0xC0000102
#define IA32_TSC_AUX              0xC0000103
/* AMD's northbridge configuration (BKDG for family 10h, MSRC001_001F):
 * bit 46 lets CF8h reach extended PCI configuration space. */
#define MSR_AMD64_NB_CFG          0xC001001F
#define NB_CFG_CF8_EXT_CFG        (1ull << 46)

/* IA32_FEATURE_CONTROL bits (SDM Vol. 3C 24.7 "Enabling and Entering VMX Operation"). */
#define FEATURE_CONTROL_LOCKED           (1u << 0)
#define FEATURE_CONTROL_VMX_INSIDE_SMX   (1u << 1)
#define FEATURE_CONTROL_VMX_OUTSIDE_SMX  (1u << 2)

/* IA32_EFER bits (SDM Vol. 3A 2.2.1). */
#define EFER_SCE  (1ull << 0)
#define EFER_LME  (1ull << 8)
#define EFER_LMA  (1ull << 10)
#define EFER_NXE  (1ull << 11)

#endif
