/* VMRUN's consistency checks, named (svm/check.c). */
#ifndef TERN_SVM_CHECK_H
#define TERN_SVM_CHECK_H

#include <stdbool.h>

#include "svm/vmcb.h"

/* The first check of APM Vol. 2 15.5.1 that b fails, or NULL (0). */
const char *vmcb_check(const struct vmcb *b);

#endif
