/* crashtest=<kind>: make the hypervisor fault on purpose, so the crash
 * dump path is tested (scripts/tests/crash.sh) rather than trusted. */
#ifndef TERN_CORE_CRASHTEST_H
#define TERN_CORE_CRASHTEST_H

/* kind: "" (nothing), "pf", "ud", "de" or "panic"; "vmentry",
 * "vmcontrol" and "eptmisconfig" break the first guest instead
 * (vmcs_sabotage). */
void crashtest_run(const char *kind);

#endif
