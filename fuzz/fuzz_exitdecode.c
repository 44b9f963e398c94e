/* libFuzzer target: both vendors' exit decoders (vmx/decode.h, svm/
 * decode.c) on any raw exit information, checked for what the core
 * relies on: register and control-register numbers index 16-entry
 * arrays, segment numbers are ES..GS or "unknown", address sizes are
 * 2, 4 or 8 bytes (or SVM's "decode it yourself" 0) -- and the string
 * I/O address arithmetic (virt/strio.h) is defined for them. */
#include <stdint.h>
#include <string.h>

#include "svm/decode.h"
#include "virt/strio.h"
#include "virt/tss.h"
#include "vmx/decode.h"

#define CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t r[6] = { 0 };
	struct svm_exit_info x;
	struct vexit e;
	struct vevent ev;

	memcpy(r, data, size < sizeof r ? size : sizeof r);
	memset(&e, 0, sizeof e);
	vmx_decode_io(&e, r[0]);
	vmx_decode_string_io(&e, (uint32_t)r[1]);
	CHECK(e.io.addr_size == 2 || e.io.addr_size == 4 || e.io.addr_size == 8);
	CHECK(e.io.seg <= 7);
	(void)strio_linear(r[2], r[3], e.io.addr_size, r[4] & 1);
	(void)strio_next(r[3], -4, e.io.addr_size, r[4] & 1);
	vmx_decode_cr(&e, r[2]);
	CHECK(e.cr.cr <= 15 && e.cr.gpr <= 15 && e.cr.type <= 3);
	vmx_decode_ept(&e, r[3], r[4]);
	CHECK(!(e.npf.access & ~(NPF_READ | NPF_WRITE | NPF_FETCH | NPF_LINEAR | NPF_FINAL)));
	vmx_decode_event(&ev, (uint32_t)r[5], (uint32_t)(r[5] >> 32), (uint32_t)r[1]);
	vmx_decode_task_switch(&e, r[0], (uint32_t)r[5], (uint32_t)(r[5] >> 32), (uint32_t)r[1]);
	CHECK(e.task.source <= TS_GATE && !e.vectoring.valid);
	CHECK(e.task.event.valid ? e.task.source == TS_GATE : true);

	x = (struct svm_exit_info){ r[0] & 0x4FF, r[1], r[2], (uint32_t)r[3], (uint32_t)(r[3] >> 32),
				    r[4], (uint8_t)(r[5] & 3), r[5] & 4 };
	memset(&e, 0, sizeof e);
	svm_decode_exit(&e, &x);
	if (e.kind == VEXIT_TASK_SWITCH) {
		CHECK(e.task.source <= TS_GATE && !e.vectoring.valid);
		(void)svm_task_switch_skips(&e);
	}
	svm_decode_io(&e, r[1], r[5] & 4);
	CHECK(e.io.addr_size == 0 || e.io.addr_size == 2 || e.io.addr_size == 4 || e.io.addr_size == 8);
	CHECK(e.io.seg <= 7 || e.io.seg == SVM_SEG_UNKNOWN);
	CHECK(e.io.size == 1 || e.io.size == 2 || e.io.size == 4);
	svm_decode_event(&ev, (uint32_t)r[3], (uint32_t)(r[3] >> 32));
	(void)svm_exit_insn(r[0]);
	(void)svm_exit_insn_msr(r[1]);
	return 0;
}
