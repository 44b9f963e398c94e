/* The time-stamp counter's rate, measured once at boot against the PIT. */
#ifndef TERN_ARCH_X86_TSC_H
#define TERN_ARCH_X86_TSC_H

#include <stdint.h>

/* Measure; returns the rate in kHz (also kept for tsc_khz()). */
uint64_t tsc_calibrate(void);
uint64_t tsc_khz(void);

#endif
