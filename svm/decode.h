/* SVM exit decoding (svm/decode.c): pure, unit-tested. */
#ifndef TERN_SVM_DECODE_H
#define TERN_SVM_DECODE_H

#include <stdbool.h>
#include <stdint.h>

#include "svm/svm_exit.h"
#include "virt/vexit.h"

/* The #VMEXIT information of a VMCB, as svm/exit.c reads it. */
struct svm_exit_info {
	uint64_t code, info1, info2;
	uint32_t int_info, int_info_err;
	uint64_t rip;                /* the guest rIP at the exit */
	uint8_t cpl;                 /* the guest CPL at the exit */
	bool decode_assists;         /* the CPU fills IOIO's segment field */
};

/* e->cr.gpr when only the instruction's bytes can tell. */
#define SVM_GPR_UNKNOWN 0xFF
/* e->io.seg likewise. */
#define SVM_SEG_UNKNOWN 0xFF

/* IOIO EXITINFO1 (15.10.2, Figure 15-2). */
static inline void svm_decode_io(struct vexit *e, uint64_t info1, bool seg_valid)
{
	e->io.flags = (info1 & SVM_IOIO_TYPE_IN ? VIO_IN : 0) | (info1 & SVM_IOIO_STR ? VIO_STRING : 0) |
		      (info1 & SVM_IOIO_REP ? VIO_REP : 0);
	e->io.size = info1 & SVM_IOIO_SZ32 ? 4 : info1 & SVM_IOIO_SZ16 ? 2 : 1;
	/* 0 when the CPU gives no address size (QEMU's does not): svm/exit.c
	 * decodes it then. */
	e->io.addr_size = info1 & SVM_IOIO_A64 ? 8 : info1 & SVM_IOIO_A32 ? 4 : info1 & SVM_IOIO_A16 ? 2 : 0;
	e->io.port = (uint16_t)(info1 >> SVM_IOIO_PORT_SHIFT);
	/* The segment field comes with decode assists; without them
	 * svm/exit.c decodes the prefixes (SVM_SEG_UNKNOWN). */
	e->io.seg = seg_valid ? (uint8_t)((info1 & SVM_IOIO_SEG_MASK) >> SVM_IOIO_SEG_SHIFT) :
				SVM_SEG_UNKNOWN;
}

void svm_decode_exit(struct vexit *e, const struct svm_exit_info *x);
void svm_decode_event(struct vevent *ev, uint32_t info, uint32_t error);
/* A decoded task switch started by an instruction (CALL, JMP, IRET,
 * INT n, INT3, INTO), whose length the old task resumes after. */
bool svm_task_switch_skips(const struct vexit *e);
/* enum insn_kind of the exit's instruction, or -1. */
int svm_exit_insn(uint64_t code);
int svm_exit_insn_msr(uint64_t info1);

/* NPF EXITINFO1 (15.25.6) -> the core's access bits: fetch, write or
 * read, and whether it was the guest's own access or its page-table walk
 * (bit 33). */
static inline unsigned svm_npf_access(uint64_t info1)
{
	return (info1 & SVM_NPF_ID ? NPF_FETCH : 0) | (info1 & SVM_NPF_RW ? NPF_WRITE : NPF_READ) |
	       NPF_LINEAR | (info1 & SVM_NPF_GUEST_PAGE_TABLE ? 0 : NPF_FINAL);
}

#endif
