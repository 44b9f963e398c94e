/* SVM exit decoding (svm/decode.c): pure, unit-tested. */
#ifndef TERN_SVM_DECODE_H
#define TERN_SVM_DECODE_H

#include <stdbool.h>
#include <stdint.h>

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

void svm_decode_exit(struct vexit *e, const struct svm_exit_info *x);
void svm_decode_event(struct vevent *ev, uint32_t info, uint32_t error);
/* enum insn_kind of the exit's instruction, or -1. */
int svm_exit_insn(uint64_t code);
int svm_exit_insn_msr(uint64_t info1);

#endif
