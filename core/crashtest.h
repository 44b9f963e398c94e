/* crashtest=<kind>: make the hypervisor fault on purpose, so the crash
 * dump path is tested (scripts/tests/crash.sh) rather than trusted. */
#ifndef TERN_CORE_CRASHTEST_H
#define TERN_CORE_CRASHTEST_H

/* kind: "" (nothing), "pf", "ud", "de" or "panic"; "vmentry" and
 * "vmcontrol" break the first guest's VM entry instead (vmcs_sabotage). */
void crashtest_run(const char *kind);

#endif
